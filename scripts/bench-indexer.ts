/**
 * `npm run bench:indexer` (a benchmark, not a test): backfills N grant events (default 100,000;
 * BENCH_EVENTS overrides) from a local node and prints events/s, time to ready, peak memory and
 * database size; then p50/p99 latency of the main REST routes and a GraphQL query under a fixed
 * concurrency; then the live lag from a grant's block to the grant being visible in the API.
 * BENCH_DB=postgres runs it against a private PostgreSQL 17 server (scripts/lib/postgres.ts)
 * instead of PGlite.
 *
 * Before our indexer, on the same chain and a fresh database of the same kind, it backfills the same
 * events with a minimal Ponder app (scripts/lib/bench/minimal-app: one insert per event into one
 * table), timed the same way, and judges issue 14's goals: our backfill rate at least 80% of the
 * minimal app's, at least 5,000 events/s, peak memory at most 768 MiB. The minimal app runs first so
 * that both index exactly the seeded chain (our run then adds the live-lag grants), one after the
 * other, never at once; each has its own database, so neither reuses the other's cache of RPC answers
 * (Ponder's `ponder_sync` schema). The result fills the `bench-indexer:<db>` section of
 * docs/performance.md (BENCH_PERF_DOC names another page). BENCH_CPU_PROF=<dir> writes a V8 CPU
 * profile of each Ponder process there; BENCH_DEBUG_LOG=1 prints Ponder's output, each line with
 * its time since the process started.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

import { network } from "hardhat";
import { keccak256, toBeHex } from "ethers";

import { startNode } from "./lib/harness/node.js";
import { spawnPonder, type PonderProcess } from "./lib/harness/ponder.js";
import { startPostgres, stopPostgres } from "./lib/postgres.js";
import { indexerCacheBytes, PONDER_BIN, ponderStartArgs } from "./lib/indexer-process.js";
import { commit, fillDoc, machine, markdown, table } from "./lib/bench/report.js";
import { deployGrantKit } from "./lib/deploy.js";
import { ROOT } from "./lib/deployment.js";
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
/** Ponder's finality depth for chains it has no figure for (ponder/dist/esm/utils/finality.js). */
const PONDER_FINALITY_BLOCKS = 30;
/** Issue 14's goals for the backfill. */
const GOAL_RATIO = 0.8;
const GOAL_EVENTS_PER_S = 5_000;
const GOAL_PEAK_MIB = 768;
const MINIMAL_APP = path.join(ROOT, "scripts", "lib", "bench", "minimal-app");
const PERF_DOC = process.env.BENCH_PERF_DOC ?? path.join(ROOT, "docs", "performance.md");

const work = mkdtempSync(path.join(tmpdir(), "grantkit-bench-"));
const recordsDir = path.join(work, "records");
process.env.GRANTKIT_DEPLOYMENTS_DIR = recordsDir;
const node = await startNode();
let indexer: PonderProcess | undefined;
let minimal: PonderProcess | undefined;
let pgDir: string | null = null;

async function cleanup() {
  await minimal?.stop(10_000);
  await indexer?.stop(10_000); // a clean stop: a CPU profile (BENCH_CPU_PROF) is written at exit
  if (pgDir) {
    await stopPostgres(pgDir);
    rmSync(pgDir, { recursive: true, force: true });
  }
  void node.stop();
  rmSync(work, { recursive: true, force: true });
}

/** The first row of `sql` on the database at `databaseUrl` (node `pg`, a dependency of Ponder). */
async function postgresRow(databaseUrl: string, sql: string): Promise<Record<string, string>> {
  interface PgClient {
    connect(): Promise<void>;
    query(sql: string): Promise<{ rows: Record<string, string>[] }>;
    end(): Promise<void>;
  }
  const { Client } = createRequire(import.meta.url)("pg") as {
    Client: new (config: object) => PgClient;
  };
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(sql);
    return rows[0] ?? {};
  } finally {
    await client.end();
  }
}

/** Bytes of the database, over SQL (no psql needed). */
async function postgresDatabaseSize(databaseUrl: string): Promise<string> {
  const row = await postgresRow(databaseUrl, "select pg_database_size(current_database()) as size");
  return String(row.size);
}

