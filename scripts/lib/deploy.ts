/**
 * The deploy path: used by `npm run deploy`, `npm start` and every test fixture. Compiles the
 * production build profile (and refuses any other bytecode), puts CreateX in place on a development
 * node, deploys through Hardhat Ignition's create2 strategy (journaled, resumable, idempotent), and
 * returns the deployment record.
 */
import { existsSync, readFileSync, renameSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { AbiCoder, Interface, formatEther, formatUnits, keccak256, toUtf8Bytes } from "ethers";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import { deployConfig } from "../../deploy.config.js";
import {
  examplesModule,
  grantKitModule,
  partialGrantKitModule,
} from "../../ignition/modules/GrantKit.js";
import { presetOf } from "../../networks.config.js";
import { productionBuild, type ProductionArtifact } from "./build.js";
import {
  CREATEX_ADDRESS,
  assertRecordChain,
  ensureCreateX,
  findCreation,
  gitCommit,
  isDevelopmentNode,
  predictAddress,
  ROOT,
  recordPath,
  registryConstructorArgs,
  saltOf,
  writeDeployment,
  type ContractName,
  type ContractRecord,
  type DeploymentRecord,
} from "./deployment.js";
import { GrantKitError } from "./errors.js";

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
  /**
   * Which bytecode to deploy. "production" (the default): compile the production build profile and
   * deploy only artifacts equal to that compile. "as-built": the artifacts as this process's build
   * left them (test fixtures, coverage runs); accepted on development nodes only.
   */
  artifacts?: "production" | "as-built";
  log?: (line: string) => void;
}

export interface PlannedContract {
  name: ContractName;
  address: string;
  initCode: string;
  constructorArgs: string;
  deployed: boolean;
}

const createXInterface = new Interface([
  "function deployCreate2(bytes32 salt, bytes initCode) payable returns (address)",
]);

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

/**
 * Refuses a network whose node is not the chain its preset names (networks.config.ts): a wrong RPC
 * URL must never put a deployment, or its record, on another chain.
 */
