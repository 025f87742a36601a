/**
 * How the indexer's process starts, the same for `npm start`, the test harness and the benchmarks
 * (and its read replicas, `ponder serve`, for `npm run start:scale` and test/e2e/replicas.ts):
 * Ponder's own binary under this Node (no npm wrapper, so the process is the indexer alone), a V8
 * heap limit and Ponder's indexing cache, so that the process stays under 1 GiB with 100,000 grants
 * on embedded PGlite (`npm run test:attacks` measures it; docs/operations.md, "Memory").
 *
 * Without a limit V8 sizes its heap from the machine's memory and lets garbage pile up (about
 * 500 MiB of heap after a backfill of 100,000 grants, 1.15 GiB resident with PGlite's WebAssembly
 * memory); Ponder's cache defaults to a fifth of that limit.
 */
import path from "node:path";

import { ROOT } from "./deployment.js";

/** Ponder's command-line entry point, run by `process.execPath`. */
export const PONDER_BIN = path.join(ROOT, "node_modules", ".bin", "ponder");
export const INDEXER_HEAP_MB = 512;
/**
 * Ponder's indexing cache by database. A cache too small for the rows a backfill writes makes Ponder
 * read the database for them: on PostgreSQL for each upsert's row, on PGlite also for each insert's
 * key (Ponder checks it before buffering the row there). `npm run bench:indexer` at 100,000 grants:
 * on PostgreSQL 97% of a minimal Ponder app with 192 MiB against 47% with 64 MiB (79% on a faster machine),
 * at a peak of 601 to 654 MiB; on PGlite 72% of the minimal app with 320 MiB against 57% with
 * 64 MiB, and the same peak (824 against 827 MiB; at 300,000 grants 1,062 against 1,049): PGlite's
 * own memory, not the cache, sets the peak. PGlite's 256 MiB is half the heap limit above; Ponder's
 * byte count of a row (two bytes per character) is above what V8 holds for it
 * (docs/performance.md, "Indexer backfill").
 */
export const INDEXER_CACHE_BYTES = { pglite: 256 * 1024 * 1024, postgres: 192 * 1024 * 1024 };

/** Node's flags for the indexer's process (INDEXER_MAX_HEAP_MB overrides the heap limit). */
export function indexerNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const mb = Number(env.INDEXER_MAX_HEAP_MB ?? INDEXER_HEAP_MB);
  if (!Number.isInteger(mb) || mb < 128)
    throw new Error(
      `INDEXER_MAX_HEAP_MB must be a whole number of MiB, at least 128 (got ${env.INDEXER_MAX_HEAP_MB}); unset it for ${INDEXER_HEAP_MB}`,
    );
  return [`--max-old-space-size=${mb}`];
}

/** Ponder's indexing cache in bytes on `database` (PONDER_CACHE_BYTES overrides it). */
export function indexerCacheBytes(
  database: keyof typeof INDEXER_CACHE_BYTES,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return env.PONDER_CACHE_BYTES || String(INDEXER_CACHE_BYTES[database]);
}

/**
 * The arguments of `process.execPath` for `ponder <command>` on 127.0.0.1:`port`, in `schema`: `start`
 * indexes and serves; `serve` is a read replica (the HTTP server and our API without indexing,
 * PostgreSQL only) with the same heap limit as the indexer's, to which Ponder's indexing cache
 * (PONDER_CACHE_BYTES) does not apply, as nothing indexes.
 */
function ponderArgs(command: "start" | "serve") {
  return (port: number, schema: string, env: NodeJS.ProcessEnv = process.env): string[] => [
    ...indexerNodeArgs(env),
    PONDER_BIN,
    command,
    "-H",
    "127.0.0.1",
    "-p",
    String(port),
    "--schema",
    schema,
  ];
}

/** `ponder start` (index and serve): see ponderArgs. */
export const ponderStartArgs = ponderArgs("start");

/** `ponder serve` (a read replica): see ponderArgs. */
export const ponderServeArgs = ponderArgs("serve");

/**
 * Ponder's warnings that are expected on `npm start`'s local chain, each with why: viem lists
 * http://127.0.0.1:8545 as the Hardhat chain's public RPC URL, and a node that mines only when a
 * transaction arrives sends no block for as long as nothing is sent.
 */
const LOCAL_CHAIN_NOTES: [RegExp, string][] = [
  [
    /Detected public RPC URL/,
    "expected here: viem lists the local node's URL as chain 31337's public RPC; no rate limit applies",
  ],
  [
    /No new block received within expected time/,
    "expected here: the local chain mines a block only when a transaction arrives",
  ],
];

/** Why a line of Ponder's output is expected on the local chain, or undefined. */
export function localChainNote(line: string): string | undefined {
  return LOCAL_CHAIN_NOTES.find(([pattern]) => pattern.test(line))?.[1];
}
