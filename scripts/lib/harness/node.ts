/**
 * End-to-end helpers: a real JSON-RPC node (`hardhat node`) on a free loopback port, and the
 * project's CLI run as a child process against it, with deployment records in a temporary folder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { JsonRpcProvider, type JsonRpcApiProviderOptions } from "ethers";

import { ROOT } from "../deployment.js";
import { freePort, killGroup, waitFor } from "../processes.js";

/** A free TCP port on 127.0.0.1. */
export { freePort } from "../processes.js";

export interface LocalNode {
  url: string;
  provider: JsonRpcProvider;
  stop(): Promise<void>;
}

/** Starts `hardhat node` (optionally with an edr-simulated network's config, e.g. "otherchain"). */
export async function startNode(network?: string): Promise<LocalNode> {
  const port = await freePort();
  const args = ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)];
  if (network) args.push("--network", network);
  return startRpcNode("hardhat node", args, port, { polling: true, pollingInterval: 50 });
}

/**
 * Starts `npx <args>`, a JSON-RPC node that listens on `port`, in a process group of its own, and
 * resolves once it answers `eth_chainId`; `stop()` kills the group.
 */
export async function startRpcNode(
  name: string,
  args: string[],
  port: number,
  providerOptions: JsonRpcApiProviderOptions = {},
): Promise<LocalNode> {
  const child = spawn("npx", args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitRpcUp(url, child, () => output, 60_000, name);
  } catch (error) {
    killGroup(child);
    throw error;
  }
  const provider = new JsonRpcProvider(url, undefined, {
    staticNetwork: true,
    ...providerOptions,
  });
  return {
    url,
    provider,
    async stop() {
      provider.destroy();
      killGroup(child);
      await new Promise((r) => setTimeout(r, 100));
    },
  };
}

/**
 * Resolves once the JSON-RPC node at `url` answers `eth_chainId`; throws with `output()` (what the
 * process printed) when `child` exits first or after `timeoutMs`.
 */
export async function waitRpcUp(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 60_000,
  name = "the node",
): Promise<void> {
  await waitFor(
    `${name} on ${url}`,
    timeoutMs,
    async () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${name} exited before it answered on ${url}:\n${output()}`);
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
          signal: AbortSignal.timeout(5_000),
        });
        return res.ok;
      } catch {
        return false; // not up yet
      }
    },
    output,
    200,
  );
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a CLI run as a user has it: without CI, under which Hardhat always prints
 * stack traces (the tests check that a user's errors come without one).
 */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.CI;
  return env;
}

/** A temporary folder for deployment records, so end-to-end runs never touch deployments/. */
export function tempRecordsDir(): string {
  return mkdtempSync(path.join(tmpdir(), "grantkit-records-"));
}

/**
 * Runs `npx hardhat <args>` against `url` (as the `localhost` network) with records in `recordsDir`.
 * Resolves with the exit code and output; `onSpawn` gets the child (e.g. to kill it half-way).
 */
export function runHardhat(
  args: string[],
  env: { url?: string; recordsDir: string },
  onSpawn?: (child: ChildProcess) => void,
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn("npx", ["hardhat", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      env: cliEnv({
        ...(env.url ? { LOCALHOST_RPC_URL: env.url } : {}),
        GRANTKIT_DEPLOYMENTS_DIR: env.recordsDir,
        FORCE_COLOR: "0",
      }),
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    onSpawn?.(child);
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal ? 137 : 1), stdout, stderr }),
    );
  });
}

/** Kills a process started by `runHardhat` and its children at once (kill -9). */
export function kill9(child: ChildProcess): void {
  killGroup(child);
}
