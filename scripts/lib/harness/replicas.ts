/**
 * Read replicas of the indexer (issue 14): N `ponder serve` processes, each the HTTP server with our
 * API and no indexing, on free loopback ports, against the PostgreSQL URL and schema that one
 * `ponder start` writes into. Each runs in a process group of its own; `kill9(i)` ends one, `stop()`
 * all. Used by test/e2e/replicas.ts; `npm run start:scale` (tasks/start-scale.ts) takes the same
 * environment from `replicaEnv`.
 *
 * `ponder serve` refuses to start before the schema exists: start the indexer first and wait until
 * it answers.
 */
import { spawn } from "node:child_process";
import path from "node:path";

import { ROOT } from "../deployment.js";
import { ponderServeArgs } from "../indexer-process.js";
import { freePort, killGroup, stopGroup, waitFor } from "../processes.js";
import { fetchAnswer, type PonderProcess, type ReadyBody } from "./ponder.js";

const INDEXER_DIR = path.join(ROOT, "indexer");

export interface ServeOptions {
  /** The node's JSON-RPC URL: a replica reads the chain head for /v1/ready and derived statuses. */
  rpcUrl: string;
  /** The folder of deployment records (GRANTKIT_DEPLOYMENTS_DIR): the same config as the indexer's. */
  recordsDir: string;
  /** The record's network name (PONDER_NETWORKS), as the indexer was given it. */
  network: string;
  /** The PostgreSQL the indexer writes into (DATABASE_URL). */
  databaseUrl: string;
  /** The schema the indexer writes into. */
  schema: string;
  /** Variables on top of these (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** How many lines of output to keep per replica (default 500). */
  keepLines?: number;
}

/**
 * The environment of a replica: the indexer's configuration (the same records, networks and RPC, so
 * that Ponder builds the same app and reads the same schema) on top of `base`.
 */
export function replicaEnv(
  options: Omit<ServeOptions, "schema" | "keepLines">,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    PONDER_RPC_URL_31337: options.rpcUrl,
    PONDER_NETWORKS: options.network,
    GRANTKIT_DEPLOYMENTS_DIR: options.recordsDir,
    DATABASE_URL: options.databaseUrl,
  };
  // --schema names the schema; a DATABASE_SCHEMA of the caller's would only confuse the reader.
  delete env.DATABASE_SCHEMA;
  for (const [name, value] of Object.entries(options.env ?? {}))
    if (value === undefined) delete env[name];
    else env[name] = value;
  return env;
}

/**
 * Starts one `ponder serve` in indexer/ on a free loopback port, in a process group of its own, with
 * no rate limit (the tests send many requests from one client) and no colours. Resolves at once
 * (see `waitAnswers` and `waitCaughtUp`).
 */
export async function startServe(options: ServeOptions): Promise<PonderProcess> {
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const env = replicaEnv(options, {
    ...process.env,
    API_RATE_LIMIT: "0",
    FORCE_COLOR: "0",
    NO_COLOR: "1",
  });
  const child = spawn(process.execPath, ponderServeArgs(port, options.schema, env), {
    cwd: INDEXER_DIR,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const keepLines = options.keepLines ?? 500;
  const lines: string[] = [];
  const keep = (d: Buffer) => {
    for (const line of d.toString().split("\n")) if (line.trim() !== "") lines.push(line);
    if (lines.length > keepLines) lines.splice(0, lines.length - keepLines);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const logTail = (n = 40) => lines.slice(-n).join("\n");
  const get = <T>(pathAndQuery: string, timeoutMs?: number) =>
    fetchAnswer<T>(`${api}${pathAndQuery}`, undefined, timeoutMs);
  const exitedFirst = () => {
    if (!alive()) throw new Error(`the replica on ${api} exited:\n${logTail()}`);
  };
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
      const answer = await fetchAnswer<{ data?: T; errors?: unknown[] }>(
        `${api}/graphql`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, variables }),
        },
        timeoutMs,
      );
      if (answer.status !== 200 || !answer.body?.data || answer.body.errors)
        throw new Error(`GraphQL answered ${answer.status}: ${answer.text.slice(0, 2_000)}`);
      return answer.body.data;
    },
    async waitAnswers(pathAndQuery: string, timeoutMs: number, everyMs = 250) {
      await waitFor(
        `the replica on ${api} to answer ${pathAndQuery} 200`,
        timeoutMs,
        async () => {
          exitedFirst();
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
        `the replica on ${api} to report the indexed head at the chain's head`,
        timeoutMs,
        async () => {
          exitedFirst();
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
              const seconds = Math.round((performance.now() - start) / 100) / 10;
              return { head: h, indexed: chains[0]!.indexed!, seconds };
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
      await waitFor(`the killed replica on ${api} to exit`, 10_000, async () => !alive());
    },
    async stop(graceMs = 5_000) {
      await stopGroup(child, graceMs);
    },
  };
}

/** N replicas of one indexer's schema. */
export interface ReplicaSet {
  replicas: PonderProcess[];
  /** Their base URLs, in order. */
  urls: string[];
  /** Waits until every replica still running answers GET `pathAndQuery` 200. */
  waitAnswers(pathAndQuery: string, timeoutMs: number): Promise<void>;
  /** kill -9 of replica `i`'s process group; waits for its exit. */
  kill9(i: number): Promise<void>;
  /** Stops every replica (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/**
 * Starts `count` replicas at once (each builds the app on start-up: about as long as one alone on
 * an idle machine). Resolves at once; if one cannot be spawned, those started are stopped.
 */
export async function startReplicas(count: number, options: ServeOptions): Promise<ReplicaSet> {
  const replicas: PonderProcess[] = [];
  const stop = async () => {
    await Promise.all(replicas.map((r) => r.stop()));
  };
  try {
    for (let i = 0; i < count; i++) replicas.push(await startServe(options));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    replicas,
    urls: replicas.map((r) => r.api),
    async waitAnswers(pathAndQuery, timeoutMs) {
      await Promise.all(
        replicas.filter((r) => r.alive()).map((r) => r.waitAnswers(pathAndQuery, timeoutMs)),
      );
    },
    async kill9(i) {
      const replica = replicas[i];
      if (!replica) throw new Error(`no replica ${i} (there are ${replicas.length})`);
      await replica.kill9();
    },
    stop,
  };
}
