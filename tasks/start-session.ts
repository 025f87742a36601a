/**
 * The life of one `npm start` (tasks/start.ts) or `npm run start:scale` (tasks/start-scale.ts): its
 * child process groups, the step it is at, the children's output (printed with their names, the last
 * lines kept for an error message), the banner, and the stop: on any failure, a supervised child's exit, Ctrl-C, SIGTERM, SIGHUP or the end of the process
 * that launched it, every group is stopped, the ports are waited for, and the failure (a
 * `StartError`: what failed and what to do) is printed last.
 */
import path from "node:path";

import { GrantKitError } from "../sdk/src/errors/base.js";
import { localChainNote } from "../scripts/lib/indexer-process.js";
import {
  groupAlive,
  ProcessGroups,
  waitPortsFree,
  type ManagedChild,
} from "../scripts/lib/processes.js";

/**
 * A failed step: what failed, what to do (`hint`, as every error of the project's base), and the
 * child that failed (if any), for its last lines.
 */
export class StartError extends GrantKitError {
  constructor(
    readonly step: string,
    message: string,
    hint: string,
    readonly child?: ManagedChild,
  ) {
    super(message, { hint, name: "StartError" });
  }
}

export const groups = new ProcessGroups();
/** Ports of servers we started: after a stop, they must be free again. */
export const ourPorts: number[] = [];
/** What start is doing, for the error line ("npm start failed while <step>"). */
export const progress = { step: "checking the ports" };
let stopping: Promise<never> | undefined;
/**
 * What differs between the commands that share this session (set before anything starts): the
 * command's name in the error line, the hint when nothing more precise is known, and what the stop
 * does before and after it stops the children (start:scale: its servers before the chain they read,
 * then PostgreSQL).
 */
export const session = {
  command: "npm start",
  hint: "see the lines above; npm start -- --verbose shows every line of the chain's output",
  alsoStopping: "",
  beforeStop: async (): Promise<void> => {},
  afterStop: async (): Promise<void> => {},
};
/** The last lines printed of each child's output (as shown: filtered, decoded, no colours). */
const shown = new Map<string, string[]>();

export const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The notes already printed under a child's line (scripts/lib/indexer-process.ts). */
const noted = new Set<string>();

/**
 * Prints a line of a child's output with its name, and keeps it for an error message. A warning
 * of Ponder's that is expected on the local chain gets a note saying why, once.
 */
export function show(name: string, line: string): void {
  const plain = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
  if (plain.trim() === "") return;
  console.log(`[${name}] ${line}`);
  const note = localChainNote(plain);
  if (note !== undefined && !noted.has(note)) {
    noted.add(note);
    console.log(`    note: ${note}`);
  }
  const lines = shown.get(name) ?? [];
  lines.push(plain);
  if (lines.length > 15) lines.shift();
  shown.set(name, lines);
}

/** True once the stop has begun. */
export const isStopping = () => stopping !== undefined;

export function heading(n: number, total: number, text: string): void {
  console.log(`\n==> [${n}/${total}] ${text}`);
}

/**
 * Stops every child group, waits for our ports, prints the failure (if any) last, and exits. Runs
 * once; later calls get the same promise.
 */
export function shutdown(code: number, failure?: StartError): Promise<never> {
  stopping ??= (async () => {
    const running = groups.children.filter((c) => groupAlive(c.pgid)).map((c) => c.name);
    if (running.length > 0) console.log(`\nstopping ${running.join(", ")}${session.alsoStopping}…`);
    await session.beforeStop();
    const killed = await groups.stopAll();
    await session.afterStop();
    const taken = await waitPortsFree(ourPorts, 3_000);
    if (running.length > 0) {
      const how = killed.length > 0 ? ` (${killed.join(", ")} needed SIGKILL)` : "";
      console.log(
        taken.length === 0
          ? `stopped everything${how}; ports ${ourPorts.join(", ")} are free`
          : `stopped everything${how}; port ${taken.join(", ")} still busy (TIME_WAIT or another program)`,
      );
    }
    if (failure) {
      // The child's lines were interleaved with others': its last ones again, next to the error.
      const tail = failure.child ? (shown.get(failure.child.name) ?? []) : [];
      if (tail.length > 0) {
        console.error(`\nlast lines of the ${failure.child!.name}'s output:`);
        for (const line of tail) console.error(`  ${line}`);
      }
      console.error(
        `\nerror: ${session.command} failed while ${failure.step}: ${failure.shortMessage}`,
      );
      console.error(`hint: ${failure.hint}`);
    }
    process.exit(code);
  })();
  return stopping;
}

