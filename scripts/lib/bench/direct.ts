/**
 * The database's own rate for the API benchmark's cold cases (`npm run bench:api`, issue 14): the SQL
 * the routes run (indexer/src/api/routes/grants.ts: a grant and its history; an owner's or grantee's
 * page after a cursor), sent from the benchmark's process straight to the indexer's tables, with
 * the same concurrency, for the same time, with keys drawn the same way. As the API does, each query
 * is a named prepared statement on PostgreSQL (parsed and planned once per connection), and a grant
 * comes with its history in one statement.
 *
 * PostgreSQL: a `pg` Pool of 16 connections (the `pg` Ponder itself uses). PGlite: the indexer's data
 * folder opened with `@electric-sql/pglite` once the indexer has stopped (an embedded database has
 * one user at a time); it runs one query at a time, so concurrency is a queue, as in the indexer.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";

import { ROOT } from "../deployment.js";
import type { Figures } from "./autocannon.js";
import { rowId, type Seeded } from "./seed.js";

/** The installed @electric-sql/pglite (the one Ponder loads: a single copy, at the root). */
const PGLITE_VERSION = (
  JSON.parse(
    readFileSync(
      path.join(ROOT, "node_modules", "@electric-sql", "pglite", "package.json"),
      "utf8",
    ),
  ) as { version: string }
).version;

/** "PostgreSQL 17.2" out of what `SELECT version()` answers. */
function serverVersion(text: string): string {
  return /PostgreSQL [0-9.]+/.exec(text)?.[0] ?? text;
}

/** A database the benchmark queries directly. */
export interface DirectDb {
  /** Runs `sql`; `name`: as a named prepared statement where the database has them (PostgreSQL). */
  query(sql: string, params: unknown[], name?: string): Promise<unknown[]>;
  /** The database and its version, e.g. "PostgreSQL 17.2". */
  version: string;
  close(): Promise<void>;
}

interface PgPool {
  query(
    sql: string | { name?: string; text: string; values: unknown[] },
    params?: unknown[],
  ): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
}
type PgModule = { Pool: new (o: { connectionString: string; max: number }) => PgPool };

/** A pool of `size` connections to PostgreSQL. */
export async function openPostgres(url: string, size: number): Promise<DirectDb> {
  // `pg` has no types of its own here; it is Ponder's dependency, hoisted to the root.
  const { Pool } = createRequire(import.meta.url)("pg") as PgModule;
  const pool = new Pool({ connectionString: url, max: size });
  const [row] = (await pool.query("SELECT version() AS v")).rows as { v: string }[];
  return {
    query: async (text, values, name) => (await pool.query({ name, text, values })).rows,
    version: serverVersion(row!.v),
    close: () => pool.end(),
  };
}

/** The PGlite data folder `dir` (no process may have it open). */
export async function openPglite(dir: string): Promise<DirectDb> {
  const db = await PGlite.create({ dataDir: dir });
  const { rows } = await db.query<{ v: string }>("SELECT version() AS v");
  return {
    query: async (sql, params) => (await db.query(sql, params)).rows,
    version: `PGlite ${PGLITE_VERSION} (${serverVersion(rows[0]!.v)})`,
    close: () => db.close(),
  };
}

/** One operation; false when the answer would not be a 200 (no such grant). */
export type Operation = () => Promise<boolean>;

/** The cold cases' SQL, keys drawn by `pick()` (a grant index) as the API cases draw them. */
export function directOperations(
  db: DirectDb,
  s: Seeded,
  chainId: number,
  schema: string,
  pick: () => number,
): Record<"coldId" | "coldOwner" | "coldGrantee", Operation> {
  const grant = `"${schema}"."grant"`;
  const events = `"${schema}"."grant_event"`;
  const page = (column: "owner" | "grantee") => `SELECT * FROM ${grant}
    WHERE ${column} = $1 AND id > $2 ORDER BY id ASC LIMIT 51`;
  return {
    // The grant with its history in one statement, a row per event (routes/grants.ts).
    async coldId() {
      const id = s.ids[pick()]!;
      const rows = (await db.query(
        `SELECT g.*, e.* FROM ${grant} g LEFT JOIN ${events} e
          ON e.chain_id = g.chain_id AND e.contract = g.contract AND e.grant_id = g.grant_id
          WHERE g.chain_id = $1 AND g.grant_id = $2
          ORDER BY e.block_number ASC, e.log_index ASC, e.id ASC`,
        [chainId, id],
        "g",
      )) as unknown[];
      return rows.length > 0;
    },
    async coldOwner() {
      const i = pick();
      await db.query(page("owner"), [s.owners[s.ownerOf[i]!], rowId(s, chainId, i)], "o");
      return true;
    },
    async coldGrantee() {
      const i = pick();
      await db.query(page("grantee"), [s.grantees[s.granteeOf[i]!], rowId(s, chainId, i)], "e");
      return true;
    },
  };
}

/** Runs `op` from `concurrency` loops for `seconds`; figures as autocannon gives them. */
export async function runFor(
  op: Operation,
  concurrency: number,
  seconds: number,
): Promise<Figures> {
  const latencies: number[] = [];
  let errors = 0;
  let misses = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        if (!(await op())) misses++;
        latencies.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    rps: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    errors,
    non2xx: misses,
    fiveXx: 0,
    total: latencies.length,
  };
}

/** Whether `schema` holds the indexer's grant table (a wrong schema would measure empty reads). */
export async function checkTables(db: DirectDb, schema: string): Promise<void> {
  const rows = (await db.query(
    "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('grant', 'grant_event')",
    [schema],
  )) as { n: number }[];
  if (rows[0]?.n !== 2) throw new Error(`no grant and grant_event tables in schema ${schema}`);
}
