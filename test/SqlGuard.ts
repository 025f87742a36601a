/**
 * Unit tests of the guard in front of the indexer's SQL over HTTP (indexer/src/api/sqlguard.ts), on
 * a bare Hono app with a stand-in for Ponder's route: decoding, Ponder's validator applied before
 * planning, the cost ceiling, the time limit and the JSON errors. The e2e suite (test/e2e/indexer.ts)
 * runs the same guard inside Ponder on PGlite and PostgreSQL.
 */
import { expect } from "chai";
import { Hono } from "hono";

import { rateLimit } from "../indexer/src/api/ratelimit.js";
import { assertAllowed, decodeQuery, sqlGuard, totalCost } from "../indexer/src/api/sqlguard.js";

/** `?sql=` as @ponder/client sends it: superjson of { sql, params }. */
const encode = (sql: string, params: unknown[] = []) =>
  encodeURIComponent(JSON.stringify({ json: { sql, params } }));

const plan = (cost: number) => [{ "QUERY PLAN": [{ Plan: { "Total Cost": cost } }] }];

interface Downstream {
  status?: number;
  text?: string;
  delayMs?: number;
  /** Throw (after `delayMs`) instead of answering. */
  throws?: boolean;
}

/** A Hono app: the guard, then a stand-in for Ponder's `client()` answering as told. */
function app(
  options: { cost?: number | Error; maxCost?: number; timeoutMs?: number } = {},
  downstream: Downstream = {},
) {
  const explained: { sql: string; params: unknown[] }[] = [];
  let ran = 0;
  const hono = new Hono();
  // As indexer/src/api/index.ts answers an unexpected exception.
  hono.onError((_error, c) => c.json({ error: "internal error" }, 500));
  hono.use(
    "/sql/*",
    sqlGuard({
      explain: async (q) => {
        explained.push(q);
        if (options.cost instanceof Error) throw options.cost;
        return plan(options.cost ?? 10);
      },
      maxCost: options.maxCost ?? 1_000,
      timeoutMs: options.timeoutMs ?? 1_000,
    }),
    async (c) => {
      ran++;
      if (downstream.delayMs) await new Promise((r) => setTimeout(r, downstream.delayMs));
      if (downstream.throws) throw new Error("boom");
      if (downstream.status) return c.text(downstream.text ?? "", downstream.status as 500 | 503);
      return c.json({ rows: [{ n: 1 }] });
    },
  );
  const get = async (query: string, path = "/sql/db") => {
    const res = await hono.request(`${path}?${query}`);
    const text = await res.text();
    let body: { error?: string; rows?: unknown[]; estimatedCost?: number } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: the assertions below say so
    }
    return { status: res.status, body, text };
  };
  return { get, explained, ran: () => ran };
}

