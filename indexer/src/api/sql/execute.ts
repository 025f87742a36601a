/**
 * Runs a checked SQL-over-HTTP query (see `validate.ts`) so that it can neither write nor run long:
 *
 * - always in a READ ONLY transaction, on embedded PGlite as on PostgreSQL (defence in depth: the
 *   parse already refused everything but a SELECT);
 * - with `search_path` = `pg_catalog, <schema>, pg_temp`: unqualified names resolve to our tables,
 *   never to a temporary table of the same name. Ponder's write flush leaves an empty
 *   `TEMP TABLE "grant"` on PGlite's one shared connection (indexing-store/cache.js, "update"
 *   flush), and temporary tables come first when `pg_temp` is not listed: that is why
 *   `select count(*) from "grant"` answered 0 (issue 16);
 * - planned first (`EXPLAIN`, which does not run it) and refused above a planner cost, and on
 *   PGlite above a worst-case row count computed from the plan's shape and the tables' real sizes
 *   (the planner's row estimates can be steered by a predicate it misjudges; table sizes cannot;
 *   both bounds are computed in `plan.ts`).
 *   PGlite runs every query on the indexer's one thread and cannot interrupt it, so this bound is
 *   the only one there; PostgreSQL also gets a statement timeout;
 * - with at most `maxRows` rows in the answer (the query is wrapped in a `LIMIT`): one more is an
 *   error that says how to page, never a silently cut answer.
 */
import { HttpError } from "../errors.js";
import { planOf, plannedCost, worstCase } from "./plan.js";
import { SqlRefusal } from "./rules.js";

/** What a query answers, as PGlite and node-postgres both give it. */
interface QueryResult {
  rows: unknown[];
  fields?: unknown[];
}

/** The part of PGlite used here (Ponder's embedded database: `db.$client` of `ponder:api`). */
export interface PgliteLike {
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  transaction<T>(
    callback: (tx: {
      exec(sql: string): Promise<unknown>;
      query(sql: string, params?: unknown[]): Promise<QueryResult>;
    }) => Promise<T>,
  ): Promise<T | undefined>;
}

/** The part of a node-postgres pool used here (Ponder's read-only pool on PostgreSQL). */
export interface PoolLike {
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  connect(): Promise<{
    query(sql: string, params?: unknown[]): Promise<QueryResult>;
    release(error?: Error): void;
  }>;
}

/** A query as `@ponder/client` sends it. */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

export interface SqlAnswer {
  rows: Record<string, unknown>[];
  fields: { name: string; dataTypeID: number }[];
}

export interface SqlLimits {
  /** Rows an answer may hold. */
  maxRows: number;
  /** The planner's estimated cost (without PGlite's `enable_seqscan = off` penalty). */
  maxCost: number;
  /** Worst-case rows processed (PGlite only: there nothing can stop a query once it runs). */
  maxWork: number;
  /** PostgreSQL's statement timeout for the query. */
  timeoutMs: number;
}

export interface SqlRun {
  answer: SqlAnswer;
  /** The planner's cost and the worst-case rows processed: what the request is charged by. */
  cost: number;
  work: number;
}

/** The database is unreachable or the query ran out of time: a 503, retry later. */
export class SqlUnavailable extends HttpError {
  override readonly name = "SqlUnavailable";
  constructor(message: string) {
    super(503, message);
  }
}

