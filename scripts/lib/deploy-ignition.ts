/**
 * The deploy path's Hardhat Ignition steps (for ./deploy.ts): the create2 deploys of the missing
 * contracts and of the examples, under a journal id of the chain instance, and the recovery when
 * Ignition cannot resume its journal (set it aside; the chain is the truth).
 */
import { existsSync, renameSync } from "node:fs";
import path from "node:path";

import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import {
  examplesModule,
  grantKitModule,
  partialGrantKitModule,
} from "../../ignition/modules/GrantKit.js";
import type { Connection, PlannedContract } from "./deploy-plan.js";
import { contractRecord } from "./deploy-record.js";
import {
  ROOT,
  registryConstructorArgs,
  type ContractName,
  type ContractRecord,
} from "./deployment.js";
import { GrantKitError } from "./errors.js";

/** What every Ignition deploy of one run shares: the salt, and the confirmations to wait for. */
export interface IgnitionRun {
  salt: string;
  ignitionConfig: { config?: { requiredConfirmations: number } };
}

/** Ignition's options for a create2 deploy of `run` under the journal `deploymentId`. */
function create2(run: IgnitionRun, deploymentId: string) {
  return {
    strategy: "create2" as const,
    strategyConfig: { salt: run.salt },
    deploymentId,
    displayUi: false,
    ...run.ignitionConfig,
  };
}

/**
 * Deploys the contracts of `plan` that `missing` lists through CreateX, and checks that each of
 * them has code at its predicted address afterwards.
 */
export async function deployMissing(
  connection: Connection,
  config: NetworkDeployConfig,
  plan: PlannedContract[],
  missing: PlannedContract[],
  run: IgnitionRun,
  log: (line: string) => void,
): Promise<void> {
  const deploymentId = await journalId("grantkit", connection, plan);
  const args = registryConstructorArgs(config);
  // A journal of this plan is resumed with its own module (Ignition skips what it finished and
  // waits for what it sent). A new one gets only what is missing: a contract already at its address
  // (the other one's configuration or build changed, or someone replayed its deployment) would make
  // CreateX's creation revert.
  const module =
    missing.length === plan.length || existsSync(journalDir(deploymentId))
      ? grantKitModule(args)
      : partialGrantKitModule(
          args,
          missing.map((p) => p.name),
        );
  try {
    await connection.ignition.deploy(module, create2(run, deploymentId));
  } catch (error) {
    // A kill -9 can stop Ignition between two journal writes, or after it journaled a transaction it
    // never sent; it then refuses to resume (HHE10000 "invariant was violated", HHE10410 "use
    // track-tx"). The chain is the truth: set the journal aside and deploy what is still missing.
    if (!/HHE10000|HHE10410|invariant/i.test(String(error))) throw error;
    const stale = setJournalAside(deploymentId);
    log(`Ignition could not resume its journal; set it aside (${path.relative(ROOT, stale)})`);
  }
  if (!(await allHaveCode(connection, plan))) {
    // Either the journal was set aside above, or it claims contracts this chain does not have (it
    // belongs to another instance of a development chain with the same genesis, e.g. two nodes
    // started in the same second): deploy what is missing under a fresh journal.
    if (existsSync(journalDir(deploymentId))) {
      const stale = setJournalAside(deploymentId);
      log(`set aside a journal of another chain instance (${path.relative(ROOT, stale)})`);
    }
    const remaining = [];
    for (const p of plan)
      if ((await connection.ethers.provider.getCode(p.address)) === "0x") remaining.push(p.name);
    await connection.ignition.deploy(
      partialGrantKitModule(args, remaining),
      create2(run, deploymentId),
    );
  }
  for (const p of plan) {
    if ((await connection.ethers.provider.getCode(p.address)) === "0x") {
      throw new GrantKitError(
        `${p.name} is not at its predicted address ${p.address} after the deployment`,
        `move ignition/deployments/${deploymentId} away and deploy again`,
      );
    }
  }
  log(`deployed ${missing.map((p) => p.name).join(", ")}`);
}

/** Deploys contracts/examples (KycVault) next to the deployed contracts; returns its entry. */
export async function deployExamples(
  connection: Connection,
  config: NetworkDeployConfig,
  found: Partial<Record<ContractName, ContractRecord>>,
  run: IgnitionRun,
  buildInfoId: string | undefined,
  known?: ContractRecord,
): Promise<ContractRecord> {
  const grants = found.AccessGrants!.address;
  const registry = found.IssuerRegistry!.address;
  const { kycVault } = await connection.ignition.deploy(
    examplesModule(grants, registry, config.admin),
    create2(run, await journalId("grantkit-examples", connection)),
  );
  const args = AbiCoder.defaultAbiCoder().encode(
    ["address", "address", "address"],
    [grants, registry, config.admin],
  );
  return contractRecord(connection, await kycVault.getAddress(), args, buildInfoId, known);
}

/**
 * The Ignition deployment id (its journal folder under ignition/deployments/): network, chain id and
 * the first bytes of the genesis block hash, so a restarted development node, which is a new chain
 * with the same chain id, never resumes a journal of the old one.
 */
async function journalId(
  prefix: string,
  connection: Connection,
  plan?: PlannedContract[],
): Promise<string> {
  const provider = connection.ethers.provider;
  const chainId = (await provider.getNetwork()).chainId;
  const genesis = await provider.getBlock(0);
  // What is deployed is part of the id too: a new salt, configuration or bytecode is a new
  // deployment with a journal of its own, never a conflicting edit of the old one.
  const what = plan
    ? "-" + keccak256(toUtf8Bytes(plan.map((p) => p.address).join(","))).slice(2, 10)
    : "";
  return `${prefix}-${connection.networkName}-${chainId}-${(genesis?.hash ?? "0x").slice(2, 10)}${what}`;
}

async function allHaveCode(connection: Connection, plan: PlannedContract[]): Promise<boolean> {
  for (const p of plan)
    if ((await connection.ethers.provider.getCode(p.address)) === "0x") return false;
  return true;
}

function journalDir(deploymentId: string): string {
  return path.join(ROOT, "ignition", "deployments", deploymentId);
}

function setJournalAside(deploymentId: string): string {
  const dir = journalDir(deploymentId);
  const stale = `${dir}.stale-${Date.now()}`;
  if (existsSync(dir)) renameSync(dir, stale);
  return stale;
}
