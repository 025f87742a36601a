/**
 * The deploy path: used by `npm run deploy`, `npm start` and every test fixture. Compiles the
 * production build profile (and refuses any other bytecode), puts CreateX in place on a development
 * node, deploys through Hardhat Ignition's create2 strategy (journaled, resumable, idempotent), and
 * returns the deployment record. Its parts: the plan and preflight (./deploy-plan.ts), the Ignition
 * steps (./deploy-ignition.ts) and the record's entries (./deploy-record.ts).
 */
import { existsSync } from "node:fs";

import hre from "hardhat";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import { deployConfig } from "../../deploy.config.js";
import { presetOf } from "../../networks.config.js";
import { productionBuild, type ProductionArtifact } from "./build.js";
import { deployExamples, deployMissing, type IgnitionRun } from "./deploy-ignition.js";
import { planDeployment, preflight, type Connection, type PlannedContract } from "./deploy-plan.js";
import {
  buildRecordFromPlan,
  compilerInfo,
  contractRecord,
  keepVerifications,
} from "./deploy-record.js";
import {
  CREATEX_ADDRESS,
  assertRecordChain,
  ensureCreateX,
  gitCommit,
  isDevelopmentNode,
  readDeployment,
  recordPath,
  saltOf,
  writeDeployment,
  type ContractName,
  type ContractRecord,
  type DeploymentRecord,
} from "./deployment.js";
import { GrantKitError, errorLine } from "./errors.js";

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
  /**
   * Deploy new instances where the record names contracts, live on this chain, at other addresses
   * than the configuration and build now give (and record them). Without it such a deploy is refused:
   * what the recorded contracts hold (issuers, types, grants) would not move to the new ones.
   */
  replace?: boolean;
  /** Deploy to a chain that is not a development node from a work tree with uncommitted changes. */
  allowDirty?: boolean;
  log?: (line: string) => void;
}

/** A contract of the record that a deploy would supersede: live at `recorded`, planned at `planned`. */
interface Superseded {
  name: ContractName;
  recorded: string;
  planned: string;
  /** The planned instance has code already (an earlier run deployed it and wrote no record). */
  deployed: boolean;
}

/**
 * The record's KycVault, kept by a deploy without `--examples` while the contracts it is bound to
 * stay and it has code; else left out, and said so.
 */
async function keptExample(
  connection: Connection,
  previous: DeploymentRecord | undefined,
  found: Partial<Record<ContractName, ContractRecord>>,
  log: (line: string) => void,
): Promise<ContractRecord | undefined> {
  const vault = previous?.contracts.KycVault;
  if (vault === undefined) return undefined;
  const same = (name: ContractName) =>
    previous!.contracts[name]?.address.toLowerCase() === found[name]?.address.toLowerCase();
  if (!same("AccessGrants") || !same("IssuerRegistry")) {
    log(`KycVault ${vault.address} left out of the record: the contracts it reads were replaced`);
    return undefined;
  }
  if ((await connection.ethers.provider.getCode(vault.address)) === "0x") {
    log(`KycVault ${vault.address} left out of the record: it has no code on this chain`);
    return undefined;
  }
  return vault;
}

/** Whether `found` are the contracts `previous` records, each from the same creation. */
function sameContracts(
  previous: DeploymentRecord,
  found: Partial<Record<ContractName, ContractRecord>>,
): boolean {
  const names = Object.keys(found) as ContractName[];
  return (
    names.length === Object.keys(previous.contracts).length &&
    names.every(
      (n) =>
        previous.contracts[n]?.address.toLowerCase() === found[n]!.address.toLowerCase() &&
        previous.contracts[n]?.txHash === found[n]!.txHash,
    )
  );
}

/** The record of `network` when it belongs to chain `chainId`, else undefined. */
function previousRecord(network: string, chainId: number): DeploymentRecord | undefined {
  if (!existsSync(recordPath(network))) return undefined;
  const record = readDeployment(network);
  return record.chainId === chainId ? record : undefined;
}

/**
 * The contracts of `previous` that have code on this chain at another address than `plan` gives
 * them. A recorded address without code is a record of an earlier instance of a development chain:
 * nothing lives there to be left behind.
 */
async function supersededContracts(
  connection: Connection,
  previous: DeploymentRecord | undefined,
  plan: PlannedContract[],
): Promise<Superseded[]> {
  const superseded: Superseded[] = [];
  for (const p of plan) {
    const recorded = previous?.contracts[p.name]?.address;
    if (recorded === undefined || recorded.toLowerCase() === p.address.toLowerCase()) continue;
    if ((await connection.ethers.provider.getCode(recorded)) === "0x") continue;
    superseded.push({ name: p.name, recorded, planned: p.address, deployed: p.deployed });
  }
  return superseded;
}

