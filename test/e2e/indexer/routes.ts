/**
 * Checks of the indexer e2e suite: every route answers good input 200 and unknown routes 404 JSON;
 * SQL over HTTP answers reads, refuses writes, unknown or growing functions and runaway queries with
 * 4xx JSON (colliding verdict-cache pairs included), and nothing changes.
 */
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";

import type { HttpAnswer } from "../../../scripts/lib/harness/ponder.js";
import type { ApiGrant } from "../../../scripts/lib/harness/model/api.js";
import { collidingPair, ponderCacheKey } from "../../../scripts/lib/harness/ponder-collision.js";
import { lower } from "../../../scripts/lib/harness/model/rng.js";
import { expectNoMismatch, type SuiteContext } from "./context.js";

export async function checkRoutes(ctx: SuiteContext): Promise<void> {
  const { stack, seq: s, head, headTime } = ctx;
  const g = [...s.grantsModel.values()][0]!;
  const A = lower(s.ownerList[0]!);
  const c = stack.chainId;
  const issuer = [...s.issuers.values()][0]!.key;
  const good = [
    "/v1/grants",
    `/v1/grants?owner=${A}&status=active&purpose=onboarding&limit=100`,
    `/v1/grants/${c}/${g.id}`,
    `/v1/grants/${c}/${g.id}?contract=${s.grantsAddress}`,
    `/v1/grants/${c}/${g.id}/at?block=${head}`,
    `/v1/grants/${c}/${g.id}/at?timestamp=${headTime}`,
    `/v1/grantees/${lower(g.grantee)}/grants/at?chainId=${c}&block=${head}`,
    `/v1/grantees/${lower(g.grantee)}/retention`,
    `/v1/owners/${A}/export`,
    `/v1/audit/changes?fromBlock=0`,
    `/v1/audit/changes?fromTime=0&toTime=${headTime}&format=csv&chainId=${c}`,
    `/v1/issuers?chainId=${c}&status=active`,
    `/v1/issuers/${c}/${issuer}`,
    `/v1/issuers/${c}/${issuer}/trusted?type=kyc.basic`,
    ...["grantee", "purpose", "status", "day", "issuer"].map((by) => `/v1/stats?by=${by}`),
    "/v1/ready",
    "/v1/openapi.json",
  ];
  const problems: string[] = [];
  for (const path of good) {
    const answer = await stack.get(path);
    if (answer.status !== 200)
      problems.push(`GET ${path}: ${answer.status} ${answer.text.slice(0, 200)}`);
  }
  // Ownerless stats: no owner address among the keys.
  const owners = new Set(s.ownerList.map(lower));
  for (const by of ["grantee", "purpose", "status", "day", "issuer"]) {
    const answer = await stack.get<{ items: { key: string }[] }>(`/v1/stats?by=${by}`);
    for (const item of answer.body?.items ?? [])
      if (owners.has(lower(item.key))) problems.push(`/v1/stats?by=${by} names owner ${item.key}`);
  }
  const audit = await stack.get(`/v1/audit/changes?fromBlock=0&toBlock=${head}`);
  const lines = audit.text.trim().split("\n").filter(Boolean);
  expect(lines.length, "audit rows").to.be.greaterThan(s.grantsModel.size);

  for (const path of [
    "/v1/nope",
    `/v1/grants/${c}`,
    `/v1/grants/${c}/${g.id}/at/extra`,
    "/v1",
    // Well-formed, but nothing there.
    `/v1/grants/${c}/${keccak256(toUtf8Bytes("never granted"))}`,
    `/v1/issuers/${c}/0x${"00".repeat(19)}01`,
  ]) {
    const answer = await stack.get<{ error?: unknown }>(path);
    if (answer.status !== 404 || typeof answer.body?.error !== "string")
      problems.push(`GET ${path}: ${answer.status} ${answer.text.slice(0, 200)} (want 404 JSON)`);
  }
  // Outside /v1 the paths are Ponder's, which answers unknown ones with a plain-text 404.
  const outside = await stack.get("/nope");
  if (outside.status !== 404) problems.push(`GET /nope: ${outside.status} (want 404)`);
  const post = await fetch(`${stack.api}/v1/grants`, { method: "POST" });
  const postText = await post.text();
  if (post.status !== 404 || !/"error"/.test(postText))
    problems.push(`POST /v1/grants: ${post.status} ${postText.slice(0, 200)} (want 404 JSON)`);
  expectNoMismatch(problems, "route");
}

