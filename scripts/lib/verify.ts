/**
 * Source verification of a deployment record on the explorers deployers use, through Hardhat's own
 * plugin (hardhat-verify): Etherscan's v2 multichain API, the chain's Blockscout, Sourcify. Sends
 * each contract's production standard-JSON input and the constructor arguments the record holds, and
 * notes in the record what was verified where.
 */
import { verifyContract } from "@nomicfoundation/hardhat-verify/verify";
import { AbiCoder, Interface } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import { assertPresetChain } from "./deploy.js";
import { productionBuild } from "./build.js";
import {
  readDeploymentFor,
  writeDeployment,
  type ContractName,
  type ContractRecord,
  type DeploymentRecord,
  type Explorer,
} from "./deployment.js";
import { GrantKitError } from "./errors.js";

export const EXPLORERS: readonly Explorer[] = ["etherscan", "blockscout", "sourcify"];

export interface VerifyOptions {
  /** The explorers to verify on; default: every one the chain has (Etherscan only with a key). */
  explorers?: Explorer[];
  log?: (line: string) => void;
}

export interface VerifyResult {
  record: DeploymentRecord;
  /** One line per contract and explorer that failed. */
  failures: string[];
}

/** Parses `--explorer etherscan,sourcify`; empty means "every explorer the chain has". */
export function parseExplorers(value: string): Explorer[] | undefined {
  if (value.trim() === "") return undefined;
  const names = value.split(",").map((s) => s.trim().toLowerCase());
  for (const name of names) {
    if (!(EXPLORERS as readonly string[]).includes(name)) {
      throw new GrantKitError(
        `unknown explorer "${name}"`,
        `use one or more of ${EXPLORERS.join(", ")}, e.g. --explorer etherscan,sourcify`,
      );
    }
  }
  return names as Explorer[];
}

/** The ABI-encoded constructor arguments of a record, decoded as hardhat-verify takes them. */
export function decodeConstructorArgs(abi: Interface, encoded: string): unknown[] {
  if (abi.deploy.inputs.length === 0) return [];
  const decoded = AbiCoder.defaultAbiCoder().decode(abi.deploy.inputs, encoded).toArray(true);
  // hardhat-verify encodes with ethers v5, which takes big numbers as decimal strings.
  const plain = (v: unknown): unknown =>
    typeof v === "bigint" ? v.toString() : Array.isArray(v) ? v.map(plain) : v;
  return decoded.map(plain);
}

/**
 * Verifies every contract of the network's record and writes the record with a `verified` entry per
 * explorer that confirmed it.
 *
 * @example
 * const connection = await hre.network.create();
 * const { failures } = await verifyDeployment(hre, connection, { explorers: ["sourcify"] });
 */
export async function verifyDeployment(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection<"generic">,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const log = options.log ?? (() => {});
  const { ethers, networkName } = connection;
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  assertPresetChain(networkName, chainId);
  const record = await readDeploymentFor(networkName, ethers.provider);
  const names = Object.keys(record.contracts) as ContractName[];

  // Explorers recompile the sources: they must be the ones deployed, so the production build of
  // today's sources has to be the build the record names.
  const built = await productionBuild(hre, names, log);
  for (const name of names) {
    const c = record.contracts[name]!;
    if ((await ethers.provider.getCode(c.address)) === "0x") {
      throw new GrantKitError(
        `${name} has no code at ${c.address} on chain ${chainId}`,
        `deploy first: npm run deploy -- --network ${networkName}`,
      );
    }
    if (c.buildInfoId !== undefined && c.buildInfoId !== built[name]!.buildInfoId) {
      throw new GrantKitError(
        `${name} was deployed from build ${c.buildInfoId}, today's sources build as ${built[name]!.buildInfoId}`,
        `check out the commit the record names (git checkout ${record.gitCommit.replace(/-dirty$/, "")}), then run: npm run verify -- --network ${networkName}`,
      );
    }
  }

  const explorers = options.explorers ?? (await availableExplorers(hre, chainId, log));
  if (explorers.includes("etherscan") && !(await hasEtherscanKey(hre))) {
    throw new GrantKitError(
      "Etherscan needs an API key (one key serves every chain of its v2 API)",
      "npx hardhat keystore set ETHERSCAN_API_KEY, or leave Etherscan out: --explorer blockscout,sourcify",
    );
  }

  const failures: string[] = [];
  for (const explorer of explorers) {
    for (const name of names) {
      const c = record.contracts[name]!;
      const { fullyQualifiedName } = built[name]!;
      const { abi } = await hre.artifacts.readArtifact(fullyQualifiedName);
      const url = contractUrl(hre, explorer, chainId, c.address);
      try {
        await verifyContract(
          {
            address: c.address,
            constructorArgs: decodeConstructorArgs(new Interface(abi), c.constructorArgs),
            contract: fullyQualifiedName,
            provider: explorer,
            creationTxHash: c.txHash,
          },
          hre,
        );
        const entry = { url, verifiedAt: new Date().toISOString() };
        record.contracts[name] = withVerification(c, explorer, entry);
        log(`${explorer.padEnd(10)} ${name.padEnd(15)} verified  ${url}`);
      } catch (error) {
        const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
        failures.push(`${explorer}: ${name}: ${message}`);
        log(`${explorer.padEnd(10)} ${name.padEnd(15)} FAILED    ${message}`);
      }
    }
  }
  log(`wrote ${writeDeployment(record)}`);
  return { record, failures };
}

/** The contract's page on an explorer, as hardhat-verify links it. */
export function contractUrl(
  hre: HardhatRuntimeEnvironment,
  explorer: Explorer,
  chainId: number,
  address: string,
): string {
  if (explorer === "sourcify") {
    const api = hre.config.verify.sourcify.apiUrl ?? "https://sourcify.dev/server";
    return `${api}/repo-ui/${chainId}/${address}`;
  }
  const site = hre.config.chainDescriptors.get(BigInt(chainId))?.blockExplorers[explorer]?.url;
  return site === undefined ? "" : `${site}/address/${address}#code`;
}

function withVerification(
  c: ContractRecord,
  explorer: Explorer,
  entry: { url: string; verifiedAt: string },
): ContractRecord {
  return { ...c, verified: { ...c.verified, [explorer]: entry } };
}

/** Etherscan (when a key is set), the chain's Blockscout (when it has one) and Sourcify. */
async function availableExplorers(
  hre: HardhatRuntimeEnvironment,
  chainId: number,
  log: (line: string) => void,
): Promise<Explorer[]> {
  const explorers: Explorer[] = [];
  const descriptor = hre.config.chainDescriptors.get(BigInt(chainId));
  if (await hasEtherscanKey(hre)) explorers.push("etherscan");
  else log("etherscan: skipped, no ETHERSCAN_API_KEY (npx hardhat keystore set ETHERSCAN_API_KEY)");
  if (descriptor?.blockExplorers.blockscout !== undefined) explorers.push("blockscout");
  explorers.push("sourcify");
  return explorers;
}

async function hasEtherscanKey(hre: HardhatRuntimeEnvironment): Promise<boolean> {
  try {
    return (await hre.config.verify.etherscan.apiKey.get()) !== "";
  } catch (error) {
    // Neither the keystore nor the environment has it; any other error (a wrong keystore
    // password) is the user's to see.
    if (/not found/i.test(String(error))) return false;
    throw error;
  }
}
