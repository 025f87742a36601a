/**
 * SQL over HTTP, wire-compatible with `@ponder/client`: `GET /sql/db?sql=<superjson of { sql, params }>`
 * answers `{ rows, fields }`; `GET /sql/live?sql=…` is a Server-Sent Events stream that sends the
 * answer, then again each time it changes. Ours instead of Ponder's `client()` middleware, whose
 * verdict cache could be steered into running writes (issue 18; `validate.ts`, `execute.ts`).
 *
 * Every client mistake is a 400 JSON `{ error }` that says what to change (syntax with its position,
 * unknown tables and columns, parameters, refused constructs, limits); 503 only when the database is
 * unreachable or a statement timeout ends the query.
 */
import { createHash } from "node:crypto";

import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import superjson from "superjson";

import type { Budget } from "../budget.js";
import type { CheckpointWatcher } from "../checkpoint.js";
import { requestInfo } from "../gate.js";
import { HttpError } from "../errors.js";
import type { SqlExecutor, SqlLimits, SqlRun } from "./execute.js";
import { SqlRefusal } from "./rules.js";
import type { SqlScope } from "./tree.js";
import { checkQuery, preloadParser } from "./validate.js";

export interface SqlRoutesOptions {
  executor: SqlExecutor;
  scope: SqlScope;
  limits: SqlLimits;
  budget: Budget;
  watcher: CheckpointWatcher;
  /** Live queries open at once, all clients together. */
  maxLive: number;
  /** The shortest time between two runs of one live query. */
  liveIntervalMs: number;
}

const HINT = "see indexer/README.md, SQL over HTTP";
/** Parameters: how many, and how long each may be. */
const MAX_PARAMS = 100;
const MAX_PARAM_LENGTH = 1_024;

interface Query {
  sql: string;
  params: unknown[];
}

/** Decodes `?sql=` (superjson of `{ sql, params }`, as @ponder/client sends it). */
export function decodeQuery(raw: string | undefined): Query {
  if (raw === undefined || raw === "")
    throw new SqlRefusal(`missing query parameter "sql" (superjson of { sql, params }); ${HINT}`);
  let decoded: unknown;
  try {
    decoded = superjson.parse(raw);
  } catch {
    throw new SqlRefusal(`"sql" is not superjson of { sql, params }; ${HINT}`);
  }
  const q = decoded as Partial<Query> | null;
  if (typeof q?.sql !== "string" || !(q.params === undefined || Array.isArray(q.params)))
    throw new SqlRefusal(`"sql" must decode to { sql: string, params: unknown[] }; ${HINT}`);
  const params = q.params ?? [];
  if (params.length > MAX_PARAMS)
    throw new SqlRefusal(`${params.length} parameters; the limit is ${MAX_PARAMS}`);
  params.forEach((p, i) => {
    if (typeof p === "string" && p.length > MAX_PARAM_LENGTH)
      throw new SqlRefusal(
        `parameter $${i + 1} has ${p.length} characters; the limit is ${MAX_PARAM_LENGTH}`,
      );
    if (p !== null && typeof p === "object" && !(p instanceof Date))
      throw new SqlRefusal(`parameter $${i + 1} is an object or array; pass scalars`);
  });
  return { sql: q.sql, params };
}

/** Hints by SQLSTATE class for a query the database refused. */
const HINTS: Record<string, string> = {
  "42P01":
    "the tables are listed in indexer/README.md; reserved words such as grant need double quotes",
  "42703": "check the column names (snake_case, e.g. chain_id, block_number)",
  "42601": "check the syntax",
  "42883": "check the argument types (cast with ::)",
  "22": "check the values",
};

/** 400 for the client's mistakes, 503 when the database is away or out of time; never a 500. */
function failure(c: Context, error: unknown, timeoutMs: number) {
  if (error instanceof HttpError) return c.json({ error: error.message }, error.status);
  const e = error as { code?: unknown; message?: unknown; position?: unknown };
  const message = String(e.message ?? error)
    .split("\n")[0]!
    .slice(0, 300);
  const code = typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : "";
  if (code === "57014")
    return c.json(
      {
        error: `the query ran past the time limit (${timeoutMs} ms, SQL_TIMEOUT_MS) and was cancelled; narrow it (WHERE, LIMIT)`,
      },
      503,
    );
  if (
    (/^(08|53|57P)/.test(code) && code !== "08P01") ||
    (typeof e.code === "string" && /^E[A-Z]+$/.test(e.code)) ||
    /^(PGlite is clos|Connection terminated|timeout exceeded when trying to connect)/.test(message)
  )
    return c.json({ error: "database unavailable; retry later" }, 503);
  if (code === "" && !(error instanceof Error && "code" in error)) {
    // Not a database error: a bug of ours. Logged, and still JSON.
    console.error(error);
    return c.json({ error: "internal error" }, 500);
  }
  const hint = HINTS[code] ?? HINTS[code.slice(0, 2)] ?? "check the query";
  return c.json({ error: `query failed: ${message} (SQLSTATE ${code}); ${hint}` }, 400);
}

