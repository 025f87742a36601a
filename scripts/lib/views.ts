/**
 * Zero-downtime redeploy on PostgreSQL (issue 14): readers (`ponder serve` replicas, direct SQL)
 * read a views schema, whose views point at the schema one `ponder start` writes into. A new
 * deployment record (a new chain or contract) changes the app, so a new `ponder start` indexes into
 * a new schema while the old one keeps serving; `switchViews` then points every view at the new
 * schema in one transaction, so a reader sees the old state or the new one, never an error between.
 *
 * Ponder's own `--views-schema` switches at the end of the new indexer's backfill, which on a busy
 * chain can be behind the old one (the blocks mined during the backfill come after); its
 * `ponder db create-views` drops and creates each view in a statement of its own, so a reader can
 * meet a missing view. This switch refuses while the new schema is behind the views' current one on
 * any chain (no step back in time), and runs as one transaction.
 *
 * Start the first indexer with `--views-schema` (DATABASE_VIEWS_SCHEMA), which also creates the
 * live-query procedure the views' trigger calls; the switch moves that trigger to the new schema.
 */
import pg from "pg";

import { GrantKitError } from "./errors.js";

/** Ponder's tables beside the app's, which the views schema mirrors too (ponder/database). */
const PONDER_TABLES = ["_ponder_meta", "_ponder_checkpoint"] as const;

export interface SwitchOptions {
  /** The PostgreSQL the indexers write into. */
  databaseUrl: string;
  /** The schema the new `ponder start` writes into. */
  schema: string;
  /** The schema readers read. */
  viewsSchema: string;
}

export interface SwitchResult {
  /** The schema the views pointed at before (undefined when there were none). */
  from: string | undefined;
  /** How many views now point at `schema`. */
  views: number;
  /** The new schema's checkpoint per chain id, at the switch. */
  checkpoints: Record<string, string>;
}

/** `"name"` with its quotes doubled: a PostgreSQL identifier. */
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The tables of the app in `schema`, as its indexer recorded them in `_ponder_meta`. */
async function appTables(client: pg.PoolClient, schema: string): Promise<string[]> {
  const app = await client
    .query<{ value: { table_names?: string[]; is_ready?: number } }>(
      `SELECT value FROM ${ident(schema)}._ponder_meta WHERE key = 'app'`,
    )
    .then(
      (r) => r.rows[0]?.value,
      (error: { code?: string }) => {
        // 42P01 undefined_table: no schema of that name, or no Ponder in it.
        if (error.code === "42P01") return undefined;
        throw error;
      },
    );
  if (!app?.table_names)
    throw new GrantKitError(
      `schema ${schema} holds no Ponder app`,
      `start the new indexer first: ponder start --schema ${schema}`,
    );
  if (app.is_ready !== 1)
    throw new GrantKitError(
      `the indexer of schema ${schema} has not finished its backfill`,
      "wait until its /v1/ready answers 200, then switch",
    );
  return app.table_names;
}

/** Each chain's checkpoint in `schema`'s `_ponder_checkpoint` (or the views over one). */
async function checkpoints(client: pg.PoolClient, schema: string): Promise<Map<string, string>> {
  const { rows } = await client.query<{ chain_id: string; latest_checkpoint: string }>(
    `SELECT chain_id::text, latest_checkpoint FROM ${ident(schema)}._ponder_checkpoint`,
  );
  return new Map(rows.map((r) => [r.chain_id, r.latest_checkpoint]));
}

/** The schema the views schema's `_ponder_checkpoint` view reads, if there is one. */
async function currentTarget(
  client: pg.PoolClient,
  viewsSchema: string,
): Promise<string | undefined> {
  const { rows } = await client.query<{ source: string }>(
    `SELECT DISTINCT u.table_schema AS source FROM information_schema.view_table_usage u
      WHERE u.view_schema = $1 AND u.view_name = '_ponder_checkpoint'`,
    [viewsSchema],
  );
  return rows[0]?.source;
}

