/**
 * Unit tests of the indexer's SQL over HTTP (indexer/src/api/sql/): our own parse-and-allow-list
 * check, the read-only executor on a real PGlite (with the temporary table Ponder's flush leaves
 * behind), the worst-case bound, and the routes' answers. The e2e suites run the same code inside
 * Ponder on PGlite and PostgreSQL (test/e2e/indexer.ts, test/e2e/sql.ts).
 */
import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { Hono } from "hono";

import { Budget } from "../indexer/src/api/budget.js";
import { CheckpointWatcher } from "../indexer/src/api/checkpoint.js";
import { pgliteExecutor, type SqlLimits } from "../indexer/src/api/sql/execute.js";
import { plannedCost, planOf, worstCase } from "../indexer/src/api/sql/plan.js";
import { decodeQuery, sqlRoutes } from "../indexer/src/api/sql/routes.js";
import { SQL_LIMITS, SqlRefusal } from "../indexer/src/api/sql/rules.js";
import { checkQuery } from "../indexer/src/api/sql/validate.js";
import { ponderCacheKey } from "../scripts/lib/harness/ponder-collision.js";

const TABLES = ["grant", "grant_event", "issuer"];
const scope = { schema: "gk", tables: new Set(TABLES) };

async function refusal(sql: string): Promise<string> {
  try {
    await checkQuery(sql, scope);
  } catch (error) {
    expect(error, sql).to.be.instanceOf(SqlRefusal);
    return (error as Error).message;
  }
  throw new Error(`allowed, should be refused: ${sql}`);
}

/**
 * Pairs that share Ponder's 40-bit cache key (found with scripts/lib/harness/ponder-collision.ts): on
 * Ponder's own route, sending the first made the second pass.
 */
const COLLISIONS: { allowed: string; forbidden: string }[] = [
  {
    allowed: "SELECT count(*) AS n FROM grant_event /*4i62*/",
    forbidden: "DELETE FROM grant_event /*28ev*/",
  },
  {
    allowed: "SELECT count(*) AS n FROM grant_event /*168un*/",
    forbidden: "SELECT pg_sleep(86400) /*b4dn*/",
  },
  {
    allowed: "SELECT count(*) AS n FROM grant_event /*ikj8*/",
    forbidden: `UPDATE "grant" SET status = 'revoked' /*3fjl*/`,
  },
];