export function assertPresetChain(network: string, chainId: number): void {
  const preset = presetOf(network);
  if (preset === undefined || preset.chainId === chainId) return;
  throw new GrantKitError(
    `network "${network}" is ${preset.name} (chain ${preset.chainId}), but its RPC URL answers as chain ${chainId}; nothing was sent`,
    `point ${preset.env}_RPC_URL at a ${preset.name} node: npx hardhat keystore set ${preset.env}_RPC_URL --force`,
  );
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
 * const record = await deployGrantKit(connection, { write: false, artifacts: "as-built" });
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
  const preset = presetOf(networkName);
  const write = options.write !== false;
  const development = await isDevelopmentNode(ethers.provider);

  assertPresetChain(networkName, chainId);
  // Dry runs report a record of another chain with the other problems, at the end.
  const problems: string[] = [];
  if (write) {
    try {
      assertRecordChain(networkName, chainId);
    } catch (error) {
      if (!options.dryRun || !(error instanceof GrantKitError)) throw error;
      problems.push(error.message);
    }
  }

  const names: ContractName[] = ["AccessGrants", "IssuerRegistry"];
  if (options.examples) names.push("KycVault");
  let built: Record<string, ProductionArtifact> = {};
  if (options.artifacts === "as-built") {
    if (!development) {
      throw new GrantKitError(
        `artifacts "as-built" deploy only to a development node, and "${networkName}" is not one`,
        `deploy the production build: npm run deploy -- --network ${networkName}`,
      );
    }
  } else {
    built = await productionBuild(hre, names, log);
  }

  const createXPresent = (await ethers.provider.getCode(CREATEX_ADDRESS)) !== "0x";
  if (options.dryRun) {
    log(
      `CreateX ${CREATEX_ADDRESS}: ${
        createXPresent
          ? "present"
          : development
            ? "missing (this development node gets it installed)"
            : "MISSING on this chain"
      }`,
    );
    if (!createXPresent && !development) {
      problems.push(`CreateX is not deployed on chain ${chainId}`);
    }
  } else {
    const createX = await ensureCreateX(ethers.provider);
    if (createX === "installed") log(`installed CreateX at ${CREATEX_ADDRESS}`);
  }

  const plan = await planDeployment(connection, config);
  for (const p of plan) {
    log(`${p.name.padEnd(15)} ${p.address}  ${p.deployed ? "already deployed" : "to deploy"}`);
    if (options.dryRun) {
      log(
        `  constructor arguments: ${p.constructorArgs === "0x" ? "none" : `${p.constructorArgs} (${(p.constructorArgs.length - 2) / 2} bytes)`}`,
      );
    }
  }
  const missing = plan.filter((p) => !p.deployed);
  const funds = await preflight(
    connection,
    config,
    salt,
    missing,
    createXPresent || !options.dryRun,
  );
  for (const line of funds.lines) log(line);
  if (funds.problem) problems.push(funds.problem);

  if (options.dryRun) {
    if (problems.length > 0) {
      throw new GrantKitError(
        `a deploy would be refused: ${problems.join("; ")}`,
        `fix the above, then run: npm run deploy -- --network ${networkName} --dry-run`,
      );
    }
    log(
      missing.length === 0
        ? "ready: nothing new to deploy"
        : `ready: npm run deploy -- --network ${networkName} deploys ${missing.map((p) => p.name).join(", ")}`,
    );
    return buildRecordFromPlan(networkName, chainId, salt, plan, {});
  }
  if (funds.problem) {
    throw new GrantKitError(
      funds.problem,
      `fund the deployer, then run: npm run deploy -- --network ${networkName}`,
    );
  }

  // On a public chain, Ignition waits for the preset's confirmations; a development node mines
  // each transaction at once and Ignition's own default (1) applies.
  const ignitionConfig =
    preset && !development ? { config: { requiredConfirmations: preset.confirmations } } : {};
  const deploymentId = await journalId("grantkit", connection, plan);
  if (missing.length === 0) {
    log("nothing new to deploy");
  } else {
    const deploy = () =>
      connection.ignition.deploy(grantKitModule(registryConstructorArgs(config)), {
        strategy: "create2",
        strategyConfig: { salt },
        deploymentId,
        displayUi: false,
        ...ignitionConfig,
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
      await connection.ignition.deploy(
        partialGrantKitModule(registryConstructorArgs(config), remaining),
        {
          strategy: "create2",
          strategyConfig: { salt },
          deploymentId,
          displayUi: false,
          ...ignitionConfig,
        },
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

  const found: Partial<Record<ContractName, ContractRecord>> = {};
  for (const p of plan)
    found[p.name] = await contractRecord(
      connection,
      p.address,
      p.constructorArgs,
      built[p.name]?.buildInfoId,
    );

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
        ...ignitionConfig,
      },
    );
    const args = AbiCoder.defaultAbiCoder().encode(
      ["address", "address", "address"],
      [grants, registry, config.admin],
    );
    found.KycVault = await contractRecord(
      connection,
      await kycVault.getAddress(),
      args,
      built.KycVault?.buildInfoId,
    );
    log(`KycVault        ${found.KycVault.address}`);
  }

  const record: DeploymentRecord = {
    ...buildRecordFromPlan(networkName, chainId, salt, plan, found),
    compiler: await compilerInfo(),
    ...(preset ? { finalityBlocks: preset.finalityBlocks } : {}),
    contracts: keepVerifications(networkName, chainId, found),
  };
  if (write) log(`wrote ${writeDeployment(record)}`);
  return record;
}

/**
 * Gas, its price and the deployer's balance for the contracts still missing. Estimates the exact
 * CreateX calls when CreateX is there; without it (a dry run on a fresh development node), plain
 * creations, which cost a little less.
 */
async function preflight(
  connection: Connection,
  config: NetworkDeployConfig,
  salt: string,
  missing: PlannedContract[],
  throughCreateX: boolean,
): Promise<{ lines: string[]; problem?: string }> {
  const { ethers } = connection;
  const lines: string[] = [];
  const unit = presetOf(connection.networkName)?.currency ?? "ETH";
  const eth = (wei: bigint) => `${formatEther(wei)} ${unit}`;
  const [signer] = await ethers.getSigners();
  if (signer === undefined) {
    return { lines, problem: `network "${connection.networkName}" has no deployer account` };
  }
  const deployer = signer.address;
  const roles = [];
  if (deployer.toLowerCase() === config.admin.toLowerCase()) roles.push("admin");
  if (config.registrars.some((r) => r.toLowerCase() === deployer.toLowerCase()))
    roles.push("registrar");
  lines.push(
    `deployer ${deployer}: ${roles.length === 0 ? "no role" : roles.join(", ") + " (as configured)"}; roles come only from the configuration`,
  );
  const balance = await ethers.provider.getBalance(deployer);
  if (missing.length === 0) {
    lines.push(`balance ${eth(balance)} (nothing to pay for)`);
    return { lines };
  }
  let total = 0n;
  const parts = [];
  for (const p of missing) {
    const gas = await ethers.provider.estimateGas(
      throughCreateX
        ? {
            from: deployer,
            to: CREATEX_ADDRESS,
            data: createXInterface.encodeFunctionData("deployCreate2", [salt, p.initCode]),
          }
        : { from: deployer, data: p.initCode },
    );
    total += gas;
    parts.push(`${p.name} ${gas.toLocaleString("en-US")}`);
  }
  lines.push(
    `gas ${total.toLocaleString("en-US")} (${parts.join(", ")}${throughCreateX ? "" : "; plain creations, CreateX not yet there"})`,
  );
  const fee = await ethers.provider.getFeeData();
  const price = fee.gasPrice ?? fee.maxFeePerGas ?? 0n;
  const cap = fee.maxFeePerGas ?? price;
  const cost = total * price;
  const most = total * (cap > price ? cap : price);
  lines.push(
    `cost ${eth(cost)} at the current gas price of ${formatUnits(price, "gwei")} gwei` +
      (most > cost
        ? ` (at most ${eth(most)} at the fee cap of ${formatUnits(cap, "gwei")} gwei)`
        : ""),
  );
  const enough = balance >= most;
  lines.push(`balance ${eth(balance)}: ${enough ? "enough" : "NOT enough"}`);
  return enough
    ? { lines }
    : {
        lines,
        problem: `the deployer ${deployer} has ${eth(balance)}, the deploy needs up to ${eth(most)}`,
      };
}

/** The record's contracts, with the verifications of an earlier record of the same code kept. */
function keepVerifications(
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
  buildInfoId: string | undefined,
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
    ...(buildInfoId === undefined ? {} : { buildInfoId }),
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
