/**
 * `npm run test:start`: the README's start command, run as a user runs it, and checked.
 *
 * Runs `npm start -- --demo` in the background (a process group of its own, spare ports, records and
 * the embedded database in a temporary folder), waits for the "GrantKit is up" banner with a deadline,
 * probes every URL the banner prints (a new line is probed without a change here: known paths get
 * their own probe, any other URL a GET that must answer 200), checks the demo data is there, then
 * sends SIGINT (Ctrl-C) and checks that every process it started has exited and the ports are free
 * within a few seconds. On failure: the start log's tail, exit code 1. CI runs it first, on a fresh
 * clone with nothing built (`.ci/run`).
 *
 * Env: START_CHECK_TIMEOUT_S (deadline for the banner, default 600: a first build takes a minute or
 * more), START_CHECK_CHAIN_PORT / START_CHECK_API_PORT (default: free ports).
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { ROOT } from "./lib/deployment.js";
import { missingFromBanner, parseBanner, probe } from "./lib/start-probes.js";
import {
  alive,
  descendants,
  freePort,
  killGroup,
  portFree,
  signalGroup,
  waitPortsFree,
  type ProcessRow,
} from "./lib/processes.js";

const JOURNALS = path.join(ROOT, "ignition", "deployments");

/** Ignition journals of local chains (the deploy step of each start writes one). */
function localJournals(): string[] {
  return existsSync(JOURNALS)
    ? readdirSync(JOURNALS).filter((d) => /^grantkit.*-localhost-/.test(d))
    : [];
}

