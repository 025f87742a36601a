/**
 * What every file of the deploy suite (test/e2e/deploy/) shares: the deploy command and its local
 * configuration, CreateX's interface, temporary records folders and tracked nodes (removed, with the
 * Ignition journals of those nodes, after each file), and small readers of a CLI run and a record.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Interface } from "ethers";

import { deployConfig } from "../../../deploy.config.js";
import { ROOT, type DeploymentRecord } from "../../../scripts/lib/deployment.js";
import {
  startNode,
  tempRecordsDir,
  type CliResult,
  type LocalNode,
} from "../../../scripts/lib/harness/node.js";

export const config = deployConfig.localhost!;
export const DEPLOY = ["grantkit", "deploy", "--network", "localhost"];
export const JOURNALS = path.join(ROOT, "ignition", "deployments");

export const createX = new Interface([
  "event ContractCreation(address indexed newContract, bytes32 indexed salt)",
  "function deployCreate2(bytes32 salt, bytes initCode) payable returns (address)",
]);
export const CONTRACT_CREATION = createX.getEvent("ContractCreation")!.topicHash;

// ------------------------------------------------------------------ bookkeeping

const recordDirs: string[] = [];
const journalIds = new Set<string>();

export function recordsDir(): string {
  const dir = tempRecordsDir();
  recordDirs.push(dir);
  return dir;
}

/**
 * Starts a node and remembers the Ignition journal folders a deploy to it would create. The journal
 * id holds the genesis hash, which for `hardhat node` depends only on the second the node started:
 * a node whose id is already taken (by another node of this run, or by someone else's run on this
 * checkout) would resume a foreign journal, so it is replaced by one started a second later.
 */
async function startTrackedNode(nodes: LocalNode[], network?: string): Promise<LocalNode> {
  for (let attempt = 1; ; attempt++) {
    const node = await startNode(network);
    nodes.push(node);
    const chainId = BigInt((await node.provider.send("eth_chainId", [])) as string);
    const genesis = (await node.provider.send("eth_getBlockByNumber", ["0x0", false])) as {
      hash: string;
    };
    const ids = ["grantkit", "grantkit-examples"].map(
      (prefix) => `${prefix}-localhost-${chainId}-${genesis.hash.slice(2, 10)}`,
    );
    const taken = ids.some((id) => journalIds.has(id) || existsSync(path.join(JOURNALS, id)));
    if (!taken || attempt === 3) {
      for (const id of ids) journalIds.add(id);
      return node;
    }
    nodes.splice(nodes.indexOf(node), 1);
    await node.stop();
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function stopAll(nodes: LocalNode[]): Promise<void> {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
}

/**
 * The nodes a block of tests starts (`start`: a tracked node, see startTrackedNode), all stopped
 * after the block, or after each test (`"each"`: a test that kills a deploy half-way starts afresh).
 */
export function trackedNodes(stop: "all" | "each" = "all"): {
  start(network?: string): Promise<LocalNode>;
} {
  const nodes: LocalNode[] = [];
  (stop === "each" ? afterEach : after)(() => stopAll(nodes));
  return { start: (network) => startTrackedNode(nodes, network) };
}

// ------------------------------------------------------------------ helpers

export function output(r: CliResult): string {
  return r.stdout + r.stderr;
}

export function expectSuccess(r: CliResult): void {
  expect(r.code, `exit code; output:\n${output(r)}`).to.equal(0);
}

export function readRecord(dir: string): DeploymentRecord {
  return JSON.parse(readFileSync(path.join(dir, "localhost.json"), "utf8")) as DeploymentRecord;
}

export function recordFiles(dir: string): string[] {
  return readdirSync(dir);
}

/** The addresses a dry run (or a deploy) prints for AccessGrants and IssuerRegistry. */
export function printedAddresses(stdout: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of stdout.matchAll(
    /^(AccessGrants|IssuerRegistry)\s+(0x[0-9a-fA-F]{40})\s+(to deploy|already deployed)$/gm,
  )) {
    found[m[1]!] = m[2]!;
  }
  return found;
}

export async function blockNumber(node: LocalNode): Promise<number> {
  return Number(await node.provider.send("eth_blockNumber", []));
}

/** Removes the records folders and the journals of the nodes the tests started (all named grantkit*-localhost-*). */
function removeRecordsAndJournals(): void {
  for (const dir of recordDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const id of journalIds) {
    if (!id.includes("-localhost-")) continue;
    rmSync(path.join(JOURNALS, id), { recursive: true, force: true });
  }
  journalIds.clear();
}

/**
 * A block of the suite, as each file of test/e2e/deploy/ opens it: inside the suite's outer block
 * (the same title, so every test keeps its full name; the timeout; the clean-up of what the file's
 * tests left), the file's own block `title`.
 */
export function describeDeploy(title: string, body: (this: Mocha.Suite) => void): void {
  describe("e2e: grantkit deploy", function () {
    this.timeout(300_000);
    after(removeRecordsAndJournals);
    describe(title, body);
  });
}
