/**
 * The deploy path: used by `npm run deploy` and by every test fixture. Puts CreateX in place on a
 * development node, deploys through Hardhat Ignition's create2 strategy (journaled, resumable,
 * idempotent), and returns the deployment record.
 */
import { readFile } from "node:fs/promises";

import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { AbiCoder, keccak256 } from "ethers";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import { deployConfig } from "../../deploy.config.js";
import { examplesModule, grantKitModule } from "../../ignition/modules/GrantKit.js";
import {
  CREATEX_ADDRESS,
  ensureCreateX,
  findCreation,
  gitCommit,
  predictAddress,
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
      `add an entry "${network}" to deploy.config.ts (known: ${Object.keys(deployConfig).join(", ")})`,
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

  const deploymentId = await journalId("grantkit", connection);
  const missing = plan.filter((p) => !p.deployed);
  if (missing.length === 0) {
    log("nothing new to deploy");
  } else {
    const result = await connection.ignition.deploy(grantKitModule(config), {
      strategy: "create2",
      strategyConfig: { salt },
      deploymentId,
      displayUi: false,
    });
    for (const p of plan) {
      const deployed = await (
        p.name === "AccessGrants" ? result.accessGrants : result.issuerRegistry
      ).getAddress();
      if (deployed.toLowerCase() !== p.address.toLowerCase()) {
        throw new Error(`${p.name} landed at ${deployed}, not at the predicted ${p.address}`);
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
async function journalId(prefix: string, connection: Connection): Promise<string> {
  const provider = connection.ethers.provider;
  const chainId = (await provider.getNetwork()).chainId;
  const genesis = await provider.getBlock(0);
  return `${prefix}-${connection.networkName}-${chainId}-${(genesis?.hash ?? "0x").slice(2, 10)}`;
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
  if (!creation) throw new Error(`no CreateX creation log for ${address}`);
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
