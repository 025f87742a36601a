/**
 * The deployment record's parts (for ./deploy.ts): each contract's entry from the chain (its CreateX
 * creation, its code's hash), the compiler's settings, the verifications an earlier record of the
 * same code keeps, and the record of a plan (a dry run's, or the frame of a deployment's).
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

import hre from "hardhat";
import { getAddress, keccak256 } from "ethers";

import type { Connection, PlannedContract } from "./deploy-plan.js";
import {
  CREATEX_ADDRESS,
  CREATEX_CREATION_TOPIC,
  findCreation,
  gitCommit,
  recordPath,
  type ContractName,
  type ContractRecord,
  type DeploymentRecord,
} from "./deployment.js";
import { GrantKitError } from "./errors.js";

/** The record's contracts, with the verifications of an earlier record of the same code kept. */
export function keepVerifications(
  network: string,
  chainId: number,
  found: Partial<Record<ContractName, ContractRecord>>,
): Partial<Record<ContractName, ContractRecord>> {
  const file = recordPath(network);
  if (!existsSync(file)) return found;
  let old: DeploymentRecord;
  try {
    old = JSON.parse(readFileSync(file, "utf8")) as DeploymentRecord;
  } catch {
    return found;
  }
  if (old.chainId !== chainId) return found;
  const contracts: Partial<Record<ContractName, ContractRecord>> = {};
  for (const [name, c] of Object.entries(found) as [ContractName, ContractRecord][]) {
    const before = old.contracts[name];
    const same =
      before?.verified !== undefined &&
      before.address === c.address &&
      before.bytecodeHash === c.bytecodeHash;
    contracts[name] = same ? { ...c, verified: before.verified } : c;
  }
  return contracts;
}

/** The compiler version and settings the artifacts were built with. */
export async function compilerInfo(): Promise<DeploymentRecord["compiler"]> {
  const id = await hre.artifacts.getBuildInfoId("AccessGrants");
  const file = id === undefined ? undefined : await hre.artifacts.getBuildInfoPath(id);
  if (file === undefined)
    throw new GrantKitError("no build info for AccessGrants", "run: npm run build");
  const info = JSON.parse(await readFile(file, "utf8")) as {
    solcLongVersion: string;
    input: { settings: { evmVersion?: string; optimizer?: { runs?: number }; viaIR?: boolean } };
  };
  const { settings } = info.input;
  return {
    version: info.solcLongVersion,
    evmVersion: settings.evmVersion ?? "",
    optimizerRuns: settings.optimizer?.runs ?? 0,
    viaIR: settings.viaIR === true,
  };
}

/**
 * The creation that `known` (the previous record's entry) names, confirmed by its receipt: a CreateX
 * `ContractCreation` log of `address`. Null when it names none, or another: the chain decides.
 */
async function knownCreation(
  connection: Connection,
  address: string,
  known: ContractRecord | undefined,
): Promise<{ txHash: string; blockNumber: number; deployer: string } | null> {
  if (!known?.txHash || known.address.toLowerCase() !== address.toLowerCase()) return null;
  const receipt = await connection.ethers.provider.getTransactionReceipt(known.txHash);
  const created = receipt?.logs.some(
    (log) =>
      log.address.toLowerCase() === CREATEX_ADDRESS.toLowerCase() &&
      log.topics[0] === CREATEX_CREATION_TOPIC &&
      log.topics[1] !== undefined &&
      getAddress("0x" + log.topics[1].slice(26)) === getAddress(address),
  );
  return receipt && created
    ? { txHash: receipt.hash, blockNumber: receipt.blockNumber, deployer: receipt.from }
    : null;
}

export async function contractRecord(
  connection: Connection,
  address: string,
  constructorArgs: string,
  buildInfoId: string | undefined,
  known?: ContractRecord,
): Promise<ContractRecord> {
  const provider = connection.ethers.provider;
  // A contract the record already names is confirmed by one receipt; only a new one is searched for.
  const creation =
    (await knownCreation(connection, address, known)) ?? (await findCreation(provider, address));
  if (!creation) {
    throw new GrantKitError(
      `no CreateX creation log for ${address} on this chain`,
      "deploy again: the contract is not there",
    );
  }
  return {
    address,
    txHash: creation.txHash,
    blockNumber: creation.blockNumber,
    deployer: creation.deployer,
    bytecodeHash: keccak256(await provider.getCode(address)),
    constructorArgs,
    ...(buildInfoId === undefined ? {} : { buildInfoId }),
  };
}

export function buildRecordFromPlan(
  network: string,
  chainId: number,
  salt: string,
  plan: PlannedContract[],
  contracts: Partial<Record<ContractName, ContractRecord>>,
): DeploymentRecord {
  return {
    format: 1,
    network,
    chainId,
    createX: CREATEX_ADDRESS,
    salt,
    compiler: { version: "", evmVersion: "", optimizerRuns: 0, viaIR: false },
    gitCommit: gitCommit(),
    contracts:
      Object.keys(contracts).length > 0
        ? contracts
        : Object.fromEntries(
            plan.map((p) => [
              p.name,
              {
                address: p.address,
                txHash: "",
                blockNumber: 0,
                deployer: "",
                bytecodeHash: "",
                constructorArgs: p.constructorArgs,
              },
            ]),
          ),
  };
}