const UP_TIMEOUT_S = Number(process.env.START_CHECK_TIMEOUT_S ?? 600);
const STOP_WITHIN_S = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const t0 = performance.now();
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  const work = mkdtempSync(path.join(tmpdir(), "grantkit-start-check-"));
  const logFile = path.join(work, "start.log");
  const chainPort = Number(process.env.START_CHECK_CHAIN_PORT ?? (await freePort()));
  let apiPort = Number(process.env.START_CHECK_API_PORT ?? (await freePort()));
  while (apiPort === chainPort) apiPort = await freePort();

  console.log(
    `start check: npm start -- --demo on chain :${chainPort}, API :${apiPort} (log: ${logFile})`,
  );
  const journalsBefore = new Set(localJournals());
  /** Removes the journal of this check's chain (a new chain every start: nobody resumes it). */
  const removeJournals = () => {
    for (const d of localJournals()) {
      if (!journalsBefore.has(d)) rmSync(path.join(JOURNALS, d), { recursive: true, force: true });
    }
  };
  const log = createWriteStream(logFile);
  // The environment of a user's shell: without what this script's own Hardhat put there.
  const userEnv = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("HARDHAT_")),
  );
  const child = spawn("npm", ["start", "--", "--demo"], {
    cwd: ROOT,
    env: {
      ...userEnv,
      GRANTKIT_CHAIN_PORT: String(chainPort),
      GRANTKIT_API_PORT: String(apiPort),
      GRANTKIT_DEPLOYMENTS_DIR: path.join(work, "deployments"),
      PONDER_PGLITE_DIR: path.join(work, "pglite"),
      FORCE_COLOR: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream.on("data", (d: Buffer) => {
      output += d.toString();
      log.write(d);
      // npm start's own progress lines (its steps and their times) as they come; the chain's,
      // build's and indexer's lines stay in the log (its tail is printed on failure).
      const lines = (partial + d.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (/^(==>|    \S)/.test(line)) console.log(`  | ${line}`);
      }
    });
  }
  const state: { exit: number | string | null; errorAt: number } = { exit: null, errorAt: 0 };
  const exited = new Promise<void>((resolve) =>
    child.on("exit", (code, signal) => {
      state.exit = code ?? signal;
      resolve();
    }),
  );
  const seen = new Map<number, ProcessRow>();
  const remember = () => {
    for (const row of descendants(child.pid!)) seen.set(row.pid, row);
  };

  const fail = async (what: string): Promise<never> => {
    console.error(`\nFAIL after ${elapsed()}: ${what}`);
    console.error(`--- last lines of the start log (${logFile}):`);
    const lines = output
      .replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")
      .split("\n")
      .filter((l) => !/Private Key|Account #/.test(l));
    for (const line of lines.slice(-40)) console.error(`  ${line}`);
    // Leave nothing behind, whatever state the start is in.
    remember();
    removeJournals();
    killGroup(child);
    for (const pid of alive([...seen.keys()])) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    process.exit(1);
  };

  // 1. Up: the banner within the deadline, or an early exit.
  const deadline = Date.now() + UP_TIMEOUT_S * 1000;
  while (!output.includes("Ctrl-C stops everything")) {
    if (state.exit !== null) await fail(`npm start exited (${state.exit}) before it was up`);
    if (Date.now() > deadline) await fail(`npm start was not up after ${UP_TIMEOUT_S} s`);
    // The bug this check was made for: an error printed, and everything left running.
    if (state.errorAt === 0 && /^error: /m.test(output)) state.errorAt = Date.now();
    if (state.errorAt > 0 && Date.now() - state.errorAt > 10_000) {
      await fail("npm start printed an error and was still running 10 s later");
    }
    remember();
    await sleep(500);
  }
  const upAfter = elapsed();
  console.log(`up after ${upAfter}`);

  // 2. Every URL of the banner.
  const entries = parseBanner(output);
  const missing = missingFromBanner(entries);
  if (missing.length > 0) await fail(`the banner lists no URL for ${missing.join(", ")}`);
  for (const entry of entries) {
    try {
      console.log(`  ok   ${entry.label.padEnd(18)} ${entry.url}  ${await probe(entry)}`);
    } catch (error) {
      await fail(`${entry.label} ${entry.url}: ${(error as Error).message}`);
    }
  }

  // 3. Ctrl-C: everything it started exits, the ports are free.
  remember();
  const pids = [...seen.keys()];
  console.log(`SIGINT to npm start's process group (${pids.length} processes)`);
  const stopStarted = performance.now();
  signalGroup(child, "SIGINT");
  const stopDeadline = Date.now() + STOP_WITHIN_S * 1000;
  await Promise.race([exited, sleep(STOP_WITHIN_S * 1000)]);
  if (state.exit === null) await fail(`npm start still running ${STOP_WITHIN_S} s after SIGINT`);
  // When npm returns, the user's prompt is back: nothing it started may still be running then.
  const atReturn = alive(pids).filter((pid) => pid !== child.pid);
  if (atReturn.length > 0) {
    const rows = atReturn.map((pid) => seen.get(pid)!).map((r) => `  ${r.pid} ${r.args}`);
    await fail(`npm start returned while these still ran:\n${rows.join("\n")}`);
  }
  let left = alive(pids);
  while (left.length > 0 && Date.now() < stopDeadline) {
    await sleep(100);
    left = alive(pids);
  }
  if (left.length > 0) {
    const rows = left.map((pid) => seen.get(pid)!).map((r) => `  ${r.pid} ${r.args}`);
    await fail(`processes left ${STOP_WITHIN_S} s after SIGINT:\n${rows.join("\n")}`);
  }
  const taken = await waitPortsFree([chainPort, apiPort], Math.max(0, stopDeadline - Date.now()));
  if (taken.length > 0) await fail(`port ${taken.join(", ")} still taken after SIGINT`);
  if (!(await portFree(chainPort)) || !(await portFree(apiPort))) await fail("ports not free");
  const stopTook = ((performance.now() - stopStarted) / 1000).toFixed(1);
  if (!output.includes("stopped everything")) {
    await fail("npm start did not report that it stopped everything");
  }
  console.log(
    `PASS: up after ${upAfter}, ${entries.length} URLs probed, stopped in ${stopTook} s (exit ${state.exit}), ${pids.length} processes gone, ports free; total ${elapsed()}`,
  );
  log.end();
  removeJournals();
  rmSync(work, { recursive: true, force: true });
}

await main();
