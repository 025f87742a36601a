/**
 * `npm start [-- --demo]` (`hardhat grantkit start`): the whole product locally, in one command: a
 * Hardhat node on 127.0.0.1, the deploy toolkit, optional demo data, and the Ponder indexer on
 * embedded PGlite. Prints the URLs; Ctrl-C stops everything.
 *
 * Ports: GRANTKIT_CHAIN_PORT (default 8545), GRANTKIT_API_PORT (default 42069).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { rmSync } from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { deployGrantKit } from "../scripts/lib/deploy.js";
import { ROOT } from "../scripts/lib/deployment.js";
import { seedDemo } from "../scripts/lib/demo.js";
import { GrantKitError } from "../scripts/lib/grants.js";

const chainPort = Number(process.env.GRANTKIT_CHAIN_PORT ?? 8545);
const apiPort = Number(process.env.GRANTKIT_API_PORT ?? 42069);
const rpcUrl = `http://127.0.0.1:${chainPort}`;
const children: ChildProcess[] = [];

function step(text: string): void {
  console.log(`\n==> ${text}`);
}

function start(
  name: string,
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): ChildProcess {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.push(child);
  const prefix = (line: string) => `[${name}] ${line}`;
  child.stdout?.on("data", (d: Buffer) => {
    for (const line of d.toString().split("\n"))
      if (line.trim() !== "" && !/eth_|^\s*$/.test(line)) console.log(prefix(line));
  });
  child.stderr?.on("data", (d: Buffer) => {
    for (const line of d.toString().split("\n"))
      if (line.trim() !== "") console.error(prefix(line));
  });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  return child;
}

let stopping = false;
async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping…");
  for (const child of children.reverse()) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // gone already
      }
    }
  }
  await new Promise((r) => setTimeout(r, 1500));
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
  }
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

async function waitFor(
  url: string,
  what: string,
  init?: RequestInit,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, init);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not come up at ${url}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export default async function startStack(
  args: { demo: boolean },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  step(`local chain: hardhat node on ${rpcUrl}`);
  start(
    "chain",
    "npx",
    ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(chainPort)],
    ROOT,
  );
  await waitFor(rpcUrl, "the chain", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
  });

  step("deploy toolkit: AccessGrants and IssuerRegistry");
  const connection = await hre.network.create({ network: "localhost", override: { url: rpcUrl } });
  const record = await deployGrantKit(connection, { log: (l) => console.log(`  ${l}`) });

  if (args.demo) {
    step("demo data (simulated months)");
    await seedDemo(connection.ethers, record, (l) => console.log(`  ${l}`));
  }

  step(`indexer: Ponder on embedded PGlite, http://127.0.0.1:${apiPort}`);
  const indexerDir = path.join(ROOT, "indexer");
  // A local chain is new at every start: so is the indexer's embedded database.
  rmSync(path.join(indexerDir, ".ponder"), { recursive: true, force: true });
  start(
    "indexer",
    "npx",
    ["ponder", "start", "-H", "127.0.0.1", "-p", String(apiPort), "--schema", "grantkit"],
    indexerDir,
    {
      PONDER_RPC_URL_31337: rpcUrl,
      PONDER_NETWORKS: "localhost",
      PONDER_POLLING_INTERVAL_MS: "250",
    },
  );
  await waitFor(`http://127.0.0.1:${apiPort}/ready`, "the indexer", undefined, 300_000);

  console.log(`
  GrantKit is up.
    chain (JSON-RPC)   ${rpcUrl}   chain id ${record.chainId}
    AccessGrants       ${record.contracts.AccessGrants!.address}
    IssuerRegistry     ${record.contracts.IssuerRegistry!.address}
    dashboard          http://127.0.0.1:${apiPort}/
    REST API           http://127.0.0.1:${apiPort}/v1/grants   (OpenAPI: /v1/openapi.json)
    GraphQL            http://127.0.0.1:${apiPort}/graphql
    SQL over HTTP      http://127.0.0.1:${apiPort}/sql
    health / ready     http://127.0.0.1:${apiPort}/health   http://127.0.0.1:${apiPort}/v1/ready
  Ctrl-C stops everything.`);
}
