/**
 * The indexer's process for the end-to-end harness (./indexer.ts) and the fault suites: `ponder
 * start` as a detached child (the leader of a process group of its own, killable as a group) on a
 * free loopback port, its output kept, and helpers to GET JSON, POST GraphQL and wait until it
 * answers or has caught up with the node's head.
 */
import { spawn } from "node:child_process";
import path from "node:path";

import { ROOT } from "../deployment.js";
import { ponderStartArgs } from "../indexer-process.js";
import { killGroup, stopGroup, waitFor } from "../processes.js";
import { freePort } from "./node.js";

const INDEXER_DIR = path.join(ROOT, "indexer");

/** What an HTTP GET answered: status, content type, the parsed JSON body (null if not JSON) and the text. */
export interface HttpAnswer<T = unknown> {
  status: number;
  contentType: string;
  body: T;
  text: string;
}

export function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

/** Fetches `url` and reads the answer (the body parsed as JSON where it is JSON). */
export async function fetchAnswer<T>(
  url: string,
  init?: RequestInit,
  timeoutMs?: number,
): Promise<HttpAnswer<T>> {
  const res = await fetch(
    url,
    timeoutMs === undefined ? init : { ...init, signal: AbortSignal.timeout(timeoutMs) },
  );
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    body: jsonOrNull(text) as T,
    text,
  };
}

/** `text` parsed as JSON, or null where it is not JSON (an error page, an empty body). */
export function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** What /v1/ready answers. */
export interface ReadyBody {
  ready: boolean;
  reason?: string;
  chains?: { chainId: number; indexed: number | null; head: number | null }[];
}

export interface PonderOptions {
  /** The node's JSON-RPC URL (given four times: Ponder keeps a rate bucket per URL, 20 requests/s at first). */
  rpcUrl: string;
  /** The folder of deployment records the indexer reads (GRANTKIT_DEPLOYMENTS_DIR). */
  recordsDir: string;
  schema: string;
  /** Variables on top of the defaults (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** How many lines of output to keep (default 2,000). */
  keepLines?: number;
}

/** A running `ponder start` (the project's indexer), the leader of a process group of its own. */
export interface PonderProcess {
  /** Base URL of its HTTP server, e.g. http://127.0.0.1:41234. */
  api: string;
  port: number;
  /** The process id (the leader of its process group). */
  pid: number;
  /** The last lines it printed (up to `keepLines`). */
  lines: string[];
  /** True while the process runs. */
  alive(): boolean;
  logTail(lines?: number): string;
  /** The first kept line matching `re`, or null. */
  logged(re: RegExp): string | null;
  /** GET of a path on its HTTP server. */
  get<T = unknown>(pathAndQuery: string, timeoutMs?: number): Promise<HttpAnswer<T>>;
  /** A GraphQL query; throws unless it answers 200 with data and no errors. */
  graphql<T = unknown>(
    query: string,
    variables?: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<T>;
  /** Waits until GET `pathAndQuery` answers 200 (throws if the process exits first). */
  waitAnswers(pathAndQuery: string, timeoutMs: number, everyMs?: number): Promise<void>;
  /** Waits until /v1/ready says every chain is indexed exactly up to `head()`. */
  waitCaughtUp(
    head: () => Promise<number>,
    timeoutMs?: number,
  ): Promise<{ head: number; indexed: number; seconds: number }>;
  /** kill -9 of the whole process group (the Node process running Ponder); waits for the exit. */
  kill9(): Promise<void>;
  /** A clean stop (SIGTERM: Ponder unlocks its schema), kill -9 after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `ponder start` in indexer/ on a free loopback port, in a process group of its own, with
 * the node's URL, the records folder, polling every 100 ms, no rate limit and no colours; no
 * DATABASE_URL or DATABASE_SCHEMA of the caller's environment unless `options.env` sets them.
 * Resolves at once (see `waitAnswers` and `waitCaughtUp`). Ponder's own binary runs under this Node,
 * as `npm start` runs it, without an npm wrapper: the process group is the indexer alone, and its
 * memory is the indexer's.
 */
export async function startPonder(options: PonderOptions): Promise<PonderProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PONDER_RPC_URL_31337: Array(4).fill(options.rpcUrl).join(","),
    PONDER_POLLING_INTERVAL_MS: "100",
    GRANTKIT_DEPLOYMENTS_DIR: options.recordsDir,
    // The tests and fault cases send thousands of requests from one client: no rate limit.
    API_RATE_LIMIT: "0",
    FORCE_COLOR: "0",
    NO_COLOR: "1",
  };
  delete env.DATABASE_URL;
  delete env.DATABASE_SCHEMA;
  for (const [name, value] of Object.entries(options.env ?? {}))
    if (value === undefined) delete env[name];
    else env[name] = value;
  return spawnPonder("the indexer", ponderStartArgs(port, options.schema, env), port, env, {
    keepLines: options.keepLines ?? 2_000,
  });
}