/** The query wrapped so that its answer holds at most `limit` rows. */
function capped(text: string, limit: number): string {
  return `SELECT * FROM (\n${text}\n) AS grantkit_sql LIMIT ${limit}`;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function sessionSettings(schema: string): string {
  return `SET LOCAL search_path TO pg_catalog, ${quoteIdent(schema)}, pg_temp`;
}

export interface SqlExecutor {
  readonly dialect: "pglite" | "postgres";
  /** Plans, checks and runs `text` (a checked SELECT) with `params`. */
  run(text: string, params: unknown[], limits: SqlLimits): Promise<SqlRun>;
  /** Runs one statement of ours (not a client's) outside any checks, e.g. a count for table sizes. */
  internal(sql: string): Promise<Record<string, unknown>[]>;
  /** Rows per table (exact on PGlite, refreshed at most every 10 s; the planner's estimate on PostgreSQL). */
  tableSizes(): Promise<ReadonlyMap<string, number>>;
}

interface Step {
  query(sql: string, params: unknown[]): Promise<QueryResult>;
}

function answerOf(result: QueryResult): SqlAnswer {
  return {
    rows: result.rows as Record<string, unknown>[],
    fields: ((result.fields ?? []) as { name: string; dataTypeID: number }[]).map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
    })),
  };
}

/** The shared part: plan, check, run, each a step in the caller's read-only transaction. */
async function planAndRun(
  step: Step,
  text: string,
  params: unknown[],
  limits: SqlLimits,
  tableSizes: ReadonlyMap<string, number> | null,
): Promise<SqlRun> {
  const query = capped(text, limits.maxRows + 1);
  const root = planOf((await step.query(`EXPLAIN (FORMAT JSON) ${query}`, params)).rows);
  const cost = plannedCost(root);
  if (cost > limits.maxCost)
    throw new SqlRefusal(
      `query too expensive: the planner estimates cost ${Math.round(cost)}, the limit is ${limits.maxCost} ` +
        `(SQL_MAX_COST); filter on an indexed column (id, owner, grantee, grant id, block) or add a LIMIT`,
    );
  let work = 0;
  if (tableSizes !== null) {
    work = worstCase(root, tableSizes, limits.maxRows + 1);
    if (work > limits.maxWork) {
      const read = [...tableSizes].map(([t, n]) => `${t} ${n}`).join(", ");
      throw new SqlRefusal(
        `query refused on the embedded database: in the worst case it processes ${work >= 1e15 ? "over 10^15" : Math.round(work)} rows ` +
          `(table sizes: ${read}), the limit is ${limits.maxWork} (SQL_MAX_WORK), because nothing can interrupt a query ` +
          `on PGlite; read one table at a time or look rows up by id, or serve SQL from PostgreSQL (docs/operations.md)`,
      );
    }
  }
  const answer = answerOf(await step.query(query, params));
  if (answer.rows.length > limits.maxRows)
    throw new SqlRefusal(
      `the answer has more than ${limits.maxRows} rows (SQL_MAX_ROWS); page with ORDER BY … LIMIT ` +
        `(keyset: WHERE id > <last id>) or aggregate in SQL`,
    );
  return { answer, cost, work };
}

/**
 * At most this many tuples fit in one 8 kB heap page (PostgreSQL's MaxHeapTuplesPerPage): the bound
 * for a table that has no statistics yet.
 */
const MAX_TUPLES_PER_PAGE = 291;

/**
 * Table sizes without reading the tables, as PostgreSQL's planner estimates them: each table's
 * current size in pages (`pg_relation_size`, a file size) times the rows per page of its last
 * ANALYZE, with a 20% margin (our rows are of nearly one width, so this holds as the tables grow;
 * the indexer analyzes them after the backfill and every 10 minutes, see analyze.ts); for a table
 * not analyzed yet, the most tuples its pages can hold. Refreshed at most every `ttlMs`. (Exact
 * counts cost a scan of every table: 280 ms of the indexer's one thread at 100,000 grants, every
 * 10 s, found by the attack suite.)
 */
