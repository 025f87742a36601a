/**
 * The deploy path: used by `npm run deploy`, `npm start` and every test fixture. Compiles the
 * production build profile (and refuses any other bytecode), puts CreateX in place on a development
 * node, deploys through Hardhat Ignition's create2 strategy (journaled, resumable, idempotent), and
 * returns the deployment record. Its parts: the plan and preflight (./deploy-plan.ts), the Ignition
 * steps (./deploy-ignition.ts) and the record's entries (./deploy-record.ts).
 */
import hre from "hardhat";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import { deployConfig } from "../../deploy.config.js";
import { presetOf } from "../../networks.config.js";
import { productionBuild, type ProductionArtifact } from "./build.js";
import { deployExamples, deployMissing, type IgnitionRun } from "./deploy-ignition.js";
import { planDeployment, preflight, type Connection } from "./deploy-plan.js";
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
  isDevelopmentNode,
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
  log?: (line: string) => void;
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
  if (write) {
    try {
      assertRecordChain(networkName, chainId);
    } catch (error) {
      if (!options.dryRun || !(error instanceof GrantKitError)) throw error;
      problems.push(errorLine(error));
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
    );

  if (options.examples) {
    found.KycVault = await deployExamples(
      connection,
      config,
      found,
      run,
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