/**
 * A Ponder process (`ponder start` or `ponder serve`: `argv` for Node, listening on `port`) in
 * indexer/, in a process group of its own, as a handle: its output's last `keepLines` lines, HTTP
 * and GraphQL readers, waits, kill -9 and a clean stop. `what` names it in errors ("the indexer");
 * `onLine` sees each line as it comes (a benchmark timing Ponder's phases).
 */
export function spawnPonder(
  what: string,
  argv: string[],
  port: number,
  env: NodeJS.ProcessEnv,
  { keepLines, onLine }: { keepLines: number; onLine?: (line: string) => void },
): PonderProcess {
  const api = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, argv, {
    cwd: INDEXER_DIR,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const lines: string[] = [];
  const keep = (d: Buffer) => {
    for (const line of d.toString().split("\n")) {
      if (line.trim() === "") continue;
      lines.push(line);
      onLine?.(line);
    }
    if (lines.length > keepLines) lines.splice(0, lines.length - keepLines);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const logTail = (n = 40) => lines.slice(-n).join("\n");
  /**
   * One read. A connection the server closed as the request went out (a kept-alive socket that timed
   * out at that moment: undici's "other side closed") is tried once more on a new one, as reads may
   * be; a server that is gone says so with its last lines.
   */
  const read = async <T>(url: string, init?: RequestInit, timeoutMs?: number) => {
    try {
      return await fetchAnswer<T>(url, init, timeoutMs);
    } catch (error) {
      if (!alive()) throw new Error(`${what} on ${api} exited:\n${logTail()}`, { cause: error });
      const code = ((error as Error).cause as { code?: string } | undefined)?.code;
      if (code !== "UND_ERR_SOCKET") throw error;
      return fetchAnswer<T>(url, init, timeoutMs);
    }
  };
  const get = <T>(pathAndQuery: string, timeoutMs?: number) =>
    read<T>(`${api}${pathAndQuery}`, undefined, timeoutMs);
  return {
    api,
    port,
    pid: child.pid!,
    lines,
    alive,
    logTail,
    logged: (re) => lines.find((l) => re.test(l)) ?? null,
    get,
    async graphql<T>(query: string, variables: Record<string, unknown> = {}, timeoutMs?: number) {
      const answer = await read<{ data?: T; errors?: unknown[] }>(
        `${api}/graphql`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, variables }),
        },
        timeoutMs,
      );
      if (answer.status !== 200 || !answer.body?.data || answer.body.errors) {
        throw new Error(`GraphQL answered ${answer.status}: ${answer.text.slice(0, 2_000)}`);
      }
      return answer.body.data;
    },
    async waitAnswers(pathAndQuery: string, timeoutMs: number, everyMs = 250) {
      await waitFor(
        `${what} on ${api} to answer ${pathAndQuery} 200`,
        timeoutMs,
        async () => {
          if (!alive()) throw new Error(`${what} on ${api} exited during start-up:\n${logTail()}`);
          try {
            return (await get(pathAndQuery, 10_000)).status === 200;
          } catch {
            return false; // not listening yet
          }
        },
        () => logTail(),
        everyMs,
      );
    },
    async waitCaughtUp(head: () => Promise<number>, timeoutMs = 60_000) {
      const start = performance.now();
      let last = "";
      return waitFor(
        `${what} on ${api} to catch up with the head`,
        timeoutMs,
        async () => {
          if (!alive()) throw new Error(`${what} on ${api} exited:\n${logTail()}`);
          const h = await head();
          try {
            const answer = await get<ReadyBody>("/v1/ready", 10_000);
            last = answer.text;
            const chains = answer.body?.chains ?? [];
            if (
              answer.status === 200 &&
              chains.length > 0 &&
              chains.every((c) => c.indexed !== null && c.indexed === c.head && c.head >= h)
            ) {
              return { head: h, indexed: chains[0]!.indexed!, seconds: seconds(start) };
            }
          } catch (error) {
            last = String(error);
          }
          return null;
        },
        () => `last /v1/ready: ${last}\n${logTail()}`,
      );
    },
    async kill9() {
      killGroup(child);
      await waitFor(`the killed ${what} on ${api} to exit`, 10_000, async () => !alive());
    },
    async stop(graceMs = 5_000) {
      await stopGroup(child, graceMs);
    },
  };
}
