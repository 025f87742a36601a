/**
 * Guard in front of Ponder's SQL over HTTP (`/sql/db`, `/sql/live`, used by `@ponder/client`).
 *
 * Ponder already keeps that endpoint read-only: it parses each query and allows only `SELECT` node
 * types and a list of functions, and on PostgreSQL runs it in a read-only transaction with a 30 s
 * statement timeout. What it leaves open, and this guard closes:
 *
 * - **Cost.** Embedded PGlite runs every query synchronously on the indexer's own thread and cannot
 *   cancel one (`statement_timeout` has no effect, and no timer can fire meanwhile): a cross join of
 *   two large tables stalls indexing and every route. So each query is planned first (`EXPLAIN`,
 *   which does not run it) and refused with 400 when the planner's estimate is above SQL_MAX_COST
 *   (default 2,000,000, a few seconds of work on this machine; indexer/README.md has the figures).
 * - **Growth.** The planner charges a string function the same whatever it builds, so functions and
 *   operators whose result can double with each level of nesting (`||`, `concat`, `replace`, the
 *   JSON builders), the JSON aggregates and regular expressions are refused: no cost estimate bounds
 *   them, and a constant expression is even folded while planning.
 * - **Time.** On PostgreSQL the answer to `/sql/db` is awaited at most SQL_TIMEOUT_MS (default 10,000),
 *   then 503 (the server itself cancels the statement at Ponder's 30 s). On PGlite the cost ceiling is
 *   the only bound (see above).
 * - **Errors.** Ponder answers a malformed or refused query with a plain-text 500 (and throws on a
 *   `sql` parameter that is not superjson). Here every bad query gets a 4xx JSON `{ error }` that says
 *   what to change; an unavailable database or a statement timeout is a 503 JSON.
 *
 * Ponder's own validator runs before anything else, so `EXPLAIN` is only ever given a statement
 * Ponder would run, without the refused functions.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import type { Context, MiddlewareHandler } from "hono";
import superjson from "superjson";

import { numberFromEnv } from "./env.js";

/** The shape `@ponder/client` sends in `?sql=`: superjson of `{ sql, params }`. */
interface SqlQuery {
  sql: string;
  params: unknown[];
}

export interface SqlGuardOptions {
  /** Runs `EXPLAIN (FORMAT JSON) <sql>` with the query's parameters and returns the result rows. */
  explain: (query: SqlQuery) => Promise<unknown>;
  maxCost?: number;
  timeoutMs?: number;
}

/** Ponder's limit on the SQL text (node_modules/ponder/dist/esm/utils/sql-parse.js). */
const MAX_SQL_LENGTH = 5_000;

const HINT = "send a single SELECT, as @ponder/client does (see indexer/README.md, SQL over HTTP)";

/**
 * Functions whose result can be several times the size of their arguments (the string and JSON
 * builders), or that accumulate values across rows (the JSON aggregates: a large value repeated
 * over a join's rows makes the output quadratic at a linear plan cost). Drizzle's relational
 * queries need `json_build_array`/`json_agg`, but only for `relations()`, which ponder.schema.ts has none of.
 */
const GROWING_FUNCTIONS = new Set([
  "concat",
  "replace",
  "json_build_array",
  "json_object",
  "json_array",
  "json_agg",
  "json_object_agg",
  "json_array_agg",
]);
/** Operators (A_Expr names) that concatenate or run a regular expression. */
const REFUSED_OPERATORS = new Set(["||", "~", "~*", "!~", "!~*"]);

class Refusal extends Error {
  constructor(message: string) {
    super(message);
  }
}

/** Decodes `?sql=` into `{ sql, params }` or throws a Refusal that says what is wrong. */
export function decodeQuery(raw: string | undefined): SqlQuery {
  if (raw === undefined || raw === "") throw new Refusal(`missing query parameter "sql"; ${HINT}`);
  let decoded: unknown;
  try {
    decoded = superjson.parse(raw);
  } catch {
    throw new Refusal(`"sql" is not superjson of { sql, params }; ${HINT}`);
  }
  const q = decoded as Partial<SqlQuery> | null;
  if (typeof q?.sql !== "string" || !(q.params === undefined || Array.isArray(q.params)))
    throw new Refusal(`"sql" must decode to { sql: string, params: unknown[] }; ${HINT}`);
  if (q.sql.length > MAX_SQL_LENGTH)
    throw new Refusal(`the SQL text is ${q.sql.length} characters; the limit is ${MAX_SQL_LENGTH}`);
  return { sql: q.sql, params: q.params ?? [] };
}

interface PonderSqlParse {
  validateAllowableSQLQuery: (sql: string) => Promise<void>;
  parseSQLQuery: (sql: string) => Promise<unknown>;
}

