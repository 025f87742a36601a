/**
 * SQL over HTTP: the worst-case bound and planned cost, and the read-only executor on a real PGlite
 * (with the temporary table Ponder's flush leaves behind).
 */
import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";

import { pgliteExecutor, type SqlLimits } from "../../indexer/src/api/sql/execute.js";
import { plannedCost, planOf, worstCase } from "../../indexer/src/api/sql/plan.js";
import { TABLES } from "./fixture.js";

describe("SQL over HTTP (indexer/src/api/sql)", function () {
  describe("worst case and planned cost", function () {
    const node = (type: string, extra: Record<string, unknown> = {}, plans: unknown[] = []) => ({
      "Node Type": type,
      "Startup Cost": 0,
      "Total Cost": 10,
      "Plan Rows": 1,
      Plans: plans,
      ...extra,
    });
    const sizes = new Map([
      ["grant", 100_000],
      ["grant_event", 150_000],
    ]);

    it("counts whole tables whatever the filters, products for joins, one row for a primary-key lookup", function () {
      const scan = (t: string) =>
        node("Seq Scan", { "Relation Name": t, "Plan Rows": 1, "Parent Relationship": "Outer" });
      // A scan: its whole table (the planner said 1 row after its filter), plus our LIMIT's output.
      expect(worstCase(node("Limit", {}, [scan("grant")]) as never, sizes, 10_001)).to.equal(
        100_000 + 100_000 + 10_001,
      );
      // A hash join: the product of both sides.
      const join = node("Hash Join", {}, [
        scan("grant"),
        node("Hash", { "Parent Relationship": "Inner" }, [scan("grant_event")]),
      ]);
      expect(worstCase(join as never, sizes, 10_001)).to.be.above(1e10);
      // A nested loop over primary-key lookups: one row per outer row.
      const lookup = node("Index Scan", {
        "Relation Name": "grant",
        "Index Name": "grant_pkey",
        "Index Cond": "(id = e.related_id)",
        "Parent Relationship": "Inner",
      });
      const loop = node("Nested Loop", {}, [scan("grant_event"), lookup]);
      expect(worstCase(loop as never, sizes, 10_001)).to.equal(150_000 + 150_000 + 10_001);
      // A correlated subplan runs once per row of its parent.
      const sub = node("Seq Scan", { "Relation Name": "grant", "Parent Relationship": "SubPlan" });
      expect(
        worstCase(node("Result", {}, [scan("grant_event"), sub]) as never, sizes, 1),
      ).to.be.above(1e10);
    });

    it("takes PGlite's enable_seqscan=off penalty off the planner's cost, once per forced scan", function () {
      const E = 1e10;
      const plan = {
        "Node Type": "Hash Join",
        "Startup Cost": 2 * E,
        "Total Cost": 2 * E + 90,
        Plans: [
          { "Node Type": "Seq Scan", "Startup Cost": E, "Total Cost": E + 30 },
          { "Node Type": "Seq Scan", "Startup Cost": E, "Total Cost": E + 30 },
        ],
      };
      expect(Math.round(plannedCost(plan as never))).to.equal(90);
      expect(
        plannedCost(planOf([{ "QUERY PLAN": JSON.stringify([{ Plan: plan }]) }])),
      ).to.be.closeTo(90, 1);
      expect(() => planOf([])).to.throw(/no plan/);
    });
  });

  describe("on a real PGlite", function () {
    let pg: PGlite;
    const limits: SqlLimits = { maxRows: 50, maxCost: 1e6, maxWork: 20_000, timeoutMs: 1_000 };

    before(async function () {
      this.timeout(60_000);
      pg = new PGlite();
      await pg.exec(`
        create schema gk;
        create table gk."grant" (id text primary key, owner text not null, status text not null);
        create table gk.grant_event (id text primary key, grant_id text not null);
        create table gk.issuer (id text primary key);
        insert into gk."grant" select 'g' || i, '0x' || (i % 7), 'active' from generate_series(1, 120) i;
        insert into gk.grant_event select 'e' || i, 'g' || i from generate_series(1, 120) i;
        -- What Ponder's write flush leaves on its one PGlite connection (indexing-store/cache.js):
        create temp table "grant" as select * from gk."grant" with no data;`);
    });
    after(async () => pg.close());

    it("reads our table, not the temporary one of the same name that answered 0 before (issue 16)", async function () {
      expect((await pg.query(`select count(*)::int as n from "grant"`)).rows).to.deep.equal([
        { n: 0 },
      ]);
      const run = await pgliteExecutor(pg, "gk", TABLES).run(
        `select count(*)::int as n from "grant"`,
        [],
        limits,
      );
      expect(run.answer.rows).to.deep.equal([{ n: 120 }]);
      expect(run.answer.fields).to.deep.equal([{ name: "n", dataTypeID: 23 }]);
    });

    it("runs in a read-only transaction: a write that got past the parse still cannot change anything", async function () {
      const executor = pgliteExecutor(pg, "gk", TABLES);
      let caught: { code?: string } | undefined;
      try {
        await executor.run(`delete from gk.grant_event`, [], limits);
      } catch (error) {
        caught = error as { code?: string };
      }
      // EXPLAIN of a DELETE inside the cap's subquery is a syntax error; a bare EXPLAIN DELETE would
      // be 25006: either way nothing runs.
      expect(caught?.code).to.be.oneOf(["42601", "25006"]);
      expect((await pg.query(`select count(*)::int as n from gk.grant_event`)).rows).to.deep.equal([
        { n: 120 },
      ]);
    });

    it("refuses from the plan what could process too many rows, and answers too many rows with how to page", async function () {
      const executor = pgliteExecutor(pg, "gk", TABLES);
      let message = "";
      try {
        await executor.run(
          `select count(*) from "grant" a, grant_event b, issuer c, "grant" d`,
          [],
          {
            ...limits,
            maxCost: 1e12,
          },
        );
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.match(
        /^query refused on the embedded database: in the worst case it processes \d+ rows \(table sizes: grant 450, grant_event 450, issuer 100\), the limit is 20000 \(SQL_MAX_WORK\)/,
      );
      try {
        message = "";
        await executor.run(`select id from "grant"`, [], limits);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.match(
        /^the answer has more than 50 rows \(SQL_MAX_ROWS\); page with ORDER BY … LIMIT/,
      );
      const page = await executor.run(`select id from "grant" order by id limit 50`, [], limits);
      expect(page.answer.rows).to.have.length(50);
    });

    it("sizes tables without reading them, never below the rows they hold: from their pages, at the density of their last ANALYZE", async function () {
      const count = async (t: string) =>
        Number(
          (await pg.query<{ n: number }>(`select count(*)::int as n from gk.${t}`)).rows[0]!.n,
        );
      // Never analyzed: the most tuples its pages can hold (291 per 8 kB page, plus the margin).
      const before = await pgliteExecutor(pg, "gk", TABLES).tableSizes();
      expect(before.get("grant")).to.equal(Math.ceil(291 * 1.2) + 100);
      expect(before.get("issuer")).to.equal(100);
      // Analyzed at 5,000 rows, then grown tenfold without a new ANALYZE: at least the rows, and close.
      const row = `'0x' || lpad(to_hex(i), 40, '0')`;
      await pg.exec(`insert into gk.issuer select ${row} from generate_series(1, 5000) i;
        analyze gk.issuer; insert into gk.issuer select ${row} from generate_series(5001, 50000) i;`);
      const after = (await pgliteExecutor(pg, "gk", TABLES).tableSizes()).get("issuer")!;
      const rows = await count("issuer");
      expect(rows).to.equal(50_000);
      expect(after).to.be.within(rows, rows * 1.3);
    });
  });
});
