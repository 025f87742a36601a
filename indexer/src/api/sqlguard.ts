/**
 * Guard in front of Ponder's SQL over HTTP (`/sql/db`, `/sql/live`, used by `@ponder/client`).
 *
 * Ponder already keeps that endpoint read-only: it parses each query and allows only `SELECT` node
 * types and a list of pure functions, and on PostgreSQL runs it in a read-only transaction with a
 * 30 s statement timeout. What it leaves open, and this guard closes:
 *
 * - **Time.** Embedded PGlite runs every query on the indexer's own thread and cannot cancel one
 *   (`statement_timeout` has no effect there): a cross join of two large tables stalls indexing and
 *   every route. So each query is planned first (`EXPLAIN`, which never executes it) and refused with
 *   400 when the planner's estimated cost is above SQL_MAX_COST (default 2,000,000, a few seconds of
 *   work here: over 100,000 rows a filtered page costs about 200, a whole-table aggregate 13,000 to
 *   21,000, a cross join of the table with itself 200 million; indexer/README.md has the figures).
 *   The answer is awaited at most SQL_TIMEOUT_MS (default 10,000), then the client gets 503 (on
 *   PostgreSQL the server cancels the statement at Ponder's 30 s timeout).
 * - **Errors.** Ponder answers a malformed or refused query with a plain-text 500 (and throws on a
 *   `sql` parameter that is not superjson). Here every bad query gets a 4xx JSON `{ error }` that says
 *   what to change; a statement timeout is a 503.
 * - **Order.** Ponder's own validator runs before the query is planned, so `EXPLAIN` is only ever
 *   given a statement Ponder would run.
 * - **Size.** Ponder refuses a query over 5,000 characters with a bare "Invalid query"; here it is a
 *   413 that says so.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { Context, MiddlewareHandler } from "hono";
import superjson from "superjson";

/** The shape `@ponder/client` sends in `?sql=`: superjson of `{ sql, params }`. */
interface SqlQuery {
  sql: string;
  params: unknown[];
}

type Explain = (query: SqlQuery) => Promise<unknown>;

export interface SqlGuardOptions {
  /** Runs `EXPLAIN (FORMAT JSON) <sql>` with the query's parameters and returns the result rows. */
  explain: Explain;
  maxCost?: number;
  timeoutMs?: number;
}

/** Ponder's limit on the SQL text (node_modules/ponder/dist/esm/utils/sql-parse.js). */
const MAX_SQL_LENGTH = 5_000;

const HINT = "send a single SELECT, as @ponder/client does (see indexer/README.md, SQL over HTTP)";

class Refusal extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** Decodes `?sql=` into `{ sql, params }` or throws a Refusal that says what is wrong. */
export function decodeQuery(raw: string | undefined): SqlQuery {
  if (raw === undefined || raw === "")
    throw new Refusal(400, `missing query parameter "sql"; ${HINT}`);
  let decoded: unknown;
  try {
    decoded = superjson.parse(raw);
  } catch {
    throw new Refusal(400, `"sql" is not superjson of { sql, params }; ${HINT}`);
  }
  const q = decoded as Partial<SqlQuery> | null;
  if (typeof q?.sql !== "string" || !(q.params === undefined || Array.isArray(q.params)))
    throw new Refusal(400, `"sql" must decode to { sql: string, params: unknown[] }; ${HINT}`);
  if (q.sql.length > MAX_SQL_LENGTH)
    throw new Refusal(
      413,
      `the SQL text is ${q.sql.length} characters; the limit is ${MAX_SQL_LENGTH}`,
    );
  return { sql: q.sql, params: q.params ?? [] };
}

let validator: Promise<(sql: string) => Promise<void>> | undefined;

/**
 * Ponder's own SQL validator (`validateAllowableSQLQuery`: one statement, SELECT node types only, a
 * list of pure functions, no system tables), loaded from the installed Ponder so that the guard and
 * Ponder never disagree. Ponder does not export it; a Ponder upgrade that moves the file fails here,
 * loudly, at the first query.
 */
function ponderValidator(): Promise<(sql: string) => Promise<void>> {
  validator ??= (async () => {
    const relative = path.join("node_modules", "ponder", "dist", "esm", "utils", "sql-parse.js");
    for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
      const file = path.join(dir, relative);
      if (existsSync(file)) {
        const mod = (await import(pathToFileURL(file).href)) as {
          validateAllowableSQLQuery?: (sql: string) => Promise<void>;
        };
        if (typeof mod.validateAllowableSQLQuery !== "function") break;
        return mod.validateAllowableSQLQuery;
      }
      if (path.dirname(dir) === dir) break;
    }
    throw new Error(`Ponder's SQL validator not found (${relative}): check the Ponder version`);
  })();
  return validator;
}

