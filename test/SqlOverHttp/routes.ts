/**
 * SQL over HTTP: the routes' answers, errors and live queries, on a real PGlite.
 */
import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { Hono } from "hono";

import { Budget } from "../../indexer/src/api/budget.js";
import { CheckpointWatcher } from "../../indexer/src/api/checkpoint.js";
import { pgliteExecutor } from "../../indexer/src/api/sql/execute.js";
import { sqlRoutes } from "../../indexer/src/api/sql/routes.js";
import { TABLES, scope } from "./fixture.js";

describe("SQL over HTTP (indexer/src/api/sql)", function () {
  describe("routes", function () {
    let pg: PGlite;
    let app: Hono;
    let watcher: CheckpointWatcher;
    let checkpoint =
      "0000000001" + "31337".padStart(16, "0") + "1".padStart(16, "0") + "0".repeat(33);
    const get = async (path: string, sql?: string, params: unknown[] = []) => {
      const q =
        sql === undefined
          ? ""
          : `?sql=${encodeURIComponent(JSON.stringify({ json: { sql, params } }))}`;
      const res = await app.request(path + q);
      return { status: res.status, text: await res.text(), res };
    };

    before(async function () {
      this.timeout(60_000);
      pg = new PGlite();
      await pg.exec(`
        create schema gk;
        create table gk."grant" (id text primary key, owner text not null);
        create table gk.grant_event (id text primary key);
        create table gk.issuer (id text primary key);
        insert into gk."grant" values ('a', '0x1'), ('b', '0x2');`);
      watcher = new CheckpointWatcher(async () => [{ latest_checkpoint: checkpoint }], 20).start();
      app = new Hono().route(
        "/",
        sqlRoutes({
          executor: pgliteExecutor(pg, "gk", TABLES),
          scope,
          limits: { maxRows: 100, maxCost: 1e6, maxWork: 100_000, timeoutMs: 1_000 },
          budget: new Budget({
            rate: 0,
            burst: 1,
            globalRate: 1,
            globalBurst: 1,
            clientConcurrency: 1,
            globalConcurrency: 1,
            clientStreams: 1,
          }),
          watcher,
          maxLive: 2,
          liveIntervalMs: 0,
        }),
      );
    });
    after(async () => {
      watcher.stop();
      await pg.close();
    });

    it("answers a read as @ponder/client expects, and every client mistake with 400 JSON that says what to change", async function () {
      const ok = await get("/sql/db", `select id, owner from "grant" where owner = $1`, ["0x2"]);
      expect(ok.status, ok.text).to.equal(200);
      expect(JSON.parse(ok.text)).to.deep.equal({
        rows: [{ id: "b", owner: "0x2" }],
        fields: [
          { name: "id", dataTypeID: 25 },
          { name: "owner", dataTypeID: 25 },
        ],
      });
      const cases: [string | undefined, unknown[], RegExp][] = [
        [undefined, [], /missing query parameter "sql"/],
        [`selec 1`, [], /syntax error at or near "selec" \(character 1/],
        [
          `select * from "grant" where owner = $1`,
          [],
          /the query uses \$1 but 0 parameters were given/,
        ],
        [`select 1`, ["x"], /the query uses no parameters but 1 parameter was given/],
        [
          `select nope from "grant"`,
          [],
          /column "nope" does not exist \(SQLSTATE 42703\); check the column names/,
        ],
        [`select 1/0`, [], /division by zero \(SQLSTATE 22012\); check the values/],
        [`select $1::int4`, ["abc"], /invalid input syntax for type integer.*SQLSTATE 22P02/],
        [`delete from "grant"`, [], /DELETE statements are not allowed/],
      ];
      for (const [sql, params, message] of cases) {
        const a = await get("/sql/db", sql, params);
        expect(a.status, `${sql}: ${a.text}`).to.equal(400);
        expect(a.res.headers.get("content-type")).to.match(/application\/json/);
        expect(JSON.parse(a.text).error, String(sql)).to.match(message);
      }
      expect((await get("/sql/other")).status).to.equal(404);
    });

    it("answers 503 only when the database is away or out of time, by SQLSTATE, never by a message's words", async function () {
      const coded = (message: string, code: string) => Object.assign(new Error(message), { code });
      const answer = async (error: Error) => {
        const stub = new Hono().route(
          "/",
          sqlRoutes({
            executor: {
              dialect: "postgres",
              internal: async () => [],
              tableSizes: async () => new Map(),
              run: async () => {
                throw error;
              },
            },
            scope,
            limits: { maxRows: 1, maxCost: 1, maxWork: 1, timeoutMs: 1_234 },
            budget: new Budget({ ...new Budget().settings, rate: 0 }),
            watcher,
            maxLive: 1,
            liveIntervalMs: 0,
          }),
        );
        const res = await stub.request(
          `/sql/db?sql=${encodeURIComponent(JSON.stringify({ json: { sql: "select 1", params: [] } }))}`,
        );
        return { status: res.status, error: ((await res.json()) as { error: string }).error };
      };
      expect(
        await answer(coded("canceling statement due to statement timeout", "57014")),
      ).to.deep.equal({
        status: 503,
        error:
          "the query ran past the time limit (1234 ms, SQL_TIMEOUT_MS) and was cancelled; narrow it (WHERE, LIMIT)",
      });
      for (const error of [
        coded("terminating connection due to administrator command", "57P01"),
        coded("connection failure", "08006"),
        coded("sorry, too many clients already", "53300"),
        coded("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
        new Error("PGlite is closed"),
      ])
        expect(await answer(error), error.message).to.deep.equal({
          status: 503,
          error: "database unavailable; retry later",
        });
      // The client's mistakes, even when their text echoes words of an outage.
      for (const error of [
        coded('invalid input syntax for type integer: "connect"', "22P02"),
        coded("bind message supplies 0 parameters, but prepared statement requires 1", "08P01"),
      ]) {
        const a = await answer(error);
        expect(a.status, error.message).to.equal(400);
        expect(a.error).to.match(/^query failed: /);
      }
      // Not a database error: a bug of ours, 500 JSON.
      expect((await answer(new TypeError("x is undefined"))).status).to.equal(500);
    });

    it("streams a live query: the answer, then each change, and gives its slot back on every exit", async function () {
      this.timeout(10_000);
      const controller = new AbortController();
      const url = `/sql/live?sql=${encodeURIComponent(JSON.stringify({ json: { sql: `select count(*)::int as n from "grant"`, params: [] } }))}`;
      const res = await app.request(url, { signal: controller.signal });
      expect(res.status).to.equal(200);
      const reader = res.body!.getReader();
      const events: string[] = [];
      const readEvent = async () => {
        let text = "";
        while (!text.includes("\n\n"))
          text += new TextDecoder().decode((await reader.read()).value);
        events.push(text);
      };
      await readEvent();
      expect(events[0]).to.match(/data: \{"rows":\[\{"n":2\}\]/);
      // A second live query of the same client is over its stream limit (1 here).
      const second = await app.request(url);
      expect(second.status).to.equal(200, "the budget is off (rate 0): no stream limit");
      await second.body?.cancel();
      await pg.exec(`insert into gk."grant" values ('c', '0x3')`);
      checkpoint = checkpoint.replace(/^0000000001/, "0000000002");
      await readEvent();
      expect(events[1]).to.match(/data: \{"rows":\[\{"n":3\}\]/);
      await reader.cancel();
      controller.abort();
    });
  });
});