function rowsJson(body: unknown): string {
  return JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** Work units of a query (about a millisecond each): its planned work, and the rows it returned. */
function unitsOf(run: SqlRun, dialect: "pglite" | "postgres"): number {
  const planned = dialect === "pglite" ? run.work / 2_000 : run.cost / 5_000;
  return planned + run.answer.rows.length / 200;
}

export function sqlRoutes(o: SqlRoutesOptions): Hono {
  const app = new Hono();
  let live = 0;
  preloadParser();

  /** Decodes, checks and runs the query of `c`; throws a refusal or a database error. */
  const runQuery = async (c: Context) => {
    const q = decodeQuery(c.req.query("sql"));
    const checked = await checkQuery(q.sql, o.scope);
    if (checked.params !== q.params.length)
      throw new SqlRefusal(
        `the query uses ${checked.params === 0 ? "no parameters" : checked.params === 1 ? "$1" : `$1 to $${checked.params}`} ` +
          `but ${q.params.length} parameter${q.params.length === 1 ? " was" : "s were"} given`,
      );
    const run = () => o.executor.run(checked.text, q.params, o.limits);
    return { checked, run };
  };

  app.get("/sql/db", async (c) => {
    const info = requestInfo(c.env);
    try {
      const { run } = await runQuery(c);
      const result = await run();
      info.charge(unitsOf(result, o.executor.dialect));
      return c.body(rowsJson(result.answer), 200, {
        "content-type": "application/json; charset=utf-8",
      });
    } catch (error) {
      return failure(c, error, o.limits.timeoutMs);
    }
  });

  app.get("/sql/live", async (c) => {
    const info = requestInfo(c.env);
    let first: SqlRun;
    let run: () => Promise<SqlRun>;
    try {
      ({ run } = await runQuery(c));
    } catch (error) {
      return failure(c, error, o.limits.timeoutMs);
    }
    if (live >= o.maxLive)
      return c.json(
        { error: `${o.maxLive} live queries are open (SQL_MAX_LIVE); retry later or poll /sql/db` },
        503,
      );
    const close = o.budget.openStream(info.client);
    if (typeof close !== "function") {
      c.header("retry-after", String(close.retryAfter));
      return c.json({ error: close.message }, close.status);
    }
    live += 1;
    let open = true;
    const release = () => {
      if (!open) return;
      open = false;
      live -= 1;
      close();
    };
    // The first run answers before the stream opens, so that a query that fails is a 400.
    try {
      first = await run();
      info.charge(unitsOf(first, o.executor.dialect));
    } catch (error) {
      release();
      return failure(c, error, o.limits.timeoutMs);
    }
    return streamSSE(
      c,
      async (stream) => {
        const abort = new AbortController();
        stream.onAbort(() => abort.abort());
        const signal = abort.signal;
        const digest = (r: SqlRun) =>
          createHash("sha256").update(rowsJson(r.answer.rows)).digest("hex");
        try {
          let hash = digest(first);
          await stream.writeSSE({ data: rowsJson(first.answer) });
          let seen = o.watcher.version;
          let ranAt = Date.now();
          while (!signal.aborted) {
            if (o.watcher.version === seen) await o.watcher.next(signal);
            seen = o.watcher.version;
            // Debounce: at most one run per liveIntervalMs, whatever the block rate.
            const wait = ranAt + o.liveIntervalMs - Date.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            // A client in debt waits here until its budget holds a unit again.
            await o.budget.settle(info.client, signal);
            if (signal.aborted) break;
            ranAt = Date.now();
            const result = await run();
            info.charge(unitsOf(result, o.executor.dialect));
            const h = digest(result);
            if (h === hash) continue;
            hash = h;
            await stream.writeSSE({ data: rowsJson(result.answer) });
          }
        } catch (error) {
          const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
          await stream
            .writeSSE({
              event: "error",
              data: JSON.stringify({ error: `live query stopped: ${message}` }),
            })
            .catch(() => {});
        } finally {
          release();
        }
      },
      async () => release(),
    );
  });

  app.all("/sql/*", (c) =>
    c.json(
      { error: `no route ${c.req.method} ${c.req.path}: use GET /sql/db or /sql/live; ${HINT}` },
      404,
    ),
  );
  return app;
}