describe("SQL guard (indexer/src/api/sqlguard.ts)", function () {
  describe("decodeQuery", function () {
    it("decodes what @ponder/client sends", function () {
      const raw = JSON.stringify({ json: { sql: "select 1", params: [1, "a"] } });
      expect(decodeQuery(raw)).to.deep.equal({ sql: "select 1", params: [1, "a"] });
      // superjson meta: a bigint parameter comes back as a bigint.
      const big = JSON.stringify({
        json: { sql: "select $1", params: ["12345678901234567890"] },
        meta: { values: { "params.0": ["bigint"] } },
      });
      expect(decodeQuery(big).params).to.deep.equal([12345678901234567890n]);
    });

    it("refuses a missing, undecodable, misshapen or oversized query with a message", function () {
      const cases: [string | undefined, RegExp][] = [
        [undefined, /missing query parameter "sql"/],
        ["", /missing query parameter "sql"/],
        ["select 1", /not superjson/],
        [JSON.stringify({ json: { query: "select 1" } }), /must decode to/],
        [JSON.stringify({ json: { sql: "select 1", params: "x" } }), /must decode to/],
        [JSON.stringify({ json: { sql: "select 1" + " ".repeat(5_000) } }), /limit is 5000/],
      ];
      for (const [raw, message] of cases)
        expect(() => decodeQuery(raw), String(raw).slice(0, 40)).to.throw(message);
    });
  });

  describe("assertAllowed (Ponder's validator, before planning)", function () {
    it("lets plain reads through", async function () {
      for (const sql of [
        `select * from "grant" where owner = $1 limit 10`,
        `select status, count(*) from grant_event group by status`,
        `with t as (select * from issuer) select lower(issuer) from t order by 1`,
        `select count(*) from "grant" where owner like '0xab%'`,
      ])
        await assertAllowed(sql);
    });

    it("refuses writes, several statements, locks, SELECT INTO and functions off Ponder's list", async function () {
      for (const sql of [
        `delete from "grant"`,
        `update "grant" set status = 0`,
        `select 1; delete from "grant"`,
        `with d as (delete from "grant" returning *) select * from d`,
        `select * into stolen from "grant"`,
        `select * from "grant" for update`,
        `select pg_sleep(10)`,
        `select repeat('x', 100000000)`,
        `select set_config('default_transaction_read_only', 'off', false)`,
        `selec 1`,
        // Results that can double with each level of nesting, and regular expressions.
        `select owner || owner from "grant"`,
        `select concat(owner, owner) from "grant"`,
        `select length(replace(owner, '0', owner)) from "grant"`,
        `select json_build_array(owner, owner) from "grant"`,
        `select * from (select json_object(array['a'], array[owner]) j from "grant") t`,
        `select json_agg(t.j) from (select json_agg(g) j from "grant" g) t, "grant" g2`,
        `select count(*) from "grant" where owner ~ 'a+'`,
        `select count(*) from "grant" where owner similar to '%a%'`,
      ]) {
        let caught: unknown;
        try {
          await assertAllowed(sql);
        } catch (error) {
          caught = error;
        }
        expect(caught, sql).to.be.instanceOf(Error);
        expect((caught as Error).message, sql).to.match(
          /^query refused: .+; (send a single SELECT|select the columns and combine them in the client)/,
        );
      }
    });
  });

  it("totalCost reads EXPLAIN (FORMAT JSON) as PGlite and node-postgres return it", function () {
    expect(totalCost(plan(12.5))).to.equal(12.5);
    expect(totalCost([{ "QUERY PLAN": JSON.stringify([{ Plan: { "Total Cost": 7 } }]) }])).to.equal(
      7,
    );
    expect(() => totalCost([])).to.throw(/no total cost/);
  });

  it("totalCost takes PGlite's enable_seqscan=off penalty (10^10 per forced scan) off the estimate", function () {
    const node = (type: string, startup: number, total: number, plans: unknown[] = []) => ({
      "Node Type": type,
      "Startup Cost": startup,
      "Total Cost": total,
      Plans: plans,
    });
    const E = 1e10;
    // `select status, count(*) from grant_event group by status` as Ponder's PGlite plans it.
    const groupBy = node("Aggregate", E + 16.39, E + 18.84, [
      node("Sort", E + 16.39, E + 16.74, [node("Seq Scan", E, E + 11.4)]),
    ]);
    // (10^10 + 18.84 - 10^10 is 18.84 to float precision; hundredths compared as integers, since the
    // chai matchers of hardhat-ethers take over closeTo for integers only.)
    const hundredths = (plan: unknown) =>
      Math.round(totalCost([{ "QUERY PLAN": [{ Plan: plan }] }]) * 100);
    expect(hundredths(groupBy)).to.equal(1884);
    // A hash join of two forced scans: two penalties.
    const join = node("Hash Join", 2 * E + 20, 2 * E + 90, [
      node("Seq Scan", E, E + 30),
      node("Hash", E + 30, E + 30, [node("Seq Scan", E, E + 30)]),
    ]);
    expect(hundredths(join)).to.equal(9000);
    // No forced scan, a real estimate over 10^10 (an aggregate over a huge cross join of index
    // scans): nothing is taken off, whatever the children's costs.
    const huge = node("Aggregate", E + 1_000, E + 1_000, [
      node("Nested Loop", 0, E + 500, [
        node("Index Only Scan", 0, 40),
        node("Index Only Scan", 0, 40),
      ]),
    ]);
    expect(totalCost([{ "QUERY PLAN": [{ Plan: huge }] }])).to.equal(E + 1_000);
    // A forced scan rescanned 1,000 times: the remainder stays huge, so the query is refused.
    const rescanned = node("Nested Loop", 2 * E, 1001 * E + 5_000, [
      node("Index Scan", 0, 50),
      node("Seq Scan", E, E + 5),
    ]);
    expect(totalCost([{ "QUERY PLAN": [{ Plan: rescanned }] }])).to.be.above(E);
  });

  describe("middleware", function () {
    it("plans, then hands a cheap allowed query to Ponder's route unchanged", async function () {
      const a = app({ cost: 999 });
      const r = await a.get(`sql=${encode("select * from issuer where chain_id = $1", [31337])}`);
      expect(r.status).to.equal(200);
      expect(r.body.rows).to.deep.equal([{ n: 1 }]);
      expect(a.explained).to.deep.equal([
        { sql: "select * from issuer where chain_id = $1", params: [31337] },
      ]);
      expect(a.ran()).to.equal(1);
    });

    it("refuses a query whose estimated cost is over the limit, without running it", async function () {
      const a = app({ cost: 1_000.6, maxCost: 1_000 });
      const r = await a.get(`sql=${encode("select count(*) from grant_event a, grant_event b")}`);
      expect(r.status).to.equal(400);
      expect(r.body.error).to.match(/too expensive.*cost 1001, the limit is 1000 \(SQL_MAX_COST\)/);
      expect(r.body.estimatedCost).to.equal(1001);
      expect(a.ran()).to.equal(0);
    });

    it("refuses what Ponder would refuse before planning it", async function () {
      const a = app();
      const r = await a.get(`sql=${encode(`select 1; delete from "grant"`)}`);
      expect(r.status).to.equal(400);
      expect(r.body.error).to.match(/Multiple statements/);
      expect(a.explained).to.have.length(0);
      expect(a.ran()).to.equal(0);
    });

    it("answers a planning error (unknown table, wrong parameter) with 400 and the database's message", async function () {
      const a = app({ cost: new Error('relation "nope" does not exist\nat …') });
      const r = await a.get(`sql=${encode("select * from nope")}`);
      expect(r.status).to.equal(400);
      expect(r.body.error).to.equal(
        'query refused: relation "nope" does not exist; send a single SELECT, as @ponder/client does (see indexer/README.md, SQL over HTTP)',
      );
      expect(a.ran()).to.equal(0);
    });

    it("answers 503 JSON when the query outlives SQL_TIMEOUT_MS", async function () {
      const a = app({ timeoutMs: 50 }, { delayMs: 400 });
      const t = performance.now();
      const r = await a.get(`sql=${encode("select 1")}`);
      expect(performance.now() - t).to.be.below(350);
      expect(r.status).to.equal(503);
      expect(r.body.error).to.match(/did not finish within 50 ms \(SQL_TIMEOUT_MS\)/);
    });

    it("drops a query's failure that comes after the 503, and passes on one that comes before", async function () {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", onUnhandled);
      try {
        const late = await app({ timeoutMs: 30 }, { delayMs: 100, throws: true }).get(
          `sql=${encode("select 1")}`,
        );
        expect(late.status).to.equal(503);
        await new Promise((r) => setTimeout(r, 200));
        expect(unhandled).to.deep.equal([]);
        // Before the deadline an unexpected exception reaches the app's error handler: a 500, kept.
        const early = await app({ timeoutMs: 1_000 }, { throws: true }).get(
          `sql=${encode("select 1")}`,
        );
        expect(early.status).to.equal(500);
        expect(early.body.error).to.equal("internal error");
      } finally {
        process.off("unhandledRejection", onUnhandled);
      }
    });

    it("answers 503 when the database is unavailable while planning, by error code, without internals", async function () {
      const coded = (message: string, code: string) => Object.assign(new Error(message), { code });
      for (const error of [
        coded("connect ECONNREFUSED 10.0.0.7:5432", "ECONNREFUSED"),
        coded("terminating connection due to administrator command", "57P01"),
        coded("sorry, too many clients already", "53300"),
        new Error("Connection terminated unexpectedly"),
      ]) {
        const r = await app({ cost: error }).get(`sql=${encode("select 1")}`);
        expect(r.status, error.message).to.equal(503);
        expect(r.body.error).to.equal("database unavailable; retry later");
      }
      // A query error that echoes the word "connect" is still the query's fault.
      const echo = await app({
        cost: coded('invalid input syntax for type integer: "connect"', "22P02"),
      }).get(`sql=${encode("select 1")}`);
      expect(echo.status).to.equal(400);
      expect(echo.body.error).to.match(/^query refused: invalid input syntax/);
    });

    it("refuses to start on a limit that is not a number", function () {
      const saved = { ...process.env };
      try {
        for (const [name, value] of [
          ["SQL_MAX_COST", "abc"],
          ["SQL_MAX_COST", "-1"],
          ["SQL_TIMEOUT_MS", "0"],
          ["SQL_TIMEOUT_MS", "10s"],
        ] as const) {
          process.env = { ...saved, [name]: value };
          expect(() => sqlGuard({ explain: async () => plan(1) }), `${name}=${value}`).to.throw(
            new RegExp(`^${name}="${value}" is not a number from .*; fix it or unset it`),
          );
        }
        process.env = { ...saved, API_RATE_LIMIT: "many" };
        expect(() => rateLimit()).to.throw(/^API_RATE_LIMIT="many" is not a number/);
        process.env = { ...saved, SQL_MAX_COST: "5000", SQL_TIMEOUT_MS: "" };
        expect(() => sqlGuard({ explain: async () => plan(1) })).to.not.throw();
      } finally {
        process.env = saved;
      }
    });

    it("sets no deadline on /sql/live (a stream Ponder counts until the client leaves)", async function () {
      const a = app({ timeoutMs: 30 }, { delayMs: 150 });
      const r = await a.get(`sql=${encode("select 1")}`, "/sql/live");
      expect(r.status).to.equal(200);
      expect(a.ran()).to.equal(1);
    });

    it("turns Ponder's plain-text 500s into JSON: statement timeout 503, a refused query 400", async function () {
      const timeout = await app(
        {},
        { status: 500, text: "canceling statement due to statement timeout" },
      ).get(`sql=${encode("select 1")}`);
      expect(timeout.status).to.equal(503);
      expect(timeout.body.error).to.match(/statement timeout/);

      const busy = await app(
        {},
        { status: 503, text: "Maximum number of live queries reached" },
      ).get(`sql=${encode("select 1")}`, "/sql/live");
      expect(busy.status).to.equal(503);
      expect(busy.body.error).to.equal("Maximum number of live queries reached");

      const refused = await app({}, { status: 500, text: "division by zero" }).get(
        `sql=${encode("select 1/0")}`,
      );
      expect(refused.status).to.equal(400);
      expect(refused.body.error).to.match(/^query refused: division by zero/);
    });

    it("applies only to /sql/db and /sql/live", async function () {
      const a = app({ cost: 10 ** 9 });
      const r = await a.get("x=1", "/sql/other");
      expect(r.status).to.equal(200);
      expect(a.explained).to.have.length(0);
      const live = await a.get(
        `sql=${encode("select count(*) from grant_event a, grant_event b")}`,
        "/sql/live",
      );
      expect(live.status).to.equal(400);
    });
  });
});
