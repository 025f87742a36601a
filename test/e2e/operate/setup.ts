/**
 * What every file of the operate suite (test/e2e/operate/) shares: Hardhat's development accounts,
 * the readers of a command's result, and `describeOperate`, which gives the file one `hardhat node`
 * and one deploy for all its tests (a records folder, a scratch folder, the contracts) and removes
 * them afterwards, with the Ignition journals of that node.
 *
 * The node, the record and the contracts are exported as `let` bindings that the hooks assign: ES
 * modules' live bindings let the tests read them as plain names, as when they lived in one closure.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Contract } from "ethers";

import { ROOT, type DeploymentRecord } from "../../../scripts/lib/deployment.js";
import {
  runHardhat,
  startNode,
  tempRecordsDir,
  type CliResult,
  type LocalNode,
} from "../../../scripts/lib/harness/node.js";

// Hardhat's well-known development accounts (public test keys): 0 admin, 1 registrar, 2 issuer.
export const ACCOUNT = [
  "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
] as const;

/** The single `error: ...` line of a refused command; asserts exit code 1 and nothing sent. */
export function refused(result: CliResult): string {
  const lines = result.stderr.split("\n").filter((l) => l.startsWith("error: "));
  expect(result.code, result.stdout + result.stderr).to.equal(1);
  expect(lines, result.stderr).to.have.length(1);
  expect(result.stdout).not.to.match(/tx 0x/);
  return lines[0]!;
}

/** The output of a command that succeeded (exit code 0). */
export function ok(result: CliResult): string {
  expect(result.code, result.stdout + result.stderr).to.equal(0);
  return result.stdout;
}

export let node: LocalNode;
export let recordsDir: string;
export let scratch: string;
export let record: DeploymentRecord;
export let grants: Contract;
export let registry: Contract;

/** Runs `npx hardhat --network <network> grantkit <args>` against the file's node and records. */
export const grantkit = (args: string[], dir = recordsDir, network = "localhost") =>
  runHardhat(["--network", network, "grantkit", ...args], { url: node.url, recordsDir: dir });

/**
 * `grantkit <command>` with its options named as in the code, in their order: `{ dataHash: h }`
 * passes `--data-hash h`.
 */
export const grantkitWith = (command: string, options: Record<string, string>) =>
  grantkit([
    command,
    ...Object.entries(options).flatMap(([name, value]) => [
      `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      value,
    ]),
  ]);

/** The issuer's status in IssuerRegistry (0 none, 1 active, 2 suspended, 3 removed). */
export const issuerStatus = async (issuer: string) =>
  Number(((await registry.getFunction("getIssuer")(issuer)) as [bigint])[0]);

async function startAndDeploy(): Promise<void> {
  node = await startNode();
  recordsDir = tempRecordsDir();
  scratch = tempRecordsDir();
  ok(
    await runHardhat(["grantkit", "deploy", "--network", "localhost"], {
      url: node.url,
      recordsDir,
    }),
  );
  record = JSON.parse(readFileSync(path.join(recordsDir, "localhost.json"), "utf8"));
  grants = new Contract(
    record.contracts.AccessGrants!.address,
    [
      "function isGranted(address,address,bytes32,bytes32) view returns (bool)",
      "function isNonceUsed(address,uint256) view returns (bool)",
    ],
    node.provider,
  );
  registry = new Contract(
    record.contracts.IssuerRegistry!.address,
    ["function getIssuer(address) view returns ((uint8,bytes2,uint40,uint40,uint104))"],
    node.provider,
  );
}

async function stopAndClean(): Promise<void> {
  // The deploy left Ignition journals named after this node's genesis block: remove them.
  const genesis = await node?.provider.getBlock(0);
  const journals = path.join(ROOT, "ignition", "deployments");
  if (genesis?.hash && existsSync(journals)) {
    const tag = `-localhost-31337-${genesis.hash.slice(2, 10)}`;
    for (const name of readdirSync(journals)) {
      if (name.startsWith("grantkit") && name.includes(tag)) {
        rmSync(path.join(journals, name), { recursive: true, force: true });
      }
    }
  }
  await node?.stop();
  for (const dir of [recordsDir, scratch]) if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * The suite's outer block, as each file of test/e2e/operate/ opens it: the same title (so every test
 * keeps its full name), its timeouts, and the file's node and deploy.
 */
export function describeOperate(body: (this: Mocha.Suite) => void): void {
  describe("grantkit operate commands (end to end, hardhat node)", function () {
    this.timeout(180_000);
    this.slow(10_000);
    before(startAndDeploy);
    after(stopAndClean);
    body.call(this);
  });
}
