/**
 * The steps of `npm start` (tasks/start.ts) but the deploy and the demo data: the port checks, the
 * build when it is missing or stale, the Hardhat node, and the Ponder indexer on embedded PGlite
 * (a new database at every start, as the chain is). Each child runs supervised (./start-session.ts):
 * its exit stops everything.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";

import type { InterfaceAbi } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { buildFreshness, stampBuild } from "../scripts/lib/build-freshness.js";
import {
  revertDecoder,
  type ChainOutput,
  type RevertDecoder,
} from "../scripts/lib/chain-output.js";
import { ROOT } from "../scripts/lib/deployment.js";
import { indexerCacheBytes, ponderStartArgs } from "../scripts/lib/indexer-process.js";
import { portFree } from "../scripts/lib/processes.js";
import {
  groups,
  heading,
  ourPorts,
  progress,
  seconds,
  show,
  sleep,
  StartError,
  supervise,
} from "./start-session.js";

const INDEXER_DIR = path.join(ROOT, "indexer");
const BIN = (name: string) => path.join(ROOT, "node_modules", ".bin", name);
const UP_TIMEOUT_MS = 300_000;

export function readPort(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new StartError(
      progress.step,
      `${variable}="${raw}" is not a TCP port`,
      `set ${variable} to a number from 1024 to 65535, or unset it for ${fallback}`,
    );
  }
  return port;
}

export async function checkPorts(chainPort: number, apiPort: number): Promise<void> {
  if (chainPort === apiPort) {
    throw new StartError(
      progress.step,
      `GRANTKIT_CHAIN_PORT and GRANTKIT_API_PORT are both ${chainPort}`,
      "give the chain and the API different ports",
    );
  }
  for (const [port, variable, what] of [
    [chainPort, "GRANTKIT_CHAIN_PORT", "the chain's JSON-RPC"],
    [apiPort, "GRANTKIT_API_PORT", "the indexer's API"],
  ] as const) {
    if (!(await portFree(port))) {
      throw new StartError(
        progress.step,
        `port ${port} (${what}) is already in use on 127.0.0.1`,
        `stop what listens on ${port} (another npm start?), or pick a free port: ${variable}=<port> npm start`,
      );
    }
  }
}

export async function build(n: number, total: number): Promise<void> {
  const state = buildFreshness(ROOT);
  if (state.fresh) {
    heading(n, total, "build: up to date (artifacts and indexer ABIs newer than their sources)");
    return;
  }
  heading(n, total, `build: ${state.reason}; running npm run build`);
  console.log(
    "    compiles the contracts (via-IR: about a minute the first time) and the indexer's ABIs",
  );
  const since = performance.now();
  const child = groups.spawn("build", "npm", ["run", "--silent", "build"], {
    cwd: ROOT,
    onLine: (line) => show("build", line),
  });
  const ticker = setInterval(() => console.log(`    still building (${seconds(since)})`), 15_000);
  const code = await child.exited.finally(() => clearInterval(ticker));
  if (code !== 0) {
    // Its output is just above: no need to repeat it.
    throw new StartError(
      "building",
      `npm run build failed (exit code ${code})`,
      "fix what the [build] lines above say, then npm start again (npm run build builds alone)",
    );
  }
  stampBuild(ROOT, state.reason);
  const after = buildFreshness(ROOT);
  if (!after.fresh) {
    throw new StartError(
      "building",
      `the build finished but is still not usable: ${after.reason}`,
      "run npx hardhat clean && npm run build, then npm start",
    );
  }
  console.log(`    built in ${seconds(since)}`);
}

export async function rpc(url: string, method: string): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status}`);
  return ((await res.json()) as { result?: unknown }).result;
}

export async function startChain(
  n: number,
  total: number,
  port: number,
  output: ChainOutput,
): Promise<string> {
  const url = `http://127.0.0.1:${port}`;
  heading(n, total, `chain: hardhat node on ${url}`);
  const since = performance.now();
  const child = groups.spawn(
    "chain",
    process.execPath,
    [BIN("hardhat"), "node", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: ROOT,
      onLine: (line) => {
        for (const text of output.line(line)) show("chain", text);
      },
    },
  );
  ourPorts.push(port);
  supervise(
    child,
    `see the [chain] lines above; npx hardhat node --port ${port} runs the node alone`,
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      if (Date.now() > deadline) {
        throw new StartError(
          progress.step,
          `the chain did not answer on ${url} within 60 s`,
          "see the [chain] lines above",
        );
      }
      await sleep(200);
    }
  }
  console.log(`    up in ${seconds(since)}`);
  return url;
}

export async function loadDecoder(hre: HardhatRuntimeEnvironment): Promise<RevertDecoder> {
  const abis: InterfaceAbi[] = [];
  for (const name of ["AccessGrants", "IssuerRegistry", "KycVault"]) {
    try {
      abis.push((await hre.artifacts.readArtifact(name)).abi as InterfaceAbi);
    } catch {
      // not built (KycVault is an example): its errors stay undecoded
    }
  }
  return revertDecoder(abis);
}

/** Clears the embedded database of an earlier run (a local chain is new at every start). */
function clearIndexerDatabase(): string | undefined {
  const custom = process.env.PONDER_PGLITE_DIR;
  if (custom === undefined || custom === "") {
    rmSync(path.join(INDEXER_DIR, ".ponder"), { recursive: true, force: true });
    return undefined;
  }
  // Only ever a database folder (or an empty one): never whatever else the variable points at.
  if (existsSync(custom)) {
    const entries = readdirSync(custom);
    if (entries.length > 0 && !entries.includes("PG_VERSION")) {
      throw new StartError(
        progress.step,
        `PONDER_PGLITE_DIR=${custom} is not an embedded database folder`,
        "point PONDER_PGLITE_DIR at an empty or PGlite folder, or unset it",
      );
    }
    rmSync(custom, { recursive: true, force: true });
  }
  return custom;
}