describe("SQL over HTTP (indexer/src/api/sql)", function () {
  describe("checkQuery: our own parse and allow-lists", function () {
    it("allows plain reads: filters, aggregates, CTEs, set operations, windows, subqueries, casts", async function () {
      for (const sql of [
        `select * from "grant" where owner = $1 limit 10`,
        `select status, count(*) from grant_event group by status order by 2 desc`,
        `with t as (select * from issuer), u as (select * from t) select lower(issuer) from u`,
        `select count(*) from "grant" where owner like '0xab%' and status in ('active', 'revoked')`,
        `select id from "grant" union all select id from grant_event except select id from issuer`,
        `select id, row_number() over (partition by owner order by id) from "grant"`,
        `select count(distinct owner) filter (where status = 'active') from "grant"`,
        `select * from "grant" g where exists (select 1 from grant_event e where e.grant_id = g.grant_id)`,
        `select block_number::int8, locked_until::numeric(78, 0), date_trunc('day', to_timestamp(block_time::float8)) from grant_event`,
        `select case when expires_at = 0 then 'never' else 'set' end, coalesce(replaced_by, '0x') from "grant"`,
        `select distinct on (owner) owner, id from gk."grant" order by owner, id`,
        `select count(*) from "grant" where created_at between 1 and 2 and not (owner = $1) and $2::int4 > 0`,
        `select count(*) from "grant";`,
      ])
        await checkQuery(sql, scope);
    });

    it("returns the tables read, the parameters used and the statement without its semicolon", async function () {
      const q = await checkQuery(
        `  select count(*) from "grant" g join grant_event e on e.id = $2 where g.owner = $1; -- done`,
        scope,
      );
      expect([...q.tables].sort()).to.deep.equal(["grant", "grant_event"]);
      expect(q.params).to.equal(2);
      expect(q.text).to.equal(
        `  select count(*) from "grant" g join grant_event e on e.id = $2 where g.owner = $1`,
      );
      // A CTE named like a table is the CTE, not the table.
      const cte = await checkQuery(`with issuer as (select 1 as n) select n from issuer`, scope);
      expect([...cte.tables]).to.deep.equal([]);
    });

    it("refuses every statement but one SELECT", async function () {
      const cases: [string, RegExp][] = [
        [`delete from "grant"`, /^DELETE statements are not allowed: SQL over HTTP is read-only/],
        [`update "grant" set status = 'x'`, /^UPDATE statements are not allowed/],
        [`insert into "grant" (id) values ('x')`, /^INSERT statements are not allowed/],
        [`truncate "grant"`, /^TRUNCATE statements are not allowed/],
        [`drop table "grant"`, /^DROP statements are not allowed/],
        [`set search_path to public`, /^VARIABLESET statements are not allowed/],
        [`select 1; delete from "grant"`, /^2 statements: send one SELECT/],
        [
          `with d as (delete from "grant" returning *) select count(*) from d`,
          /DeleteStmt is not allowed/,
        ],
        [`select * into stolen from "grant"`, /^SELECT … INTO creates a table: not allowed/],
        [`select * from "grant" for update`, /^FOR UPDATE\/SHARE locks rows: not allowed/],
        [
          `with recursive r(n) as (select 1 union all select n + 1 from r) select * from r`,
          /WITH RECURSIVE can run without bound/,
        ],
        [`select * from "grant" g, lateral (select 1) x`, /LATERAL runs a subquery per row/],
        [
          `select owner, count(*) from "grant" group by rollup(owner)`,
          /ROLLUP\/CUBE\/GROUPING SETS/,
        ],
        [` `, /^empty query/],
        [`selec 1`, /^syntax error: syntax error at or near "selec" \(character 1, line 1/],
        [`select count(*) from grant`, /character 22.*grant is a reserved word: write "grant"/],
      ];
      for (const [sql, message] of cases) expect(await refusal(sql), sql).to.match(message);
    });

    it("refuses other schemas, system catalogs and unknown tables, with CTEs scoped as PostgreSQL scopes them", async function () {
      const cases: [string, RegExp][] = [
        [
          `select * from pg_class`,
          /^unknown table pg_class; the tables are grant, grant_event, issuer/,
        ],
        [`select * from pg_catalog.pg_authid`, /^schema pg_catalog is not readable over HTTP/],
        [`select * from information_schema.tables`, /^schema information_schema is not readable/],
        [`select * from other."grant"`, /^schema other is not readable/],
        [`select * from x.gk."grant"`, /x\.… is not allowed/],
        [`select * from _ponder_meta`, /^unknown table _ponder_meta/],
        // A CTE is visible only in its own query: the second pg_authid is the catalog.
        [
          `select (with pg_authid as (select 1) select 1), (select count(*) from pg_authid)`,
          /^unknown table pg_authid/,
        ],
        // A CTE does not see the ones after it.
        [`with a as (select * from b), b as (select 1) select * from a`, /^unknown table b/],
      ];
      for (const [sql, message] of cases) expect(await refusal(sql), sql).to.match(message);
    });

    it("refuses functions, operators and casts whose result can outgrow their input, and system functions", async function () {
      const cases: [string, RegExp][] = [
        [
          `select pg_sleep(86400)`,
          /^pg_sleep\(\) is not allowed over HTTP; allowed functions: count/,
        ],
        [`select repeat('x', 100000000)`, /^repeat\(\) is not allowed/],
        [
          `select set_config('default_transaction_read_only', 'off', false)`,
          /^set_config\(\) is not allowed/,
        ],
        [`select current_setting('data_directory')`, /^current_setting\(\) is not allowed/],
        [`select pg_catalog.pg_read_file('/etc/passwd')`, /^pg_read_file\(\) is not allowed/],
        [`select gk.lower(id) from "grant"`, /^function gk\.lower is not allowed/],
        [`select concat(owner, owner) from "grant"`, /^concat\(\) is not allowed/],
        [`select string_agg(owner, ',') from "grant"`, /^string_agg\(\) is not allowed/],
        [`select json_build_array(owner) from "grant"`, /^json_build_array\(\) is not allowed/],
        [`select JSON_ARRAY(owner, owner) from "grant"`, /^JsonArrayConstructor is not allowed/],
        [`select JSON_ARRAYAGG(owner) from "grant"`, /^JsonArrayAgg is not allowed/],
        [`select * from generate_series(1, 1000000000)`, /^RangeFunction is not allowed/],
        [`select owner || owner from "grant"`, /^the \|\| operator is not allowed/],
        [`select count(*) from "grant" where owner ~ '(a+)+$'`, /^the ~ operator is not allowed/],
        [
          `select count(*) from "grant" where owner similar to '%a%'`,
          /^SIMILAR TO runs a regular expression/,
        ],
        [`select 10::numeric ^ 100000`, /^the \^ operator is not allowed/],
        [`select round(locked_until, 100000) from "grant"`, /^round\(\) takes one argument/],
        [
          `select lower(CAST(id AS char(10000000))) from "grant"`,
          /^type modifiers above 1000 are not allowed/,
        ],
        [`select owner::json from "grant"`, /^casts to json are not allowed/],
        [`select owner::text[] from "grant"`, /^array, SETOF and %TYPE casts/],
        [`select current_user`, /^CURRENT_USER is not allowed/],
        [`select (owner).x from "grant"`, /^subscripts and field selection/],
        [`select owner collate "C" from "grant"`, /^CollateClause is not allowed/],
      ];
      for (const [sql, message] of cases) expect(await refusal(sql), sql).to.match(message);
    });

    it("bounds constants, nesting, size, multiplications and relations", async function () {
      expect(await refusal(`select '${"a".repeat(257)}'`)).to.match(
        /a constant of 257 characters; the limit is 256/,
      );
      expect(await refusal(`select ${"lower(".repeat(50)}'x'${")".repeat(50)}`)).to.match(
        /nests deeper than 48 levels/,
      );
      expect(
        await refusal(`select ${Array(10).fill("locked_until").join(" * ")} from "grant"`),
      ).to.match(/more than 8 of \* \/ %/);
      expect(
        await refusal(
          `select 1 from ${Array(7)
            .fill(`"grant"`)
            .map((t, i) => `${t} t${i}`)
            .join(", ")}`,
        ),
      ).to.match(/more than 6 relations/);
      expect(await refusal(`select ${Array(800).fill("1").join(", ")}`)).to.match(
        /more than 1500 parse nodes/,
      );
      expect(await refusal(`select ${" ".repeat(SQL_LIMITS.maxLength)}1`)).to.match(
        /the limit is 5000/,
      );
    });

    it("decides each of Ponder's colliding pairs on its own, in either order", async function () {
      expect(COLLISIONS.length).to.be.at.least(2);
      for (const { allowed, forbidden } of COLLISIONS) {
        // The pair really shares Ponder's 40-bit key: on Ponder's route the forbidden one ran.
        expect(ponderCacheKey(allowed), forbidden).to.equal(ponderCacheKey(forbidden));
        await checkQuery(allowed, scope);
        expect(await refusal(forbidden)).to.match(/not allowed/);
        expect(await refusal(forbidden)).to.match(/not allowed/);
        await checkQuery(allowed, scope);
      }
    });
  });

  describe("decodeQuery", function () {
    it("decodes what @ponder/client sends and refuses what it cannot use", function () {
      expect(
        decodeQuery(JSON.stringify({ json: { sql: "select 1", params: [1, "a"] } })),
      ).to.deep.equal({
        sql: "select 1",
        params: [1, "a"],
      });
      const cases: [string | undefined, RegExp][] = [
        [undefined, /missing query parameter "sql"/],
        ["select 1", /not superjson/],
        [JSON.stringify({ json: { query: "select 1" } }), /must decode to/],
        [
          JSON.stringify({ json: { sql: "select $1", params: ["x".repeat(1_025)] } }),
          /parameter \$1 has 1025 characters; the limit is 1024/,
        ],
        [
          JSON.stringify({ json: { sql: "select $1", params: [{ a: 1 }] } }),
          /parameter \$1 is an object or array/,
        ],
        [
          JSON.stringify({ json: { sql: "select 1", params: Array(101).fill(1) } }),
          /101 parameters; the limit is 100/,
        ],
      ];
      for (const [raw, message] of cases)
        expect(() => decodeQuery(raw), String(raw).slice(0, 40)).to.throw(message);
    });
  });

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