/**
 * Refuses when `next` is behind `current` on a chain the views serve: readers would step back in
 * time. Checkpoints are Ponder's fixed-width decimal strings, so they compare as text.
 */
function checkNotBehind(current: Map<string, string>, next: Map<string, string>, schema: string) {
  for (const [chain, checkpoint] of current) {
    const theirs = next.get(chain);
    if (theirs === undefined)
      throw new GrantKitError(
        `schema ${schema} does not index chain ${chain}, which readers are served now`,
        "keep that chain's deployment record for the new indexer (or stop serving it first)",
      );
    if (theirs < checkpoint)
      throw new GrantKitError(
        `schema ${schema} is behind the served one on chain ${chain}`,
        "wait until the new indexer has caught up (its /v1/ready at the head), then switch again",
      );
  }
}

/** One view per table of the new app and per Ponder table, and the live-query trigger moved. */
async function repoint(
  client: pg.PoolClient,
  options: SwitchOptions,
  tables: string[],
  from: string | undefined,
): Promise<number> {
  const { schema, viewsSchema } = options;
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(viewsSchema)}`);
  const all = [...tables, ...PONDER_TABLES];
  // A view cannot change its columns with CREATE OR REPLACE: drop, then create, inside this
  // transaction, so readers wait on the lock and then see the new views.
  for (const table of all) {
    await client.query(`DROP VIEW IF EXISTS ${ident(viewsSchema)}.${ident(table)}`);
    await client.query(
      `CREATE VIEW ${ident(viewsSchema)}.${ident(table)} AS SELECT * FROM ${ident(schema)}.${ident(table)}`,
    );
  }
  // Ponder notifies the views' live queries from a trigger on the indexed schema's checkpoint table
  // (named `<views>_live_query_notify`, calling `<views>.live_query_notify()`), created by
  // `ponder start --views-schema`; it follows the views when the procedure exists.
  const trigger = ident(`${viewsSchema}_live_query_notify`);
  const { rows } = await client.query(
    `SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 AND p.proname = 'live_query_notify'`,
    [viewsSchema],
  );
  if (rows.length > 0) {
    if (from !== undefined && from !== schema)
      await client.query(`DROP TRIGGER IF EXISTS ${trigger} ON ${ident(from)}._ponder_checkpoint`);
    await client.query(
      `CREATE OR REPLACE TRIGGER ${trigger} AFTER INSERT OR UPDATE OR DELETE
         ON ${ident(schema)}._ponder_checkpoint FOR EACH STATEMENT
         EXECUTE PROCEDURE ${ident(viewsSchema)}.live_query_notify()`,
    );
  }
  return all.length;
}

/**
 * Points `viewsSchema` at `schema` in one transaction, after checking that `schema` holds a Ponder
 * app that finished its backfill and is not behind what the views serve now on any chain.
 */
export async function switchViews(options: SwitchOptions): Promise<SwitchResult> {
  const { schema, viewsSchema } = options;
  if (schema === viewsSchema)
    throw new GrantKitError(
      `the views schema and the indexed schema are both ${schema}`,
      "give the new indexer's schema (--schema) and the schema readers read (--views-schema)",
    );
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 1 });
  const client = await pool.connect().catch(async (error: Error) => {
    await pool.end();
    throw new GrantKitError(
      `cannot connect to the database of DATABASE_URL (${error.message || String(error)})`,
      "check DATABASE_URL (postgres://user:password@host:port/database) and that PostgreSQL is up",
    );
  });
  try {
    await client.query("BEGIN");
    // One switch at a time: a second waits here, then checks against what the first left.
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`views:${viewsSchema}`]);
    const tables = await appTables(client, schema);
    const from = await currentTarget(client, viewsSchema);
    const next = await checkpoints(client, schema);
    if (from !== undefined) checkNotBehind(await checkpoints(client, viewsSchema), next, schema);
    const views = await repoint(client, options, tables, from);
    await client.query("COMMIT");
    return { from, views, checkpoints: Object.fromEntries(next) };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
    await pool.end();
  }
}