let ponderSql: Promise<PonderSqlParse> | undefined;

/**
 * Ponder's own SQL parser and validator (`validateAllowableSQLQuery`: one statement, SELECT node types
 * only, a list of functions, no system tables), loaded from the Ponder this file resolves (searching
 * `node_modules` upwards from here, as Node does), so that the guard and Ponder never disagree. Ponder
 * does not export them; an upgrade that moves the file fails here, loudly, at the first query.
 */
function ponderSqlParse(): Promise<PonderSqlParse> {
  ponderSql ??= (async () => {
    const relative = path.join("node_modules", "ponder", "dist", "esm", "utils", "sql-parse.js");
    const here = path.dirname(fileURLToPath(import.meta.url));
    for (let dir = here; ; dir = path.dirname(dir)) {
      const file = path.join(dir, relative);
      if (existsSync(file)) {
        const mod = (await import(pathToFileURL(file).href)) as Partial<PonderSqlParse>;
        if (
          typeof mod.validateAllowableSQLQuery !== "function" ||
          typeof mod.parseSQLQuery !== "function"
        )
          break;
        return mod as PonderSqlParse;
      }
      if (path.dirname(dir) === dir) break;
    }
    throw new Error(`Ponder's SQL parser not found (${relative}): check the Ponder version`);
  })();
  return ponderSql;
}

/** Why Ponder refused a query the first time (bounded, oldest dropped first). */
const refusals = new Map<string, string>();

/** The name of each function call and operator in a parse tree (libpg_query JSON). */
function* callsIn(node: unknown): Generator<{ kind: "function" | "operator"; name: string }> {
  if (Array.isArray(node)) {
    for (const item of node) yield* callsIn(item);
    return;
  }
  if (node === null || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "FuncCall" || key === "A_Expr") {
      const names = ((value as { funcname?: unknown[]; name?: unknown[] }).funcname ??
        (value as { name?: unknown[] }).name ??
        []) as { String?: { sval?: string } }[];
      const name = names.at(-1)?.String?.sval ?? "";
      const kind = (value as { kind?: string }).kind;
      if (key === "FuncCall") yield { kind: "function", name };
      else yield { kind: "operator", name: kind === "AEXPR_SIMILAR" ? "SIMILAR TO" : name };
    }
    yield* callsIn(value);
  }
}

/**
 * Throws a Refusal unless Ponder would run `sql` and it calls nothing whose result can grow without
 * a bound the planner sees. Runs before `EXPLAIN`.
 */
export async function assertAllowed(sql: string): Promise<void> {
  const { validateAllowableSQLQuery, parseSQLQuery } = await ponderSqlParse();
  try {
    await validateAllowableSQLQuery(sql);
  } catch (error) {
    // Ponder caches refusals and then says only "Invalid query": keep the first, telling message.
    let message = messageOf(error);
    if (message === "Invalid query") message = refusals.get(sql) ?? message;
    else {
      refusals.set(sql, message);
      if (refusals.size > 1_000) refusals.delete(refusals.keys().next().value!);
    }
    throw new Refusal(`query refused: ${message}; ${HINT}`);
  }
  for (const call of callsIn(await parseSQLQuery(sql))) {
    const refused =
      call.kind === "function"
        ? GROWING_FUNCTIONS.has(call.name)
        : REFUSED_OPERATORS.has(call.name) || call.name === "SIMILAR TO";
    if (refused)
      throw new Refusal(
        `query refused: ${call.kind === "function" ? `${call.name}()` : `the ${call.name} operator`} ` +
          `is not allowed over HTTP (its result can grow beyond any cost estimate); ` +
          `select the columns and combine them in the client`,
      );
  }
}

/** PostgreSQL's `disable_cost` (up to version 17): added to a plan node a disabled setting forbids. */
const DISABLE_COST = 1e10;

interface PlanNode {
  "Node Type"?: string;
  "Startup Cost"?: number;
  "Total Cost"?: number;
  Plans?: PlanNode[];
}

/**
 * The planner's estimated cost from `EXPLAIN (FORMAT JSON)` rows (PGlite or node-postgres), without
 * PGlite's `enable_seqscan = off` penalty: each sequential scan PGlite cannot avoid starts at 10^10,
 * and one 10^10 is taken off per such `Seq Scan` node. Only those nodes are counted, so the result is
 * never below the real estimate: where a plan repeats a penalised scan (a rescanned inner side) the
 * remainder stays at 10^10 or more and the query is refused.
 */