export async function checkSqlOverHttp(ctx: SuiteContext): Promise<void> {
  const { db, stack, seq: s } = ctx;
  // What @ponder/client sends: ?sql=<superjson of { sql, params }> (plain JSON values need no meta).
  const sqlGet = (text: string, params: unknown[] = []) =>
    stack.get<{ rows?: Record<string, unknown>[]; error?: string; estimatedCost?: number }>(
      `/sql/db?sql=${encodeURIComponent(JSON.stringify({ json: { sql: text, params } }))}`,
    );
  const count = async () => {
    const answer = await sqlGet(`select count(*) as n from "grant"`);
    expect(answer.status, answer.text).to.equal(200);
    return Number(answer.body.rows![0]!.n);
  };
  expect(await count()).to.equal(s.grantsModel.size);

  // A read with parameters answers the same rows as the REST API.
  const g = [...s.grantsModel.values()][0]!;
  const one = await sqlGet(`select grant_id, owner, status from "grant" where grant_id = $1`, [
    g.id,
  ]);
  expect(one.status, one.text).to.equal(200);
  const rest = await stack.get<{ grant: ApiGrant }>(`/v1/grants/${stack.chainId}/${g.id}`);
  expect(one.body.rows!.map((r) => lower(String(r.owner)))).to.deep.equal([
    lower(rest.body.grant.owner),
  ]);

  const problems: string[] = [];
  const refused = async (
    what: string,
    answer: Promise<HttpAnswer<{ error?: string }>>,
    want: number,
  ) => {
    const a = await answer;
    if (a.status !== want || typeof a.body?.error !== "string" || a.body.error.length < 10)
      problems.push(`${what}: ${a.status} ${a.text.slice(0, 200)} (want ${want} JSON)`);
  };
  for (const write of [
    `delete from "grant"`,
    `update "grant" set status = 0`,
    `insert into "grant" (id) values ('x')`,
    `select 1; delete from "grant"`,
    `with d as (delete from "grant" returning *) select count(*) from d`,
    `select * into stolen from "grant"`,
    `select * from "grant" for update`,
    `select set_config('default_transaction_read_only', 'off', false)`,
    `select pg_sleep(30)`,
    `select repeat('x', 100000000)`,
    `select * from pg_catalog.pg_authid`,
    `truncate "grant"`,
    `drop table "grant"`,
    // Values that grow with each level of nesting: no cost estimate bounds them.
    `select owner || owner from "grant"`,
    `select length(replace(replace(owner, '0', owner), '0', owner)) from "grant"`,
    `select json_build_array(owner, owner) from "grant"`,
    `select count(*) from "grant" where owner ~ '(a+)+$'`,
  ])
    await refused(write, sqlGet(write), 400);
  // Runaway reads: refused from the plan, before they run, in well under the time limit.
  // A three-way cross join of the few hundred rows here is cheap on PostgreSQL, where the
  // statement timeout bounds it; on PGlite nothing could stop it once running, so its worst
  // case (every row of every table) is over the limit and it is refused before it runs.
  const threeWay = `select count(*) as n from grant_event a, grant_event b, grant_event c`;
  const three = await sqlGet(threeWay);
  expect(three.status, three.text).to.equal(db === "pglite" ? 400 : 200);
  for (const cheap of [
    `select status, count(*) as n from grant_event group by status order by status`,
    `select a.grant_id from grant_event a join "grant" b on a.grant_id = b.grant_id limit 5`,
  ]) {
    const a = await sqlGet(cheap);
    expect(a.status, `${cheap}: ${a.text}`).to.equal(200);
  }
  for (const runaway of [
    `select count(*) from grant_event a, grant_event b, grant_event c, grant_event d, grant_event e`,
    // Six tables: with the few dozen rows of a sequence a five-way join of the smaller tables can
    // fall under SQL_MAX_COST (130M rows, 28 s on PGlite when issuer_event had 17 rows).
    `select count(*) from grant_event a cross join grant_event b cross join "grant" c cross join "grant" d cross join issuer_event e cross join grant_event f`,
  ]) {
    const t = performance.now();
    const a = await sqlGet(runaway);
    const ms = performance.now() - t;
    const planned = /too expensive|query refused on the embedded database/;
    if (a.status !== 400 || !planned.test(a.body?.error ?? "") || ms > 2_000)
      problems.push(`${runaway}: ${a.status} in ${ms.toFixed(0)} ms ${a.text.slice(0, 200)}`);
  }
  // Ponder's own check shared one verdict between queries with the same 40-bit hash prefix: an
  // allowed query sent first let a colliding write run (issue 18). Ours decides each one.
  const pair = collidingPair(
    `SELECT count(*) AS n FROM grant_event`,
    `DELETE FROM "${stack.schema}".grant_event`,
  );
  expect(ponderCacheKey(pair.allowed)).to.equal(ponderCacheKey(pair.forbidden));
  // The search held this thread for seconds: let the HTTP client see the connections the server
  // closed meanwhile before it sends again.
  await new Promise((r) => setTimeout(r, 500));
  const events = async () => {
    const a = await sqlGet(pair.allowed);
    expect(a.status, a.text).to.equal(200);
    return Number(a.body.rows![0]!.n);
  };
  const before = await events();
  expect(before).to.be.above(0);
  await refused(pair.forbidden, sqlGet(pair.forbidden), 400);
  expect(await events()).to.equal(before);
  // Malformed requests.
  await refused("no sql", stack.get(`/sql/db`), 400);
  await refused("not superjson", stack.get(`/sql/db?sql=select%201`), 400);
  await refused("syntax error", sqlGet(`selec 1`), 400);
  await refused("unknown table", sqlGet(`select * from nope`), 400);
  await refused("missing parameter", sqlGet(`select * from "grant" where owner = $1`), 400);
  await refused("reserved word", sqlGet(`select count(*) from grant`), 400);
  await refused("too long", sqlGet(`select 1 as x${"y".repeat(5_000)}`), 400);
  expectNoMismatch(problems, "SQL request");

  // Nothing changed, and the indexer still answers at once.
  expect(await count()).to.equal(s.grantsModel.size);
  const ready = await stack.get(`/v1/ready`);
  expect(ready.status, ready.text).to.equal(200);
}
