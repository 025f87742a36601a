/**
 * `npm run bench:indexer` (a benchmark, not a test): backfills N grant events (default 100,000;
 * BENCH_EVENTS overrides) from a local node and prints events/s, time to ready, peak memory and
 * database size; then p50/p99 latency of the main REST routes and a GraphQL query under a fixed
 * concurrency; then the live lag from a grant's block to the grant being visible in the API.
 * BENCH_DB=postgres runs it against a private PostgreSQL 17 server (scripts/lib/postgres.ts)
 * instead of PGlite.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

import { network } from "hardhat";
import { keccak256, toBeHex } from "ethers";

import { startNode } from "./lib/harness/node.js";
import { spawnPonder, type PonderProcess } from "./lib/harness/ponder.js";
import { startPostgres, stopPostgres } from "./lib/postgres.js";
import { indexerCacheBytes, ponderStartArgs } from "./lib/indexer-process.js";
import { deployGrantKit } from "./lib/deploy.js";
import { computeGrantId, purposeHash } from "./lib/grants.js";
import { freePort, treeRss } from "./lib/processes.js";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const PER_TX = 500;
const DB = process.env.BENCH_DB === "postgres" ? "postgres" : "pglite";
const CONCURRENCY = 8;
const REQUESTS = 2_000;
const LIVE_GRANTS = 300;
/** The backfill of a large N on a slow machine: far longer than it should ever take. */
const READY_TIMEOUT_MS = 3_600_000;

const work = mkdtempSync(path.join(tmpdir(), "grantkit-bench-"));
const recordsDir = path.join(work, "records");
process.env.GRANTKIT_DEPLOYMENTS_DIR = recordsDir;
const node = await startNode();
let indexer: PonderProcess | undefined;
let pgDir: string | null = null;

async function cleanup() {
  await indexer?.kill9();
  if (pgDir) {
    await stopPostgres(pgDir);
    rmSync(pgDir, { recursive: true, force: true });
  }
  void node.stop();
  rmSync(work, { recursive: true, force: true });
}

/** Bytes of the database, over SQL (node `pg`, a dependency of Ponder; no psql needed). */
async function postgresDatabaseSize(databaseUrl: string): Promise<string> {
  interface PgClient {
    connect(): Promise<void>;
    query(sql: string): Promise<{ rows: { size: string }[] }>;
    end(): Promise<void>;
  }
  const { Client } = createRequire(import.meta.url)("pg") as {
    Client: new (config: object) => PgClient;
  };
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query("select pg_database_size(current_database()) as size");
    return String(rows[0]!.size);
  } finally {
    await client.end();
  }
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function table(rows: [string, string, string][]): string {
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  "))
    .join("\n");
}