export function totalCost(rows: unknown): number {
  const first = (Array.isArray(rows) ? rows[0] : undefined) as Record<string, unknown> | undefined;
  let plan = first?.["QUERY PLAN"] as unknown;
  if (typeof plan === "string") plan = JSON.parse(plan);
  const root = (plan as { Plan?: PlanNode }[] | undefined)?.[0]?.Plan;
  const cost = root?.["Total Cost"];
  if (root === undefined || typeof cost !== "number")
    throw new Error("EXPLAIN returned no total cost");
  let penalised = 0;
  const visit = (node: PlanNode) => {
    const type = node["Node Type"];
    const scan = type === "Seq Scan" || type === "Parallel Seq Scan";
    if (scan && (node["Startup Cost"] ?? 0) >= DISABLE_COST) penalised += 1;
    (node.Plans ?? []).forEach(visit);
  };
  visit(root);
  return cost - penalised * DISABLE_COST;
}

/** An error's first line. */
function messageOf(error: unknown): string {
  const m = error instanceof Error ? error.message : String(error);
  return m.split("\n")[0]!.slice(0, 300);
}

/**
 * 503 when the database is unavailable or out of time, by SQLSTATE (PostgreSQL's error code) where the
 * error has one, else by the exact wording of the driver's own errors (never by words a query could
 * echo back). Everything else is the query's fault: 400 with the database's reason.
 */
function failure(c: Context, error: { code?: unknown; message: string }) {
  const code = typeof error.code === "string" ? error.code : "";
  const sqlstate = /^[0-9A-Z]{5}$/.test(code) ? code : "";
  if (sqlstate === "57014" || /^canceling statement due to statement timeout$/.test(error.message))
    return c.json(
      { error: "query cancelled by the database's statement timeout; narrow it (WHERE, LIMIT)" },
      503,
    );
  if (
    /^(08|53|57P0)/.test(sqlstate) ||
    /^E(CONN|HOST|NET|PIPE|TIMEDOUT)/.test(code) ||
    /^(Connection terminated|timeout exceeded when trying to connect|PGlite is closed|sorry, too many clients)/.test(
      error.message,
    )
  )
    return c.json({ error: "database unavailable; retry later" }, 503);
  return c.json({ error: `query refused: ${error.message}; ${HINT}` }, 400);
}

/** Ponder's plain-text error answers turned into JSON: a failed query as `failure` says, others as they were. */
async function rewriteFailure(c: Context): Promise<void> {
  if (c.res.status < 400 || (c.res.headers.get("content-type") ?? "").includes("json")) return;
  const message = (await c.res.clone().text()).split("\n")[0]!.slice(0, 300);
  c.res =
    c.res.status === 500
      ? failure(c, { message })
      : c.json({ error: message || `HTTP ${c.res.status}` }, c.res.status as 400 | 404 | 503);
}

export function sqlGuard({
  explain,
  maxCost = numberFromEnv("SQL_MAX_COST", 2_000_000),
  timeoutMs = numberFromEnv("SQL_TIMEOUT_MS", 10_000, { min: 1 }),
}: SqlGuardOptions): MiddlewareHandler {
  return async (c, next) => {
    const live = c.req.path === "/sql/live";
    if (c.req.path !== "/sql/db" && !live) return next();
    let query: SqlQuery;
    try {
      query = decodeQuery(c.req.query("sql"));
      await assertAllowed(query.sql);
    } catch (error) {
      if (error instanceof Refusal) return c.json({ error: error.message }, 400);
      throw error;
    }
    let cost: number;
    try {
      cost = totalCost(await explain(query));
    } catch (error) {
      return failure(c, {
        code: (error as { code?: unknown }).code,
        message: messageOf(error),
      });
    }
    if (cost > maxCost)
      return c.json(
        {
          error:
            `query too expensive: the planner estimates cost ${Math.round(cost)}, the limit is ${maxCost} ` +
            `(SQL_MAX_COST); filter on an indexed column (owner, grantee, grant id, block) or add a LIMIT`,
          estimatedCost: Math.round(cost),
          maxCost,
        },
        400,
      );
    // A live query stays open (Server-Sent Events) and Ponder counts it until the client leaves: no
    // deadline there, or an abandoned stream would never be counted out.
    if (live) {
      await next();
      return rewriteFailure(c);
    }
    // Past the deadline the query goes on (the database cancels it at its own timeout): its late
    // failure is dropped.
    let late = false;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => {
        late = true;
        resolve("timeout");
      }, timeoutMs);
    });
    const work = next().then(
      () => "done" as const,
      (error: unknown) => {
        if (late) return "done" as const;
        throw error;
      },
    );
    try {
      if ((await Promise.race([work, deadline])) === "timeout")
        return c.json(
          {
            error: `query did not finish within ${timeoutMs} ms (SQL_TIMEOUT_MS); narrow it (WHERE, LIMIT)`,
          },
          503,
        );
    } finally {
      clearTimeout(timer);
    }
    await rewriteFailure(c);
  };
}
