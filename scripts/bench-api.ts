/**
 * `npm run bench:api` (a benchmark, not a test): the REST API's read path against its own baselines
 * (issue 14), on PGlite and on PostgreSQL one after the other (BENCH_DB=pglite|postgres|both, default
 * both). For each database it starts a stack (scripts/lib/harness/indexer.ts: `hardhat node`, deploy,
 * Ponder; a private PostgreSQL 17 server for `postgres`), seeds BENCH_GRANTS grants (default 100,000)
 * in batches, and then:
 *
 * 1. the load mix of docs/reliability.md at BENCH_CONNECTIONS (default 1,4,16,32; BENCH_LOAD=0 skips
 *    it), each route alone for BENCH_PER_ROUTE seconds (scripts/lib/bench/load.ts);
 * 2. the read path's cases at 16 connections, BENCH_DURATION seconds each (default 10): `/health`,
 *    100 hot ids, cold lookups and pages with keys drawn uniformly over all grants, REST vs GraphQL
 *    (scripts/lib/bench/cases.ts);
 * 3. the cold cases' SQL straight on the same database, 16 at a time, as long (scripts/lib/bench/
 *    direct.ts): on PostgreSQL while the indexer runs, on PGlite once it has stopped (one user).
 *
 * It prints every case's figures and each goal with `ok`/`MISS`, writes them between
 * `<!-- bench-api:<db>:start -->`/`<!-- bench-api:<db>:end -->` of docs/performance.md
 * (BENCH_PERF_DOC), the load tables into `<!-- load -->` of docs/reliability.md (BENCH_DOC), and then
 * runs the REST fuzzing into `<!-- fuzz -->` (FUZZ_REPORT: an existing report; BENCH_FUZZ=0 skips
 * it). Only 127.0.0.1; the API's rate limit is off.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { ROOT } from "./lib/deployment.js";
import { startIndexerStack, type DatabaseKind, type IndexerStack } from "./lib/harness/indexer.js";
import type { Figures } from "./lib/bench/autocannon.js";
import { caseRequests, runCases, uniform } from "./lib/bench/cases.js";
import {
  checkTables,
  directOperations,
  openPglite,
  openPostgres,
  runFor,
  type DirectDb,
  type Operation,
} from "./lib/bench/direct.js";
import { fuzzIntoDoc } from "./lib/bench/fuzz.js";
import { mix, runLoad } from "./lib/bench/load.js";
import {
  commit,
  figureRows,
  fillDoc,
  goalRows,
  goals,
  machine,
  performanceSection,
  table,
  type DbRun,
} from "./lib/bench/report.js";
import { seed, type Seeded } from "./lib/bench/seed.js";

const DBS: DatabaseKind[] =
  process.env.BENCH_DB === "pglite" || process.env.BENCH_DB === "postgres"
    ? [process.env.BENCH_DB]
    : ["pglite", "postgres"];
const GRANTS = Number(process.env.BENCH_GRANTS ?? 100_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
/** The read path's goals are set at 16 connections (issue 14). */
const CONNECTIONS = 16;
const LEVELS = (process.env.BENCH_CONNECTIONS ?? "1,4,16,32")
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
const LOAD = process.env.BENCH_LOAD !== "0";
const PER_ROUTE = Number(process.env.BENCH_PER_ROUTE ?? 2);
const DOC = process.env.BENCH_DOC ?? path.join(ROOT, "docs", "reliability.md");
const PERF_DOC = process.env.BENCH_PERF_DOC ?? path.join(ROOT, "docs", "performance.md");
const MACHINE = machine();

/** The cold cases' SQL on the database `open` opens, after a warm-up as long as the API's. */
async function measureDirect(
  open: Promise<DirectDb>,
  s: Seeded,
  chainId: number,
  schema: string,
): Promise<{ version: string; figures: DbRun["direct"] }> {
  const db = await open;
  try {
    await checkTables(db, schema);
    const ops = directOperations(db, s, chainId, schema, uniform(s));
    const all = Object.values(ops);
    await runFor(() => all[Math.floor(Math.random() * all.length)]!(), CONNECTIONS, 3);
    const figures = {} as Record<keyof typeof ops, Figures>;
    for (const [name, op] of Object.entries(ops) as [keyof typeof ops, Operation][]) {
      process.stdout.write(
        `  SQL on the database, ${name}: ${CONNECTIONS} at a time, ${DURATION} s… `,
      );
      figures[name] = await runFor(op, CONNECTIONS, DURATION);
      console.log(
        `${figures[name].rps.toFixed(0)} queries/s, p99 ${figures[name].p99.toFixed(1)} ms`,
      );
    }
    return { version: db.version, figures };
  } finally {
    await db.close();
  }
}