export function failure(error: unknown): StartError {
  if (error instanceof StartError) return error;
  // The project's error base (the toolkit's and the SDK's refusals): its message and its hint.
  if (error instanceof GrantKitError)
    return new StartError(progress.step, error.shortMessage, error.hint);
  const text = error instanceof Error ? error.message : String(error);
  const hints: [RegExp, string][] = [
    [
      /HHE1000|Artifact for contract/i,
      "the build is incomplete: run npm run build, then npm start",
    ],
    [
      /ECONNREFUSED|socket hang up|fetch failed/i,
      "the chain stopped answering: see the [chain] lines above",
    ],
  ];
  // Otherwise, how to run the failing step alone.
  const alone: Record<string, string> = {
    deploying:
      "see the lines above; npx hardhat node, then npm run deploy -- --network localhost, deploys alone",
    "seeding the demo data":
      "see the lines above (npm start -- --verbose shows every call); npm start without --demo comes up without demo data",
  };
  const hint = hints.find(([re]) => re.test(text))?.[1] ?? alone[progress.step] ?? session.hint;
  return new StartError(progress.step, text.split("\n")[0] ?? text, hint);
}

export function installSignalHandlers(): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      // A second Ctrl-C while stopping: stop waiting.
      if (stopping) {
        groups.killAllNow();
        process.exit(1);
      }
      console.log(`\n${signal === "SIGINT" ? "Ctrl-C" : signal}: stopping`);
      void shutdown(0);
    });
  }
  // `kill <pid of npm>` ends npm and its shell without passing the signal on: when whoever started
  // us is gone (we were handed to another parent), stop as for SIGTERM.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !stopping) {
      console.log(`\nour parent process (pid ${parent}: npm or its shell) is gone: stopping`);
      void shutdown(0);
    }
  }, 500).unref();
  // A last resort whatever ends the process: no child group outlives it.
  process.on("exit", () => groups.killAllNow());
  process.on("uncaughtException", (error) => void shutdown(1, failure(error)));
  process.on("unhandledRejection", (error) => void shutdown(1, failure(error)));
}

/** A path relative to the working directory when it is inside it. */
export function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") ? file : relative;
}

/** One line of the banner: a label and a URL (probed by npm run test:start), or a plain value. */
export interface BannerLine {
  label: string;
  value: string;
  note?: string;
}

/** The banner once everything is up: `title`, then the lines, labels aligned. */
export function printBanner(title: string, lines: BannerLine[]): void {
  const width = Math.max(...lines.map((l) => l.label.length));
  console.log(`\n  ${title}`);
  for (const l of lines) {
    console.log(`    ${l.label.padEnd(width)}  ${l.value}${l.note ? `   ${l.note}` : ""}`);
  }
  console.log("  Ctrl-C stops everything.");
}

/** The children that must keep running (supervise). */
export const supervised = new Set<ManagedChild>();
/** How long a failed step waits for a supervised child's exit to be seen first. */
export const CHILD_EXIT_GRACE_MS = 1_000;

/**
 * Stops everything for a failed step. A step that failed because a child it talks to died (the
 * deploy's call to a killed chain) is that child's failure: its exit gets a moment to be seen first,
 * so the error names it, not a socket.
 */
export async function stopOnFailure(error: unknown): Promise<never> {
  await Promise.race<unknown>([
    ...[...supervised].map((c) => c.exited),
    sleep(CHILD_EXIT_GRACE_MS),
  ]);
  return shutdown(1, failure(error));
}

/** A child that must keep running: its exit stops everything, with its last lines. */
export function supervise(child: ManagedChild, hint: string): void {
  supervised.add(child);
  void child.exited.then((code) => {
    if (stopping) return;
    const how = typeof code === "number" ? `exit code ${code}` : `killed by ${code}`;
    // The error it printed last, if any, says why (e.g. a setting or a record it refused).
    const said = (shown.get(child.name) ?? [])
      .map((l) => /\b(?:[A-Z]\w*)?Error: (.+)$/.exec(l)?.[1])
      .filter((m) => m !== undefined)
      .at(-1);
    const message = `the ${child.name} stopped (${how})${said ? `: ${said}` : ""}`;
    void shutdown(1, new StartError(progress.step, message, hint, child));
  });
}