function supersededError(network: string, superseded: Superseded[]): GrantKitError {
  const which = superseded
    .map(
      (s) =>
        `${s.name} at ${s.recorded} (now ${s.planned}${s.deployed ? ", deployed already" : ""})`,
    )
    .join(", ");
  return new GrantKitError(
    `the record names ${which}, live on this chain, and the configuration and build now give another address: a deploy would make new, empty instances, and what the recorded ones hold (issuers, types, grants) would stay with them`,
    `change the deployed contracts with the operate commands (npx hardhat grantkit --help), or deploy new instances and record them: npm run deploy -- --network ${network} --replace`,
  );
}

/**
 * Why a deploy to a chain that is not a development node is refused from a work tree with
 * uncommitted changes (`commit` ends with "-dirty"): the record's commit must name the code that
 * was deployed. Undefined when it may go ahead.
 */
export function dirtyTreeProblem(
  commit: string,
  development: boolean,
  allowDirty: boolean,
): string | undefined {
  if (development || allowDirty || !commit.endsWith("-dirty")) return undefined;
  return `the work tree has uncommitted changes (${commit}): the record could not name the code it deployed`;
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
  let recordReadable = write;
  if (write) {
    try {
      assertRecordChain(networkName, chainId);
    } catch (error) {
      if (!options.dryRun || !(error instanceof GrantKitError)) throw error;
      problems.push(errorLine(error));
      recordReadable = false;
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
  const previous = recordReadable ? previousRecord(networkName, chainId) : undefined;
  const superseded = await supersededContracts(connection, previous, plan);
  if (superseded.length > 0 && !options.replace) {
    if (!options.dryRun) throw supersededError(networkName, superseded);
    problems.push(errorLine(supersededError(networkName, superseded)));
  }
  if (options.replace)
    for (const s of superseded)
      log(
        `${s.name} replaced: ${s.recorded} keeps what it holds; the record will name ${s.planned}`,
      );
  if (options.examples && options.dryRun)
    log("KycVault        deployed after the contracts above (its address follows theirs)");
  const missing = plan.filter((p) => !p.deployed);
  // Only a run that may deploy asks for committed code (the record must name it); the examples may
  // be deployed by this run too.
  const dirty =
    missing.length > 0 || options.examples
      ? dirtyTreeProblem(gitCommit(), development, options.allowDirty === true)
      : undefined;
  if (dirty !== undefined) {
    const fix = `commit the changes and deploy again, or pass --allow-dirty: npm run deploy -- --network ${networkName} --allow-dirty`;
    if (!options.dryRun) throw new GrantKitError(dirty, fix);
    problems.push(`${dirty} (${fix})`);
  }
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
  const run: IgnitionRun = {
    salt,
    ignitionConfig:
      preset && !development ? { config: { requiredConfirmations: preset.confirmations } } : {},
  };
  if (missing.length === 0) log("nothing new to deploy");
  else await deployMissing(connection, config, plan, missing, run, log);

  const found: Partial<Record<ContractName, ContractRecord>> = {};
  for (const p of plan)
    found[p.name] = await contractRecord(
      connection,
      p.address,
      p.constructorArgs,
      built[p.name]?.buildInfoId,
      previous?.contracts[p.name],
    );
  // Whether this run deploys nothing: no contract was missing, and the recorded KycVault (when
  // asked for) was there before it.
  const vault = previous?.contracts.KycVault;
  const nothingNew =
    missing.length === 0 &&
    (!options.examples ||
      (vault !== undefined && (await connection.ethers.provider.getCode(vault.address)) !== "0x"));

  if (options.examples) {
    found.KycVault = await deployExamples(
      connection,
      config,
      found,
      run,
      built.KycVault?.buildInfoId,
      previous?.contracts.KycVault,
    );
    log(`KycVault        ${found.KycVault.address}`);
  } else {
    const vault = await keptExample(connection, previous, found, log);
    if (vault) found.KycVault = vault;
  }

  const record: DeploymentRecord = {
    ...buildRecordFromPlan(networkName, chainId, salt, plan, found),
    // The commit the recorded contracts were deployed from: a run that deploys nothing keeps it.
    ...(previous && nothingNew && sameContracts(previous, found)
      ? { gitCommit: previous.gitCommit }
      : {}),
    compiler: await compilerInfo(),
    ...(preset ? { finalityBlocks: preset.finalityBlocks } : {}),
    contracts: keepVerifications(networkName, chainId, found),
  };
  if (write) log(`wrote ${writeDeployment(record)}`);
  return record;
}