/** Seeds the stack, runs the load mix (unless BENCH_LOAD=0) and the read path's cases. */
async function measureApi(stack: IndexerStack) {
  console.log(`  start-up (s): ${JSON.stringify(stack.timings)}`);
  console.log(`  seeding ${GRANTS} grants and 20 issuer keys…`);
  const s = await seed(stack, GRANTS);
  const caught = await stack.waitCaughtUp(600_000);
  console.log(
    `  seeded in ${s.seconds.toFixed(1)} s; indexer caught up with block ${caught.head} ${caught.seconds} s later`,
  );
  const load = LOAD
    ? await runLoad(
        stack.api,
        mix(s, stack.chainId),
        {
          db: stack.db,
          grants: GRANTS,
          duration: DURATION,
          levels: LEVELS,
          perRoute: PER_ROUTE,
          machine: MACHINE,
        },
        stack.alive,
      )
    : null;
  const api = await runCases(
    stack.api,
    caseRequests(s, stack.chainId),
    CONNECTIONS,
    DURATION,
    stack.pid,
  );
  if (!stack.alive()) throw new Error(`the indexer died under load:\n${stack.logTail()}`);
  return { s, load, api };
}

/** One database: the API's figures, then the same SQL straight on the same database. */
async function runDatabase(db: DatabaseKind): Promise<{ run: DbRun; load: string | null }> {
  // PGlite's folder is ours, not the harness's: it must outlive the indexer for the direct reads.
  const home = db === "pglite" ? mkdtempSync(path.join(tmpdir(), "grantkit-bench-")) : null;
  const pgliteDir = home ? path.join(home, "pglite") : null;
  try {
    console.log(`\nbench:api on ${db}: starting the stack…`);
    const stack = await startIndexerStack(db, {
      env: {
        ...(pgliteDir ? { PONDER_PGLITE_DIR: pgliteDir } : {}),
        // BENCH_CPU_PROF=<folder>: a CPU profile of the indexer's process, as bench:indexer's.
        ...(process.env.BENCH_CPU_PROF
          ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}` }
          : {}),
      },
      // A busy machine (a shared CI runner) can take minutes to start Ponder.
      readyTimeoutMs: 300_000,
    });
    let measured: Awaited<ReturnType<typeof measureApi>>;
    let direct: Awaited<ReturnType<typeof measureDirect>> | null = null;
    try {
      measured = await measureApi(stack);
      // PostgreSQL serves many clients: its direct reads run beside the idle indexer.
      if (db === "postgres")
        direct = await measureDirect(
          openPostgres(stack.databaseUrl!, CONNECTIONS),
          measured.s,
          stack.chainId,
          stack.schema,
        );
    } catch (error) {
      console.error(stack.logTail(20));
      throw error;
    } finally {
      await stack.stop();
    }
    // PGlite has one user: its folder opens here once the indexer has stopped.
    if (pgliteDir)
      direct = await measureDirect(openPglite(pgliteDir), measured.s, stack.chainId, stack.schema);
    const run = { db, version: direct!.version, api: measured.api, direct: direct!.figures };
    return { run, load: measured.load };
  } finally {
    if (home) rmSync(home, { recursive: true, force: true });
  }
}

const started = performance.now();
const rev = commit(ROOT);
const loads: string[] = [];
let exitCode = 0;
for (const db of DBS) {
  try {
    const { run, load } = await runDatabase(db);
    if (load) loads.push(load);
    console.log(
      `\nread path on ${db} (${run.version}; ${GRANTS} grants, ${CONNECTIONS} connections, ${DURATION} s per case)\n` +
        `machine: ${MACHINE}; commit ${rev}\n\n${table(figureRows(run))}\n\n${table(goalRows(run))}`,
    );
    const missed = goals(run).filter((g) => !g.ok).length;
    console.log(`\n${missed === 0 ? "every goal met" : `${missed} goal(s) missed`}`);
    const section = performanceSection(run, {
      grants: GRANTS,
      seconds: DURATION,
      connections: CONNECTIONS,
      machine: MACHINE,
      commit: rev,
    });
    const where = path.relative(ROOT, PERF_DOC);
    if (existsSync(PERF_DOC) && (await fillDoc(PERF_DOC, `bench-api:${db}`, section)))
      console.log(`filled <!-- bench-api:${db} --> in ${where}`);
    else console.log(`${where} has no <!-- bench-api:${db}:start/end --> markers`);
  } catch (error) {
    console.error(error);
    exitCode = 1;
  }
}

if (loads.length > 0 && existsSync(DOC)) {
  const where = path.relative(ROOT, DOC);
  if (await fillDoc(DOC, "load", loads.join("\n\n")))
    console.log(`filled <!-- load --> in ${where}`);
  else console.log(`${where} has no <!-- load:start/end --> markers`);
}

if (exitCode === 0 && process.env.BENCH_FUZZ !== "0" && existsSync(DOC)) {
  const code = await fuzzIntoDoc(ROOT, DOC);
  if (code !== 0) exitCode = code;
}
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(exitCode);
