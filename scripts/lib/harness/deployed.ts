/**
 * The set-up the PostgreSQL end-to-end suites share (test/e2e/replicas.ts, test/e2e/redeploy.ts): a
 * local node with GrantKit deployed (records in a temporary folder), a private PostgreSQL 17 in a
 * folder of its own, and grants sent in batches. Each step registers how to undo it in `cleanups`,
 * which the suite runs in reverse order.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { keccak256, toBeHex } from "ethers";
import { network } from "hardhat";

import type { DeploymentRecord } from "../deployment.js";
import { purposeHash } from "../grants.js";
import { deployToNode, genesisTag, removeJournals } from "./indexer.js";
import { startNode, tempRecordsDir, type LocalNode } from "./node.js";
import { startPostgres, stopPostgres } from "../postgres.js";

export type Cleanup = () => Promise<void> | void;

export interface DeployedNode {
  node: LocalNode;
  record: DeploymentRecord;
  recordsDir: string;
}

/** A node with GrantKit deployed to it; the record is written into a new temporary folder. */
export async function deployedNode(cleanups: Cleanup[]): Promise<DeployedNode> {
  const node = await startNode();
  cleanups.push(() => node.stop());
  const tag = await genesisTag(node);
  const recordsDir = tempRecordsDir();
  cleanups.push(() => rmSync(recordsDir, { recursive: true, force: true }));
  const record = await deployToNode(node.url, recordsDir);
  cleanups.push(() => removeJournals(record.chainId, tag));
  return { node, record, recordsDir };
}

/** A private PostgreSQL 17 server; resolves with its URL. */
export async function privatePostgres(cleanups: Cleanup[], label: string): Promise<string> {
  // Its own top-level temporary folder: as root it is handed to the `postgres` user.
  const pgDir = mkdtempSync(path.join(tmpdir(), `grantkit-${label}-pg-`));
  cleanups.push(() => rmSync(pgDir, { recursive: true, force: true }));
  cleanups.push(() => stopPostgres(pgDir));
  return startPostgres(pgDir);
}

/** Runs every cleanup, last first; one that throws does not stop the others. */
export async function runCleanups(cleanups: Cleanup[]): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      await c();
    } catch {
      // best effort: the rest must still run
    }
  }
}

/**
 * `count` grants from signer 5 to signer 6 on `record`'s AccessGrants, in one transaction, with data
 * hashes from `first` on and purposes alternating between aml-check and onboarding. Resolves with the
 * owner's and the grantee's addresses, lower case.
 */
export async function grantBatch(
  nodeUrl: string,
  record: DeploymentRecord,
  first: number,
  count: number,
): Promise<{ owner: string; grantee: string }> {
  const c = await network.create({ network: "localhost", override: { url: nodeUrl } });
  try {
    const signers = await c.ethers.getSigners();
    const [owner, grantee] = [signers[5]!, signers[6]!];
    const grants = await c.ethers.getContractAt(
      "AccessGrants",
      record.contracts.AccessGrants!.address,
    );
    const params = Array.from({ length: count }, (_, i) => ({
      grantee: grantee.address,
      dataHash: keccak256(toBeHex(first + i, 32)),
      purpose: purposeHash(i % 2 ? "onboarding" : "aml-check"),
      lockedUntil: 0n,
      expiresAt: 0n,
    }));
    await (await grants.connect(owner).grantBatch(params)).wait();
    return { owner: owner.address.toLowerCase(), grantee: grantee.address.toLowerCase() };
  } finally {
    await c.close();
  }
}