/** The version of an installed package (Ponder, and the PGlite it loads: one copy, at the root). */
function installedVersion(name: string): string {
  const file = path.join(ROOT, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}
const ponderVersion = () => installedVersion("ponder");
const pgliteVersion = () => installedVersion("@electric-sql/pglite");

/** A Ponder app's backfill as timed by `startTimed`. */
interface Timing {
  started: number;
  /** When Ponder logged the start and the end of its backfill phase (0: not yet). */
  backfillStart: number;
  backfillEnd: number;
  /** Peak RSS of the process tree so far, MiB. */
  peak: number;
  /** Seconds from the process's start to Ponder's own /ready answering 200, and the peak then. */
  readySeconds: number;
  peakAtReady: number;
}

/**
 * Starts a Ponder app (`argv` for Node) and times it, the same for both apps: Ponder's backfill phase
 * between its log lines "Started backfill indexing" and "Completed backfill indexing", and the
 * process's start to Ponder's /ready answering 200 (`ready()`, polled every 100 ms); the RSS of its
 * process tree sampled every 200 ms until `stopSampling()`.
 */
function startTimed(what: string, argv: string[], port: number, env: NodeJS.ProcessEnv) {
  const t: Timing = {
    started: performance.now(),
    backfillStart: 0,
    backfillEnd: 0,
    peak: 0,
    readySeconds: 0,
    peakAtReady: 0,
  };
  const proc = spawnPonder(what, argv, port, env, {
    keepLines: 200,
    onLine: (line) => {
      if (process.env.BENCH_DEBUG_LOG)
        console.log(`[${what} +${((performance.now() - t.started) / 1000).toFixed(2)}s] ${line}`);
      if (/Started backfill indexing/.test(line) && t.backfillStart === 0)
        t.backfillStart = performance.now();
      if (/Completed backfill indexing/.test(line)) t.backfillEnd = performance.now();
    },
  });
  const sampler = setInterval(() => (t.peak = Math.max(t.peak, treeRss(proc.pid))), 200);
  return {
    proc,
    t,
    async ready() {
      await proc.waitAnswers("/ready", READY_TIMEOUT_MS, 100);
      t.readySeconds = (performance.now() - t.started) / 1000;
      t.peak = Math.max(t.peak, treeRss(proc.pid));
      t.peakAtReady = t.peak;
    },
    stopSampling: () => clearInterval(sampler),
  };
}

/** Seconds of Ponder's backfill phase, or null if it did not log both ends. */
function backfillSeconds(t: Timing): number | null {
  return t.backfillStart > 0 && t.backfillEnd > t.backfillStart
    ? (t.backfillEnd - t.backfillStart) / 1000
    : null;
}

/** Events per second over `seconds`, or null. */
function rate(seconds: number | null): number | null {
  return seconds === null || seconds <= 0 ? null : EVENTS / seconds;
}

const num = (x: number | null, digits = 0) =>
  x === null
    ? "n/a"
    : x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Both apps' figures side by side, and ours over the minimal app's. */
function figureRows(ours: Timing, base: Timing): string[][] {
  const row = (name: string, f: (t: Timing) => number | null, digits = 0) => {
    const [o, b] = [f(ours), f(base)];
    const ratio = o !== null && b !== null && b > 0 ? `${((o / b) * 100).toFixed(0)}%` : "n/a";
    return [name, num(o, digits), num(b, digits), ratio];
  };
  return [
    ["measure", "our indexer", "minimal app", "ours / minimal"],
    row("backfill (Ponder's phase), s", (t) => backfillSeconds(t), 1),
    row("backfill events/s", (t) => rate(backfillSeconds(t))),
    row("process start to /ready, s", (t) => t.readySeconds, 1),
    row("events/s, process start to /ready", (t) => rate(t.readySeconds)),
    row("peak memory to /ready, MiB", (t) => t.peakAtReady),
  ];
}

/** Issue 14's backfill goals: `[goal, measured, target, ok/MISS]`. */
function goalRows(ours: Timing, base: Timing, peakWholeRun: number): string[][] {
  const o = rate(backfillSeconds(ours));
  const b = rate(backfillSeconds(base));
  const ratio = o !== null && b !== null ? o / b : null;
  const verdict = (ok: boolean) => (ok ? "ok" : "MISS");
  return [
    ["goal", "measured", "target", ""],
    [
      "backfill events/s, ours / minimal app",
      `${ratio === null ? "n/a" : `${(ratio * 100).toFixed(0)}%`} (${num(o)} / ${num(b)})`,
      `≥ ${GOAL_RATIO * 100}%`,
      verdict(ratio !== null && ratio >= GOAL_RATIO),
    ],
    [
      "backfill events/s, ours",
      num(o),
      `≥ ${num(GOAL_EVENTS_PER_S)}`,
      verdict(o !== null && o >= GOAL_EVENTS_PER_S),
    ],
    [
      "peak memory, ours (whole run)",
      `${num(peakWholeRun)} MiB (minimal app ${num(base.peakAtReady)} MiB)`,
      `≤ ${GOAL_PEAK_MIB} MiB`,
      verdict(peakWholeRun <= GOAL_PEAK_MIB),
    ],
  ];
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
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
  // Ponder takes a block of a chain it does not know (31337 here) as final 30 blocks below the head:
  // blocks above are indexed live, one by one, after /ready. Empty blocks on top of the seeded ones
  // make every seeded event part of the backfill that is measured.
  // One `evm_mine` each: `hardhat_mine` reserves blocks whose parent hash Ponder's live sync cannot follow.
  for (let i = 0; i <= PONDER_FINALITY_BLOCKS; i++) await node.provider.send("evm_mine", []);

  // 2. Backfill: first the minimal app, then our indexer, one after the other, each timed to Ponder's
  // /ready (ours then to /v1/ready too).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Eight copies of the URL give Ponder eight rate buckets (its per-URL client starts at 20 req/s).
    PONDER_RPC_URL_31337: Array(8).fill(node.url).join(","),
    PONDER_POLLING_INTERVAL_MS: "100",
    API_RATE_LIMIT: "0", // the benchmark is one client measuring latency, not the limiter
    PONDER_PGLITE_DIR: path.join(work, "pglite"),
    PONDER_CACHE_BYTES: indexerCacheBytes(DB),
    GRANTKIT_DEPLOYMENTS_DIR: recordsDir,
  };
  if (process.env.BENCH_CPU_PROF)
    env.NODE_OPTIONS =
      `${process.env.NODE_OPTIONS ?? ""} --cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}`.trim();
  const minimalEnv: NodeJS.ProcessEnv = {
    ...env,
    PONDER_PGLITE_DIR: path.join(work, "pglite-minimal"),
  };
  let dbVersion = `PGlite ${pgliteVersion()}`;
  if (DB === "postgres") {
    // Its own top-level folder: as root the server runs as `postgres`, which cannot enter `work`.
    pgDir = mkdtempSync(path.join(tmpdir(), "grantkit-bench-pg-"));
    env.DATABASE_URL = await startPostgres(pgDir);
    // The minimal app gets a database of its own on the same server: a fresh one, as ours is.
    await postgresRow(env.DATABASE_URL, "create database bench_minimal");
    const url = new URL(env.DATABASE_URL);
    url.pathname = "/bench_minimal";
    minimalEnv.DATABASE_URL = url.toString();
    const { v } = await postgresRow(env.DATABASE_URL, "select version() as v");
    dbVersion = /PostgreSQL [0-9.]+/.exec(v ?? "")?.[0] ?? String(v);
  }

  // 2a. The minimal app (scripts/lib/bench/minimal-app), Ponder's binary as ours runs it (same Node,
  // heap limit, cache, RPC URLs and polling), `--root` its folder; stopped once ready.
  console.log("backfilling with the minimal app…");
  const minimalPort = await freePort();
  const minimalArgs = ponderStartArgs(minimalPort, "bench", minimalEnv);
  minimalArgs.splice(minimalArgs.indexOf(PONDER_BIN) + 1, 0, "--root", MINIMAL_APP);
  const baseRun = startTimed("the minimal app", minimalArgs, minimalPort, minimalEnv);
  minimal = baseRun.proc;
  try {
    await baseRun.ready();
  } finally {
    baseRun.stopSampling();
  }
  await minimal.stop(10_000);
  minimal = undefined;
  const baseline = baseRun.t;
  console.log(
    `minimal app: backfill ${num(backfillSeconds(baseline), 1)} s, /ready after ${num(baseline.readySeconds, 1)} s, peak ${num(baseline.peakAtReady)} MiB`,
  );

  // 2b. Our indexer, as `npm start` runs it (scripts/lib/indexer-process.ts), through the harness's
  // handle: its own binary under this Node, without an npm wrapper, so memory is the indexer's; the
  // same heap limit and cache. Its peak memory is sampled for the whole run (reads and live lag too).
  console.log("backfilling with our indexer…");
  const port = await freePort();
  const ourRun = startTimed("the indexer", ponderStartArgs(port, "bench", env), port, env);
  indexer = ourRun.proc;
  const ours = ourRun.t;
  const base = indexer.api;
  await ourRun.ready();
  await indexer.waitAnswers("/v1/ready", READY_TIMEOUT_MS, 100);
  const readySeconds = (performance.now() - ours.started) / 1000;
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
  ourRun.stopSampling();
  const peak = ours.peak;

  console.log(
    `\nindexer benchmark (${DB}, ${EVENTS} events in ${Math.ceil(EVENTS / PER_TX)} transactions)\n`,
  );
  console.log(
    table([
      ["measure", "value", "goal"],
      [
        "backfill events/s (Ponder's backfill phase)",
        num(rate(backfillSeconds(ours))),
        `>= ${GOAL_EVENTS_PER_S}`,
      ],
      ["events/s from process start to ready (/v1/ready)", (EVENTS / readySeconds).toFixed(0), ""],
      ["time to ready (/v1/ready)", `${readySeconds.toFixed(1)} s`, ""],
      ["peak memory (indexer process tree)", `${peak.toFixed(0)} MiB`, `<= ${GOAL_PEAK_MIB} MiB`],
      ["database size", `${(Number(dbSize) / 2 ** 20).toFixed(1)} MiB`, ""],
      ["live lag p50", lags.length ? `${pct(lags, 50).toFixed(0)} ms` : "n/a", ""],
      ["live lag p99", lags.length ? `${pct(lags, 99).toFixed(0)} ms` : "n/a", "< 2000 ms"],
    ]),
  );
  console.log(`\nlatency, ${CONCURRENCY} concurrent clients, ${REQUESTS} requests per route\n`);
  console.log(table(latencyRows));
  console.log("\ngoals: p99 < 20 ms for a lookup by id, < 50 ms for a filtered page");

  // 5. The backfill against the minimal app: figures and goals, printed and written to the page.
  const figures = figureRows(ours, baseline);
  const goals = goalRows(ours, baseline, peak);
  const heading =
    `backfill against a minimal Ponder app (${dbVersion}, Ponder ${ponderVersion()}, ` +
    `${num(EVENTS)} grant events in ${num(Math.ceil(EVENTS / PER_TX))} transactions)`;
  console.log(`\n${heading}\n\n${table(figures)}\n\n${table(goals)}`);
  const missed = goals.slice(1).filter((r) => r[3] !== "ok").length;
  console.log(
    `\n${missed === 0 ? "every backfill goal met" : `${missed} backfill goal(s) missed`}`,
  );
  const section = [
    `${dbVersion}, Ponder ${ponderVersion()}, ${num(EVENTS)} grant events in ` +
      `${num(Math.ceil(EVENTS / PER_TX))} transactions, ${new Date().toISOString().slice(0, 10)}, ` +
      `commit ${commit(ROOT)}. Machine: ${machine()}.`,
    "",
    markdown(figures),
    "",
    `${goals.length - 1 - missed} of ${goals.length - 1} goals met:`,
    "",
    markdown(goals),
  ].join("\n");
  const where = path.relative(ROOT, PERF_DOC);
  if (existsSync(PERF_DOC) && (await fillDoc(PERF_DOC, `bench-indexer:${DB}`, section)))
    console.log(`filled <!-- bench-indexer:${DB} --> in ${where}`);
  else console.log(`${where} has no <!-- bench-indexer:${DB}:start/end --> markers`);
} finally {
  await cleanup();
}
process.exit(0);
