/**
 * Child processes that never outlive their parent: each one runs in a process group of its own (so
 * a signal reaches the tool and whatever it starts), its output arrives line by line, and `stopAll`
 * ends every group (SIGTERM, then SIGKILL after a grace period). The one place that signals, kills
 * or stops a process group (`signalGroup`, `killGroup`, `stopGroup`), for the toolkit, the test
 * harness, the tests, the fault suites and the benchmarks alike. Also: waiting until something is up
 * (`waitFor`), whether a loopback port is free, and the process table (`ps`) to find what a process
 * started.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

export interface ManagedChild {
  name: string;
  process: ChildProcess;
  /** The process group id (the child's pid: it leads a group of its own). */
  pgid: number;
  /** Resolves with the exit code (or the signal's name) when the direct child exits. */
  exited: Promise<number | string>;
}

export interface SpawnOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Every line of output, stdout and stderr alike. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether any process of group `pgid` is still running (zombies, already dead, do not count). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // kill(2) succeeds for zombies too: ask ps for the state of the group's processes.
  try {
    const out = execFileSync("ps", ["-A", "-o", "pgid=,stat="], { encoding: "utf8" });
    return out
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .some(([g, stat]) => Number(g) === pgid && stat !== undefined && !stat.startsWith("Z"));
  } catch {
    return true;
  }
}

/** A set of child process groups, stopped together. */
export class ProcessGroups {
  readonly children: ManagedChild[] = [];

  /** Starts `command` in a new process group, with its output passed line by line to `onLine`. */
  spawn(name: string, command: string, args: string[], options: SpawnOptions): ManagedChild {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
    for (const stream of ["stdout", "stderr"] as const) {
      const lines = createInterface({ input: child[stream]!, crlfDelay: Infinity });
      lines.on("line", (line) => options.onLine?.(line, stream));
    }
    const exited = new Promise<number | string>((resolve) => {
      child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
      child.on("error", (error) => {
        options.onLine?.(String(error), "stderr");
        resolve(1);
      });
    });
    const managed: ManagedChild = { name, process: child, pgid: child.pid, exited };
    this.children.push(managed);
    return managed;
  }

  /**
   * Ends every group: SIGTERM, then SIGKILL for those still running after `graceMs`. Resolves when no
   * process of any group is left (or after a last short wait), with the names of the killed ones.
   */
  async stopAll(graceMs = 4_000): Promise<string[]> {
    const running = this.children.filter((c) => groupAlive(c.pgid));
    const killed = await Promise.all(running.map((c) => stopGroup(c.pgid, graceMs)));
    return running.filter((_, i) => killed[i]).map((c) => c.name);
  }

  /** SIGKILL to every group at once, synchronously: the last resort on process exit. */
  killAllNow(): void {
    for (const c of this.children) signalGroup(c.pgid, "SIGKILL");
  }
}

/**
 * Sends `signal` to the process group that `leader` leads (a child spawned with `detached: true`, or
 * its pid): the tool and everything it started. A group that is gone already is no error.
 */
export function signalGroup(leader: ChildProcess | number, signal: NodeJS.Signals): void {
  const pgid = typeof leader === "number" ? leader : leader.pid;
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone already
  }
}

/** kill -9 of the process group that `leader` leads, at once. */
export function killGroup(leader: ChildProcess | number): void {
  signalGroup(leader, "SIGKILL");
}

/**
 * Stops the process group that `leader` leads: SIGTERM, then SIGKILL if any of it still runs after
 * `graceMs`. Resolves when nothing of the group is left (or after a last short wait), with whether
 * it needed SIGKILL.
 */
export async function stopGroup(leader: ChildProcess | number, graceMs = 4_000): Promise<boolean> {
  const pgid = typeof leader === "number" ? leader : leader.pid;
  if (pgid === undefined) return false;
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (!groupAlive(pgid)) return false;
  signalGroup(pgid, "SIGKILL");
  const last = Date.now() + 2_000;
  while (groupAlive(pgid) && Date.now() < last) await sleep(50);
  return true;
}

/**
 * Polls `probe` every `everyMs` until it returns something truthy (resolved with it); throws after
 * `timeoutMs`, with `detail()` (e.g. the last lines a process printed) in the message. A probe that
 * throws ends the wait with its error (e.g. "the process exited").
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null | undefined | false>,
  detail: () => string = () => "",
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms: ${what}\n${detail()}`);
    await sleep(everyMs);
  }
}

/** Whether a TCP port on 127.0.0.1 can be listened on right now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** A TCP port on 127.0.0.1 that is free now (the system's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** Waits until every port is free; resolves with those still taken after `timeoutMs`. */
export async function waitPortsFree(ports: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const taken: number[] = [];
    for (const port of ports) if (!(await portFree(port))) taken.push(port);
    if (taken.length === 0 || Date.now() >= deadline) return taken;
    await sleep(100);
  }
}

/** A row of `ps`: pid, parent, state (Z: a zombie, dead already) and command line. */
export interface ProcessRow {
  pid: number;
  ppid: number;
  stat: string;
  args: string;
}

/** Every process of the machine (`ps`, so Linux and macOS alike). */
export function processTable(): ProcessRow[] {
  // -ww: whole command lines (without it, ps cuts them at 80 columns when not on a terminal).
  const out = execFileSync("ps", ["-A", "-ww", "-o", "pid=,ppid=,stat=,args="], {
    encoding: "utf8",
  });
  return out
    .split("\n")
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), stat: m[3]!, args: m[4]! }));
}

/** `root` and every process below it, running ones only (zombies are dead already). */
export function descendants(root: number, table = processTable()): ProcessRow[] {
  const found: ProcessRow[] = [];
  const queue = table.filter((r) => r.pid === root);
  while (queue.length > 0) {
    const row = queue.shift()!;
    if (!row.stat.startsWith("Z")) found.push(row);
    queue.push(...table.filter((r) => r.ppid === row.pid));
  }
  return found;
}

/** Which of `pids` are still running (zombies are not). */
export function alive(pids: number[]): number[] {
  const table = new Map(processTable().map((r) => [r.pid, r]));
  return pids.filter((pid) => {
    const row = table.get(pid);
    return row !== undefined && !row.stat.startsWith("Z");
  });
}

/** Resident memory of `root` and every process below it, in MiB (`ps`, Linux and macOS); 0 if gone. */
export function treeRss(root: number): number {
  try {
    const pids = new Set(descendants(root).map((r) => r.pid));
    const out = execFileSync("ps", ["-A", "-o", "pid=,rss="], { encoding: "utf8" });
    let kib = 0;
    for (const line of out.split("\n")) {
      const [pid, rss] = line.trim().split(/\s+/).map(Number);
      if (pid !== undefined && pids.has(pid)) kib += rss ?? 0;
    }
    return kib / 1024;
  } catch {
    return 0;
  }
}

/** USER_HZ: the unit of /proc's CPU times, 100 on every Linux build that matters here. */
const CLOCK_TICKS = 100;

/** CPU time (user + system) process `pid` has used, ms; null where /proc is not there. */
export function cpuMsOf(pid: number): number | null {
  try {
    // pid (comm) state ... : utime and stime are the 14th and 15th fields; the name may hold ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
