/**
 * Fault-injection tests of the Ponder indexer: each case builds its own chain (anvil, started from the
 * native binary so it can be stopped and restarted with `--state`), deploys GrantKit with the deploy
 * toolkit, runs `ponder start` as a child process group, injects a fault, and ends with the
 * differential check "API state equals contract state for every grant" (faults/differential.ts).
 *
 * - crash (PGlite, PostgreSQL): kill -9 mid-backfill and again while live; restart on the same
 *   database and schema (about 85 s each: two restarts that wait for the dead process's schema lock).
 * - RPC outage: the node down 30 s mid-backfill and again while live, state kept; /v1/ready must
 *   answer 503 meanwhile (about 105 s; FAULT_OUTAGE_SECONDS changes the 30 s).
 * - reorg: anvil_reorg (depth 5) and evm_snapshot/evm_revert (depth 20) over blocks that created,
 *   revoked and re-created grants; state and history follow the new chain (about 20 s).
 * - new deployment record: a second AccessGrants on the same chain, restart; both indexed, told apart
 *   by contract address (about 40 s).
 *
 * The cases are in faults/crash.ts, outage.ts, reorg.ts and deployment.ts; this file builds what they
 * share (faults/kit.ts) and runs them in one suite. scripts/faults-report.ts runs this file
 * (FAULTS_RESULT_FILE receives one JSON line per case) and writes docs/reliability.md.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { getAddress } from "ethers";

import { Activity } from "../scripts/lib/harness/activity.js";
import { Anvil } from "../scripts/lib/harness/anvil.js";
import { deployToNode, genesisTag, removeJournals } from "../scripts/lib/harness/indexer.js";
import { startPostgres, stopPostgres } from "../scripts/lib/postgres.js";
import { Indexer, type Database } from "../scripts/lib/harness/ponder-process.js";
import type { FaultRecord } from "../scripts/lib/suite-records.js";
import { crashCases } from "./crash.js";
import { deploymentCase } from "./deployment.js";
import { secondsSince, type FaultKit, type World } from "./kit.js";
import { outageCase } from "./outage.js";
import { reorgCase } from "./reorg.js";

// ------------------------------------------------------------------ what each case found (for scripts/faults-report.ts)

let current: FaultRecord | null = null;
const cleanups: (() => Promise<void> | void)[] = [];

function note(line: string): void {
  current?.happened.push(line);
  console.log(`      · ${line}`);
}

// ------------------------------------------------------------------ a chain with GrantKit on it

async function world(kind: "pglite" | "postgres", schema: string): Promise<World> {
  const work = mkdtempSync(path.join(tmpdir(), "grantkit-faults-"));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  const anvil = await Anvil.start(path.join(work, "anvil-state.json"));
  const tag = await genesisTag(anvil);
  cleanups.push(() => removeJournals(anvil.chainId, tag));
  cleanups.push(() => anvil.stop());
  const recordsDir = path.join(work, "records");
  mkdirSync(recordsDir);
  const record = await deployToNode(anvil.url, recordsDir, {
    recordName: "localhost",
    saltLabel: "grantkit.v1",
  });
  const accounts = (await anvil.rpc<string[]>("eth_accounts", [])).map((a) => getAddress(a));
  const contract = record.contracts.AccessGrants!.address;
  return {
    work,
    anvil,
    recordsDir,
    record,
    accounts,
    act: new Activity(anvil, contract, accounts, "v1"),
    deployment: { contract, fromBlock: record.contracts.AccessGrants!.blockNumber },
    options: { db: await dbOf(kind, work), schema, recordsDir, rpcUrl: anvil.url },
  };
}

function dbOf(kind: "pglite" | "postgres", work: string): Promise<Database> {
  if (kind === "pglite") return Promise.resolve({ kind, dir: path.join(work, "pglite") });
  // Its own top-level temporary folder: as root, startPostgres hands it to the `postgres` user, who
  // could not enter a folder inside another private temporary folder.
  const pgDir = mkdtempSync(path.join(tmpdir(), "grantkit-faults-pg-"));
  cleanups.push(() => rmSync(pgDir, { recursive: true, force: true }));
  cleanups.push(() => stopPostgres(pgDir));
  return startPostgres(pgDir).then((url) => ({ kind, url }));
}

const kit: FaultKit = {
  world,
  async startIndexer(options) {
    const ix = await Indexer.start(options);
    cleanups.push(() => ix.stop());
    return ix;
  },
  cleanup: (fn) => cleanups.push(fn),
  note,
  summarize(text) {
    if (current) current.summary = text;
  },
  recovered(what, seconds) {
    if (current) current.recovery[what] = seconds;
    note(`${what}: equal to the chain ${seconds} s after it`);
  },
  recoveries: () => current?.recovery ?? {},
};

// ------------------------------------------------------------------ the cases

describe("indexer under faults (anvil + Ponder)", function () {
  this.timeout(420_000);
  this.slow(60_000);

  beforeEach(function () {
    current = {
      fault: this.currentTest?.title ?? "?",
      passed: false,
      seconds: 0,
      recovery: {},
      happened: [],
    };
    current.seconds = performance.now();
  });

  afterEach(async function () {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // best effort
      }
    }
    if (!current) return;
    current.seconds = secondsSince(current.seconds);
    current.passed = this.currentTest?.state === "passed";
    if (this.currentTest?.err)
      current.error = this.currentTest.err.message.split("\n").slice(0, 6).join("\n");
    const file = process.env.FAULTS_RESULT_FILE;
    if (file) appendFileSync(file, JSON.stringify(current) + "\n");
    current = null;
  });

  crashCases(kit);
  outageCase(kit);
  reorgCase(kit);
  deploymentCase(kit);
});