function sizeCache(
  internal: (sql: string) => Promise<Record<string, unknown>[]>,
  schema: string,
  tables: readonly string[],
  ttlMs = 2_000,
) {
  let cached: { at: number; sizes: Promise<Map<string, number>> } | undefined;
  const wanted = new Set(tables);
  return () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.sizes;
    const sizes = (async () => {
      const rows = await internal(
        `SELECT c.relname AS t, c.reltuples::float8 AS tuples, c.relpages::int8 AS analyzed_pages, ` +
          `(pg_relation_size(c.oid) / current_setting('block_size')::int)::int8 AS pages ` +
          `FROM pg_class c WHERE c.relnamespace = '${quoteIdent(schema).replace(/'/g, "''")}'::regnamespace ` +
          `AND c.relkind = 'r' ORDER BY c.relname`,
      );
      return new Map(
        rows
          .filter((r) => wanted.has(String(r.t)))
          .map((r) => [
            String(r.t),
            estimateRows(Number(r.pages), Number(r.analyzed_pages), Number(r.tuples)),
          ]),
      );
    })();
    cached = { at: Date.now(), sizes };
    sizes.catch(() => (cached = undefined));
    return sizes;
  };
}

/** Rows of a table of `pages` pages whose last ANALYZE counted `tuples` in `analyzedPages`. */
export function estimateRows(pages: number, analyzedPages: number, tuples: number): number {
  const perPage =
    analyzedPages > 0 && tuples >= 0
      ? Math.min(tuples / analyzedPages, MAX_TUPLES_PER_PAGE)
      : MAX_TUPLES_PER_PAGE;
  // A margin: rows differ in width, and the tables grow while the sizes are cached.
  return Math.ceil(Math.max(pages, analyzedPages) * perPage * 1.2) + 100;
}

/** The executor for embedded PGlite: one connection, shared with the indexing, one query at a time. */
export function pgliteExecutor(
  pg: PgliteLike,
  schema: string,
  tables: readonly string[],
): SqlExecutor {
  const internal = async (sql: string) => (await pg.query(sql)).rows as Record<string, unknown>[];
  const sizes = sizeCache(internal, schema, tables);
  return {
    dialect: "pglite",
    internal,
    tableSizes: sizes,
    run: async (text, params, limits) => {
      // Before the transaction: inside it, any other query on `pg` would wait for its end.
      const tableSizes = await sizes();
      // PGlite's transaction() holds its transaction lock: the indexing's queries wait, and ours
      // never interleave with its transactions. Only `tx` may be used inside.
      const run = await pg.transaction(async (tx) => {
        await tx.exec(`SET TRANSACTION READ ONLY; ${sessionSettings(schema)}`);
        const step: Step = { query: (sql, p) => tx.query(sql, p) };
        return planAndRun(step, text, params, limits, tableSizes);
      });
      if (run === undefined) throw new Error("PGlite rolled the read-only transaction back");
      return run;
    },
  };
}

/** The executor for PostgreSQL: a connection from Ponder's read-only pool, a statement timeout. */
export function postgresExecutor(pool: PoolLike, schema: string): SqlExecutor {
  const internal = async (sql: string) => (await pool.query(sql)).rows as Record<string, unknown>[];
  return {
    dialect: "postgres",
    internal,
    // The planner's own row counts (autovacuum keeps them fresh): no scan.
    tableSizes: async () =>
      new Map(
        (
          await pool.query(
            `SELECT relname, greatest(reltuples, 0)::float8 AS n FROM pg_class ` +
              `WHERE relnamespace = $1::regnamespace AND relkind = 'r'`,
            [quoteIdent(schema)],
          )
        ).rows.map((r) => {
          const row = r as { relname: string; n: number };
          return [row.relname, Number(row.n)];
        }),
      ),
    run: async (text, params, limits) => {
      let client: Awaited<ReturnType<PoolLike["connect"]>>;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new SqlUnavailable(`database unavailable (${(error as Error).message}); retry later`);
      }
      let broken: Error | undefined;
      try {
        await client.query(
          `BEGIN READ ONLY; ${sessionSettings(schema)}; SET LOCAL statement_timeout = ${Math.round(limits.timeoutMs)}; SET LOCAL work_mem = '16MB'`,
        );
        const step: Step = { query: (sql, p) => client.query(sql, p) };
        const run = await planAndRun(step, text, params, limits, null);
        await client.query("COMMIT");
        return run;
      } catch (error) {
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}