interface IndexerStatus {
  [chain: string]: { id: number; block: { number: number } | null };
}

export async function startIndexer(
  n: number,
  total: number,
  port: number,
  rpcUrl: string,
): Promise<string> {
  const base = `http://127.0.0.1:${port}`;
  heading(n, total, `indexer: Ponder on embedded PGlite, ${base}`);
  const since = performance.now();
  const pglite = clearIndexerDatabase();
  const child = groups.spawn("indexer", process.execPath, ponderStartArgs(port, "grantkit"), {
    cwd: INDEXER_DIR,
    env: {
      PONDER_RPC_URL_31337: rpcUrl,
      PONDER_NETWORKS: "localhost",
      PONDER_POLLING_INTERVAL_MS: "250",
      PONDER_CACHE_BYTES: indexerCacheBytes("pglite"),
      ...(pglite ? { PONDER_PGLITE_DIR: pglite } : {}),
    },
    onLine: (line) => show("indexer", line),
  });
  ourPorts.push(port);
  supervise(
    child,
    "see the [indexer] lines above; cd indexer && npx ponder start runs the indexer alone",
  );
  // Progress: the block Ponder has indexed (its /status, answered on loopback) against the head.
  let lastIndexed = -1;
  let lastLine = Date.now();
  const deadline = Date.now() + UP_TIMEOUT_MS;
  for (;;) {
    try {
      const ready = await fetch(`${base}/v1/ready`, { signal: AbortSignal.timeout(5_000) });
      if (ready.ok) break;
    } catch {
      // not listening yet
    }
    try {
      const status = (await (
        await fetch(`${base}/status`, { signal: AbortSignal.timeout(2_000) })
      ).json()) as IndexerStatus;
      const indexed = Object.values(status)[0]?.block?.number;
      const head = Number(await rpc(rpcUrl, "eth_blockNumber"));
      if (indexed !== undefined && indexed !== lastIndexed && Date.now() - lastLine > 2_000) {
        console.log(`    indexed block ${indexed} of ${head} (${seconds(since)})`);
        lastIndexed = indexed;
        lastLine = Date.now();
      }
    } catch {
      // no status yet (or not public): the elapsed-time line below is the progress
      if (Date.now() - lastLine > 10_000) {
        console.log(`    Ponder is starting (${seconds(since)})`);
        lastLine = Date.now();
      }
    }
    if (Date.now() > deadline) {
      throw new StartError(
        progress.step,
        `the indexer was not caught up after ${UP_TIMEOUT_MS / 1000} s (${base}/v1/ready)`,
        "see the [indexer] lines above; GET /v1/ready says how far behind it is",
        child,
      );
    }
    await sleep(500);
  }
  console.log(`    caught up with the chain in ${seconds(since)}`);
  return base;
}