try {
  const connection = await network.create({ network: "localhost", override: { url: node.url } });
  const { ethers } = connection;
  const record = await deployGrantKit(connection, { write: true, artifacts: "as-built" });
  const chainId = record.chainId;
  const grants = await ethers.getContractAt("AccessGrants", record.contracts.AccessGrants!.address);
  const signers = await ethers.getSigners();
  const grantee = signers[3]!.address;
  const purpose = purposeHash("onboarding");

  // 1. N grant events, PER_TX per transaction, several owners.
  console.log(`seeding ${EVENTS} grant events (${PER_TX} per transaction)…`);
  const seedStart = performance.now();
  for (let i = 0; i < EVENTS; i += PER_TX) {
    const owner = signers[5 + ((i / PER_TX) % 10)]!;
    const batch = Array.from({ length: Math.min(PER_TX, EVENTS - i) }, (_, k) => ({
      grantee,
      dataHash: keccak256(toBeHex(i + k + 1, 32)),
      purpose,
      lockedUntil: 0n,
      expiresAt: 0n,
    }));
    await (await grants.connect(owner).grantBatch(batch, { gasLimit: 16_000_000 })).wait();
  }
  console.log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  // 2. Backfill: start the indexer and time it to /v1/ready.
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Eight copies of the URL give Ponder eight rate buckets (its per-URL client starts at 20 req/s).
    PONDER_RPC_URL_31337: Array(8).fill(node.url).join(","),
    PONDER_POLLING_INTERVAL_MS: "100",
    API_RATE_LIMIT: "0", // the benchmark is one client measuring latency, not the limiter
    PONDER_PGLITE_DIR: path.join(work, "pglite"),
    PONDER_CACHE_BYTES: indexerCacheBytes(),
    GRANTKIT_DEPLOYMENTS_DIR: recordsDir,
  };
  if (DB === "postgres") {
    // Its own top-level folder: as root the server runs as `postgres`, which cannot enter `work`.
    pgDir = mkdtempSync(path.join(tmpdir(), "grantkit-bench-pg-"));
    env.DATABASE_URL = await startPostgres(pgDir);
  }
  const started = performance.now();
  // Ponder as `npm start` runs it (scripts/lib/indexer-process.ts), through the harness's handle: its
  // own binary under this Node, without an npm wrapper, so memory is the indexer's; the same heap
  // limit and cache. It logs when the backfill starts and completes: the rate is measured between.
  let backfillStart = 0;
  let backfillEnd = 0;
  indexer = spawnPonder("the indexer", ponderStartArgs(port, "bench"), port, env, {
    keepLines: 200,
    onLine: (line) => {
      if (/Started backfill indexing/.test(line) && backfillStart === 0)
        backfillStart = performance.now();
      if (/Completed backfill indexing/.test(line)) backfillEnd = performance.now();
    },
  });
  const pid = indexer.pid;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRss(pid))), 200);
  const base = indexer.api;
  await indexer.waitAnswers("/v1/ready", READY_TIMEOUT_MS, 100);
  const readySeconds = (performance.now() - started) / 1000;
  const dbSize =
    DB === "postgres"
      ? await postgresDatabaseSize(env.DATABASE_URL!)
      : execFileSync("du", ["-sb", path.join(work, "pglite")], { encoding: "utf8" }).split(
          "\t",
        )[0]!;

  // 3. Latency under a fixed concurrency.
  const owner0 = signers[5]!.address;
  const someId = computeGrantId({
    owner: owner0,
    grantee,
    dataHash: keccak256(toBeHex(1, 32)),
    purpose,
  });
  const routes: [string, () => Promise<Response>][] = [
    ["GET grant by id", () => fetch(`${base}/v1/grants/${chainId}/${someId}`)],
    [
      "GET filtered page (grantee, active, 50)",
      () => fetch(`${base}/v1/grants?grantee=${grantee}&status=active&limit=50`),
    ],
    ["GET owner's page (100)", () => fetch(`${base}/v1/grants?owner=${owner0}&limit=100`)],
    ["GET grant as of a block", () => fetch(`${base}/v1/grants/${chainId}/${someId}/at?block=10`)],
    [
      "POST GraphQL (20 grants of a grantee)",
      () =>
        fetch(`${base}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: `{ grants(where: { grantee: "${grantee.toLowerCase()}" }, limit: 20) { items { id status } } }`,
          }),
        }),
    ],
  ];
  const latencyRows: [string, string, string][] = [["route", "p50 ms", "p99 ms"]];
  for (const [name, call] of routes) {
    const times: number[] = [];
    let errors = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < REQUESTS) {
          const t0 = performance.now();
          const res = await call();
          await res.arrayBuffer();
          times.push(performance.now() - t0);
          if (!res.ok) errors++;
        }
      }),
    );
    if (errors > 0) console.log(`${name}: ${errors} errors`);
    latencyRows.push([name, pct(times, 50).toFixed(1), pct(times, 99).toFixed(1)]);
  }

  // 4. Live lag: one grant per transaction, a new one every 100 ms; from its receipt to the grant
  // being served by the API. One watcher polls the oldest grant not yet seen every 25 ms (grants are
  // indexed in block order, so it gates the rest): a poller per grant would itself load the API's
  // one thread with hundreds of requests per second and slow the indexing it measures.
  const lags: number[] = [];
  const owner = signers[16]!;
  const pending: { id: string; mined: number; block: number }[] = [];
  let sending = true;
  const watcher = (async () => {
    while (sending || pending.length > 0) {
      while (pending.length > 0) {
        const res = await fetch(`${base}/v1/grants/${chainId}/${pending[0]!.id}`);
        await res.arrayBuffer();
        if (!res.ok) break;
        lags.push(performance.now() - pending.shift()!.mined);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  await Promise.all(
    Array.from({ length: LIVE_GRANTS }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 100));
      const dataHash = keccak256(toBeHex(10_000_000 + i, 32));
      const tx = await grants
        .connect(owner)
        .grant({ grantee, dataHash, purpose, lockedUntil: 0n, expiresAt: 0n });
      const receipt = await tx.wait();
      const id = computeGrantId({ owner: owner.address, grantee, dataHash, purpose });
      // Keep the queue in block order (receipts can resolve out of order).
      const entry = { id, mined: performance.now(), block: receipt!.blockNumber };
      const at = pending.findIndex((p) => p.block > entry.block);
      if (at < 0) pending.push(entry);
      else pending.splice(at, 0, entry);
    }),
  )
    .catch((e) => console.log(`live lag run: ${String(e).slice(0, 200)}`))
    .finally(() => {
      sending = false;
    });
  await watcher;
  clearInterval(sampler);

  console.log(
    `\nindexer benchmark (${DB}, ${EVENTS} events in ${Math.ceil(EVENTS / PER_TX)} transactions)\n`,
  );
  console.log(
    table([
      ["measure", "value", "goal"],
      [
        "backfill events/s (Ponder's backfill phase)",
        backfillEnd > backfillStart && backfillStart > 0
          ? (EVENTS / ((backfillEnd - backfillStart) / 1000)).toFixed(0)
          : "n/a",
        ">= 5000",
      ],
      ["events/s from process start to ready", (EVENTS / readySeconds).toFixed(0), ""],
      ["time to ready", `${readySeconds.toFixed(1)} s`, ""],
      ["peak memory (indexer process tree)", `${peak.toFixed(0)} MiB`, "< 1024 MiB"],
      ["database size", `${(Number(dbSize) / 2 ** 20).toFixed(1)} MiB`, ""],
      ["live lag p50", lags.length ? `${pct(lags, 50).toFixed(0)} ms` : "n/a", ""],
      ["live lag p99", lags.length ? `${pct(lags, 99).toFixed(0)} ms` : "n/a", "< 2000 ms"],
    ]),
  );
  console.log(`\nlatency, ${CONCURRENCY} concurrent clients, ${REQUESTS} requests per route\n`);
  console.log(table(latencyRows));
  console.log("\ngoals: p99 < 20 ms for a lookup by id, < 50 ms for a filtered page");
} finally {
  await cleanup();
}
process.exit(0);
