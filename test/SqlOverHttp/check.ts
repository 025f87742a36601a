/**
 * SQL over HTTP: our own parse-and-allow-list check (checkQuery) and the decoding of what
 * @ponder/client sends (decodeQuery).
 */
import { expect } from "chai";

import { decodeQuery } from "../../indexer/src/api/sql/routes.js";
import { SQL_LIMITS } from "../../indexer/src/api/sql/rules.js";
import { checkQuery } from "../../indexer/src/api/sql/validate.js";
import { ponderCacheKey } from "../../scripts/lib/harness/ponder-collision.js";
import { scope, refusal, COLLISIONS } from "./fixture.js";

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
});
