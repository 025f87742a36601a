/**
 * `npm start` and `npm run start:scale` as a user runs them, for the tests of both
 * (test/e2e/start.ts, test/e2e/start-scale.ts): `hardhat grantkit start` (or another task) as a
 * child process in a process group of its own, on free ports, records and the embedded database in
 * a temporary folder, every process below it watched until it is gone.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { ROOT } from "../../scripts/lib/deployment.js";
import { alive, descendants, freePort, portFree } from "../../scripts/lib/processes.js";

const HARDHAT = path.join(ROOT, "node_modules", ".bin", "hardhat");
const JOURNALS = path.join(ROOT, "ignition", "deployments");

/** Ignition journals of local chains (the deploy step of each start writes one). */
function localJournals(): string[] {
  return existsSync(JOURNALS)
    ? readdirSync(JOURNALS).filter((d) => /^grantkit.*-localhost-/.test(d))
    : [];
}

/**
 * In a suite: removes, after it, the Ignition journals of the local chains its runs deployed to
 * (each start writes one, and nobody resumes them).
 */
export function removeNewJournalsAfter(): void {
  let kept = new Set<string>();
  before(function () {
    kept = new Set(localJournals());
  });
  after(function () {
    for (const d of localJournals())
      if (!kept.has(d)) rmSync(path.join(JOURNALS, d), { recursive: true, force: true });
  });
}

export interface StartRun {
  code: number | null;
  signal: string | null;
  output: string;
  /** Every process seen below the start while it ran. */
  seen: Map<number, string>;
  /** The chain's and the API's ports it was given. */
  ports: [number, number];
}

export interface RunOptions {
  /** The Hardhat task and its arguments (default `grantkit start`: `npm start`). */
  command?: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Called with the output and processes so far; a signal returned is sent to the start once. */
  signalWhen?: (output: string, seen: Map<number, string>) => NodeJS.Signals | undefined;
  timeoutMs?: number;
  /** Start it through `sh -c` (signals then go to the shell, as to npm's). */
  viaShell?: boolean;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function killAll(pids: number[]): void {
  for (const pid of alive(pids)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone in the meantime
    }
  }
}

/** Runs `hardhat grantkit start` (or `command`) until it exits; its folders are removed afterwards. */
export async function runStart(options: RunOptions = {}): Promise<StartRun> {
  const work = mkdtempSync(path.join(tmpdir(), "grantkit-start-"));
  const ports: [number, number] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GRANTKIT_CHAIN_PORT: String(ports[0]),
    GRANTKIT_API_PORT: String(ports[1]),
    GRANTKIT_DEPLOYMENTS_DIR: path.join(work, "deployments"),
    PONDER_PGLITE_DIR: path.join(work, "pglite"),
    FORCE_COLOR: "0",
    ...options.env,
  };
  // As a user's shell has it: no CI, and nothing this test's own Hardhat and npm put in the
  // environment (HARDHAT_CONFIG would point a copy of the project back at this one).
  for (const key of Object.keys(env)) {
    if (
      key === "CI" ||
      key.startsWith("HARDHAT_") ||
      key.startsWith("npm_") ||
      key === "INIT_CWD"
    ) {
      delete env[key];
    }
  }
  const command = [process.execPath, HARDHAT, ...(options.command ?? ["grantkit", "start"])];
  // Through a shell that stays its parent, as `npm start` runs it (`; true`: no exec).
  const [file, ...args] = options.viaShell
    ? ["sh", "-c", `${command.map((a) => `'${a}'`).join(" ")}; true`]
    : command;
  const child = spawn(file!, args, {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  let exit: { code: number | null; signal: string | null } | undefined;
  // "close": the process exited and its output ended (which, through a killed shell, is when the
  // start behind it has exited too).
  child.on("close", (code, signal) => (exit = { code, signal }));
  const seen = new Map<number, string>();
  let signalled = false;
  // Generous: on a loaded machine (CI, parallel runs) one start takes a minute or more.
  const deadline = Date.now() + (options.timeoutMs ?? 240_000);
  while (exit === undefined) {
    // Every command line a process showed (a process may retitle itself, e.g. Ponder's workers).
    for (const row of descendants(child.pid!)) {
      const before = seen.get(row.pid);
      if (before === undefined) seen.set(row.pid, row.args);
      else if (!before.split(" | ").includes(row.args))
        seen.set(row.pid, `${before} | ${row.args}`);
    }
    const signal = signalled ? undefined : options.signalWhen?.(output, seen);
    if (signal) {
      child.kill(signal);
      signalled = true;
    }
    if (Date.now() > deadline) {
      killAll([...seen.keys()]);
      throw new Error(
        `${command.slice(2).join(" ")} did not exit within the test's deadline:\n${output}`,
      );
    }
    await sleep(100);
  }
  rmSync(work, { recursive: true, force: true });
  return { ...exit, output, seen, ports };
}

/** Nothing the run started is left running within 10 s, and its ports are free. */
export async function expectNothingLeft(run: StartRun): Promise<void> {
  let left = alive([...run.seen.keys()]);
  for (let i = 0; i < 100 && left.length > 0; i++) {
    await sleep(100);
    left = alive([...run.seen.keys()]);
  }
  const leftover = left.map((pid) => `${pid} ${run.seen.get(pid)}`);
  killAll(left);
  expect(leftover, "processes left behind").to.deep.equal([]);
  for (const port of run.ports) expect(await portFree(port), `port ${port} free`).to.equal(true);
}

/** Whether a process whose command line holds `command` ran below the start (`seen`). */
export function ran(seen: Map<number, string>, command: string): boolean {
  return [...seen.values()].some((a) => a.includes(command));
}