/** Why Ponder refused a query the first time (bounded, oldest dropped first). */
const refusals = new Map<string, string>();

/**
 * Throws a Refusal unless Ponder would run `sql`: checked before `EXPLAIN`, so that the planner only
 * ever sees a read made of allowed functions (it folds constant calls while planning).
 */
export async function assertAllowed(sql: string): Promise<void> {
  const validate = await ponderValidator();
  try {
    await validate(sql);
  } catch (error) {
    // Ponder caches refusals and then says only "Invalid query": keep the first, telling message.
    let message = messageOf(error);
    if (message === "Invalid query") message = refusals.get(sql) ?? message;
    else {
      refusals.set(sql, message);
      if (refusals.size > 1_000) refusals.delete(refusals.keys().next().value!);
    }
    throw new Refusal(400, `query refused: ${message}; ${HINT}`);
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
 * `disable_cost`. PGlite runs with `enable_seqscan = off`, so each sequential scan it cannot avoid
 * adds 10^10 to the plan's cost; one 10^10 is taken off per penalised scan node. Where a plan repeats
 * a penalised scan (a rescanned inner side), the remainder stays at 10^10 or more and the query is
 * refused: the estimate errs towards refusing.
 */
export function totalCost(rows: unknown): number {
  const first = (Array.isArray(rows) ? rows[0] : undefined) as Record<string, unknown> | undefined;
  let plan = first?.["QUERY PLAN"] as unknown;
  if (typeof plan === "string") plan = JSON.parse(plan);
  const root = (plan as { Plan?: PlanNode }[] | undefined)?.[0]?.Plan;
  const cost = root?.["Total Cost"];
  if (typeof cost !== "number") throw new Error("EXPLAIN returned no total cost");
  let penalised = 0;
  const visit = (node: PlanNode) => {
    const children = node.Plans ?? [];
    if (
      (node["Startup Cost"] ?? 0) >= DISABLE_COST &&
      children.every((c) => (c["Startup Cost"] ?? 0) < DISABLE_COST)
    )
      penalised += 1;
    children.forEach(visit);
  };
  visit(root!);
  return Math.max(0, cost - penalised * DISABLE_COST);
}

/** A PostgreSQL error message without the driver's decorations. */
function messageOf(error: unknown): string {
  const m = error instanceof Error ? error.message : String(error);
  return m.split("\n")[0]!.slice(0, 300);
}

/** A failed query's answer: the database gone or out of time is a 503, anything else the query's fault. */
function failure(c: Context, message: string) {
  if (/statement timeout|canceling statement/i.test(message))
    return c.json(
      { error: `query cancelled by the database's statement timeout; narrow it (WHERE, LIMIT)` },
      503,
    );
  if (/ECONN|connect|terminat|shutting down/i.test(message))
    return c.json({ error: `database unavailable (${message}); retry later` }, 503);
  return c.json({ error: `query refused: ${message}; ${HINT}` }, 400);
}

/** Ponder's plain-text 500 (a refused or failed query) turned into a JSON 4xx/503. */
async function rewriteFailure(c: Context): Promise<void> {
  if (c.res.status !== 500) return;
  const text = (await c.res.clone().text()).slice(0, 300);
  let message: string;
  try {
    message = (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    message = text;
  }
  // Our own onError answer to an unexpected exception stays a 500.
  if (message !== "internal error") c.res = failure(c, message.split("\n")[0]!);
}

export function sqlGuard({
  explain,
  maxCost = Number(process.env.SQL_MAX_COST ?? 2_000_000),
  timeoutMs = Number(process.env.SQL_TIMEOUT_MS ?? 10_000),
}: SqlGuardOptions): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.path !== "/sql/db" && c.req.path !== "/sql/live") return next();
    let query: SqlQuery;
    try {
      query = decodeQuery(c.req.query("sql"));
      await assertAllowed(query.sql);
    } catch (error) {
      if (error instanceof Refusal) return c.json({ error: error.message }, error.status);
      throw error;
    }
    let cost: number;
    try {
      cost = totalCost(await explain(query));
    } catch (error) {
      return failure(c, messageOf(error));
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
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    // Past the deadline the query goes on (PGlite cannot stop it): its late failure is dropped.
    let late = false;
    const work = next().then(
      () => "done" as const,
      (error: unknown) => {
        if (late) return "done" as const;
        throw error;
      },
    );
    try {
      const outcome = await Promise.race([work, deadline]);
      if (outcome === "timeout") {
        late = true;
        return c.json(
          {
            error: `query did not finish within ${timeoutMs} ms (SQL_TIMEOUT_MS); narrow it (WHERE, LIMIT)`,
          },
          503,
        );
      }
    } finally {
      clearTimeout(timer);
    }
    await rewriteFailure(c);
  };
}
