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
import { ponderServeArgs } from "../indexer-process.js";
import { freePort } from "../processes.js";
import { spawnPonder, type PonderProcess } from "./ponder.js";

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
  const env = replicaEnv(options, {
    ...process.env,
    API_RATE_LIMIT: "0",
    FORCE_COLOR: "0",
    NO_COLOR: "1",
  });
  return spawnPonder("the replica", ponderServeArgs(port, options.schema, env), port, env, {
    keepLines: options.keepLines ?? 500,
  });
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
