/**
 * The deploy path: used by `npm run deploy` and by every test fixture. Puts CreateX in place on a
 * development node, deploys through Hardhat Ignition's create2 strategy (journaled, resumable,
 * idempotent), and returns the deployment record.
 */
import { existsSync, renameSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import { deployConfig } from "../../deploy.config.js";
import {
  examplesModule,
  grantKitModule,
  partialGrantKitModule,
} from "../../ignition/modules/GrantKit.js";
import {
  CREATEX_ADDRESS,
  ensureCreateX,
  findCreation,
  gitCommit,
  predictAddress,
  ROOT,
  registryConstructorArgs,
  saltOf,
  writeDeployment,
  type ContractName,
  type ContractRecord,
  type DeploymentRecord,
} from "./deployment.js";
import { GrantKitError } from "./grants.js";

type Connection = NetworkConnection<"generic">;

export interface DeployOptions {
  /** Print the plan and send nothing. */
  dryRun?: boolean;
  /** Also deploy contracts/examples (KycVault). */
  examples?: boolean;
  /** Write deployments/<network>.json (default true). */
  write?: boolean;
  /** Override the network's configuration (tests). */
  config?: NetworkDeployConfig;
  log?: (line: string) => void;
}

export interface PlannedContract {
  name: ContractName;
  address: string;
  initCode: string;
  constructorArgs: string;
  deployed: boolean;
}

/** The configuration of a network, or an error that says where to add it. */
export function configFor(network: string): NetworkDeployConfig {
  const config = deployConfig[network];
  if (!config) {
    throw new GrantKitError(
      `no deploy configuration for network "${network}"`,
      `add an entry "${network}" to deploy.config.ts; known: ${Object.keys(deployConfig).join(", ")}`,
    );
  }
  return config;
}

/** What a deployment would create, with addresses predicted from the CreateX salt. */
export async function planDeployment(
  connection: Connection,
  config: NetworkDeployConfig,
): Promise<PlannedContract[]> {
  const { ethers } = connection;
  const salt = saltOf(config);
  const entries: [ContractName, readonly unknown[]][] = [
    ["AccessGrants", []],
    ["IssuerRegistry", registryConstructorArgs(config)],
  ];
  const planned: PlannedContract[] = [];
  for (const [name, args] of entries) {
    const factory = await ethers.getContractFactory(name);
    const tx = await factory.getDeployTransaction(...args);
    const initCode = tx.data;
    const address = predictAddress(salt, initCode);
    planned.push({
      name,
      address,
      initCode,
      constructorArgs: "0x" + initCode.slice(factory.bytecode.length),
      deployed: (await ethers.provider.getCode(address)) !== "0x",
    });
  }
  return planned;
}

/**
 * Deploys (or finds) AccessGrants and IssuerRegistry on the connection's chain, returns the record,
 * and writes it unless told not to.
 *
 * @example
 * const connection = await network.create();
 * const record = await deployGrantKit(connection, { write: false });
 */
export async function deployGrantKit(
  connection: Connection,
  options: DeployOptions = {},
): Promise<DeploymentRecord> {
  const log = options.log ?? (() => {});
  const { ethers, networkName } = connection;
  const config = options.config ?? configFor(networkName);
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  const salt = saltOf(config);

  if (options.dryRun) {
    const present = (await ethers.provider.getCode(CREATEX_ADDRESS)) !== "0x";
    log(
      `CreateX ${CREATEX_ADDRESS}: ${present ? "present" : "missing (a development node gets it installed)"}`,
    );
  } else {
    const createX = await ensureCreateX(ethers.provider);
    if (createX === "installed") log(`installed CreateX at ${CREATEX_ADDRESS}`);
  }

  const plan = await planDeployment(connection, config);
  for (const p of plan) {
    log(`${p.name.padEnd(15)} ${p.address}  ${p.deployed ? "already deployed" : "to deploy"}`);
  }
  if (options.dryRun) {
    return buildRecordFromPlan(networkName, chainId, salt, plan, {});
  }

  const deploymentId = await journalId("grantkit", connection, plan);
  const missing = plan.filter((p) => !p.deployed);
  if (missing.length === 0) {
    log("nothing new to deploy");
  } else {
    const deploy = () =>
      connection.ignition.deploy(grantKitModule(config), {
        strategy: "create2",
        strategyConfig: { salt },
        deploymentId,
        displayUi: false,
      });
    try {
      await deploy();
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
      await connection.ignition.deploy(partialGrantKitModule(config, remaining), {
        strategy: "create2",
        strategyConfig: { salt },
        deploymentId,
        displayUi: false,
      });
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

  const found: Partial<Record<ContractName, ContractRecord>> = {};
  for (const p of plan)
    found[p.name] = await contractRecord(connection, p.address, p.constructorArgs);

  if (options.examples) {
    const grants = found.AccessGrants!.address;
    const registry = found.IssuerRegistry!.address;
    const { kycVault } = await connection.ignition.deploy(
      examplesModule(grants, registry, config.admin),
      {
        strategy: "create2",
        strategyConfig: { salt },
        deploymentId: await journalId("grantkit-examples", connection),
        displayUi: false,
      },
    );
    const args = AbiCoder.defaultAbiCoder().encode(
      ["address", "address", "address"],
      [grants, registry, config.admin],
    );
    found.KycVault = await contractRecord(connection, await kycVault.getAddress(), args);
    log(`KycVault        ${found.KycVault.address}`);
  }

  const record: DeploymentRecord = {
    ...buildRecordFromPlan(networkName, chainId, salt, plan, found),
    compiler: await compilerInfo(),
    contracts: found,
  };
  if (options.write !== false) log(`wrote ${writeDeployment(record)}`);
  return record;
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

async function contractRecord(
  connection: Connection,
  address: string,
  constructorArgs: string,
): Promise<ContractRecord> {
  const provider = connection.ethers.provider;
  const creation = await findCreation(provider, address);
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
  };
}

function buildRecordFromPlan(
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
