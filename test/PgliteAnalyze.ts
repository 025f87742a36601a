/**
 * The indexer's planner-statistics refresh for embedded PGlite (indexer/src/api/analyze.ts): the
 * schedule, failures, and the effect on a real PGlite (the planner picks the index order for a
 * filtered page once the table is analyzed). The speed-up itself is measured by
 * `npm run bench:indexer`, not asserted here.
 */
import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";

import { analyzeSchedule, scheduleAnalyze } from "../indexer/src/api/analyze.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("PGlite planner statistics (indexer/src/api/analyze.ts)", function () {
  it("waits for the backfill, then runs ANALYZE of the given tables periodically, until stopped", async function () {
    const statements: string[] = [];
    let ready = false;
    let polls = 0;
    const stop = scheduleAnalyze(
      async (sql) => statements.push(sql),
      { schema: "grantkit", tables: ["grant", 'odd"name'] },
      async () => {
        polls++;
        return ready;
      },
      { pollMs: 10, everyMs: 100 },
      () => {},
    );
    await sleep(80);
    expect(statements, "nothing during the backfill").to.deep.equal([]);
    expect(polls).to.be.at.least(3);
    ready = true;
    await sleep(300);
    expect(statements.slice(0, 4)).to.deep.equal([
      "SET default_statistics_target = 10",
      `ANALYZE "grantkit"."grant"`,
      `ANALYZE "grantkit"."odd""name"`,
      "RESET default_statistics_target",
    ]);
    await sleep(250);
    expect(statements.length, "a second run").to.be.at.least(8);
    stop();
    const count = statements.length;
    await sleep(250);
    expect(statements.length).to.equal(count);
  });

  it("logs a failed run or readiness check and keeps the schedule; everyMs 0 schedules nothing", async function () {
    const lines: string[] = [];
    let calls = 0;
    let checks = 0;
    const stop = scheduleAnalyze(
      async () => {
        calls++;
        throw new Error('relation "grant" does not exist');
      },
      { tables: ["grant"] },
      async () => {
        if (++checks === 1) throw new Error("no such table: _ponder_meta");
        return true;
      },
      { pollMs: 5, everyMs: 30 },
      (line) => lines.push(line),
    );
    await sleep(85);
    stop();
    expect(calls).to.be.at.least(2);
    expect(lines[0]).to.equal(
      "could not tell whether the backfill is done: no such table: _ponder_meta",
    );
    expect(lines.slice(1, 3)).to.deep.equal([
      'ANALYZE failed, next run as scheduled: relation "grant" does not exist',
      'ANALYZE failed, next run as scheduled: relation "grant" does not exist',
    ]);

    let off = 0;
    scheduleAnalyze(
      async () => off++,
      { tables: ["grant"] },
      async () => true,
      { pollMs: 1, everyMs: 0 },
    )();
    await sleep(30);
    expect(off).to.equal(0);
  });

  it("reads its period from the environment and refuses a value that is not a number", function () {
    const saved = { ...process.env };
    try {
      process.env = { ...saved, PGLITE_ANALYZE_EVERY_MS: "0" };
      expect(analyzeSchedule()).to.deep.equal({ pollMs: 5_000, everyMs: 0 });
      process.env = { ...saved, PGLITE_ANALYZE_EVERY_MS: "10m" };
      expect(() => analyzeSchedule()).to.throw(/^PGLITE_ANALYZE_EVERY_MS="10m" is not a number/);
    } finally {
      process.env = saved;
    }
  });

  it("on a real PGlite, an analyzed table's filtered page is read in index order, not sorted", async function () {
    this.timeout(60_000);
    const db = new PGlite();
    try {
      await db.exec(`
        create table "grant" (id text primary key, grantee text not null, status text not null);
        create index on "grant" (grantee, id);
        insert into "grant"
          select 'g' || lpad(i::text, 6, '0'), '0xbb', 'active' from generate_series(1, 20000) i;`);
      const page = `select * from "grant" where grantee = '0xbb' and status = 'active' order by id limit 51`;
      const plan = async () =>
        (await db.query<{ "QUERY PLAN": string }>(`explain ${page}`)).rows
          .map((r) => r["QUERY PLAN"])
          .join("\n");
      // Without statistics the planner expects a handful of rows and sorts them all.
      expect(await plan()).to.match(/Sort/);
      const stop = scheduleAnalyze(
        (sql) => db.query(sql),
        { schema: "public", tables: ["grant"] },
        async () => true,
        { pollMs: 1, everyMs: 60_000 },
        () => {},
      );
      await sleep(2_000);
      stop();
      const after = await plan();
      expect(after).to.not.match(/Sort/);
      expect(after).to.match(/Index Scan using grant_/);
    } finally {
      await db.close();
    }
  });
});
