/**
 * The chain side of the operate commands: the command wrapper (GrantKitError → one line, exit 1),
 * the selected network and its deployment record, the connection checked against that record, the
 * typed contracts at the recorded addresses, the signer of `--from`, and the chain's time.
 */
import { keccak256, type Provider } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import { presetOf } from "../../networks.config.js";
import {
  readDeployment,
  readDeploymentFor,
  recordPath,
  type DeploymentRecord,
} from "../../scripts/lib/deployment.js";
import { GrantKitError } from "../../scripts/lib/errors.js";
import { runCli } from "../cli.js";
import { shortMessage } from "./format.js";
import { parseAddress } from "./inputs.js";

export type Connection = NetworkConnection;
export type Signer = Awaited<ReturnType<Connection["ethers"]["getSigners"]>>[number];

/** Runs a command body with the project's error convention: GrantKitError → one line, exit 1. */
export function command<A>(
  body: (args: A, hre: HardhatRuntimeEnvironment) => Promise<void>,
): (args: A, hre: HardhatRuntimeEnvironment) => Promise<void> {
  return (args, hre) => runCli(() => body(args, hre));
}

/** The selected network's name, refused with the list of known ones when not configured. */
export function networkName(hre: HardhatRuntimeEnvironment): string {
  const name = hre.globalOptions.network ?? "default";
  if (!(name in hre.config.networks)) {
    throw new GrantKitError(
      `unknown network "${name}"`,
      `use --network with one of: ${Object.keys(hre.config.networks).join(", ")} (hardhat.config.ts)`,
    );
  }
  return name;
}

/** The record of the selected network, without touching the chain (export, sign-grant). */
export function offlineRecord(hre: HardhatRuntimeEnvironment): {
  network: string;
  record: DeploymentRecord;
} {
  const network = networkName(hre);
  return { network, record: readDeployment(network) };
}

/** The selected network, its record and a connection checked against it (see openChain). */
export interface Chain {
  network: string;
  record: DeploymentRecord;
  connection: Connection;
  provider: Connection["ethers"]["provider"];
}

/**
 * Connects to the selected network and returns its record, refused when the record is missing,
 * belongs to another chain id, or the node has no (or other) code at the recorded addresses.
 */
export async function openChain(hre: HardhatRuntimeEnvironment): Promise<Chain> {
  const network = networkName(hre);
  readDeployment(network); // no record: say so before trying to reach a node
  const connection = await hre.network.create();
  const provider = connection.ethers.provider;
  let record: DeploymentRecord;
  try {
    record = await readDeploymentFor(network, provider);
  } catch (error) {
    if (error instanceof GrantKitError) throw error;
    throw new GrantKitError(
      `cannot reach the node of network "${network}": ${shortMessage(error)}`,
      unreachableHint(network),
    );
  }
  for (const name of ["AccessGrants", "IssuerRegistry"] as const) {
    const c = record.contracts[name];
    if (!c) {
      throw new GrantKitError(
        `the record ${recordPath(network)} has no ${name}`,
        `deploy again: npm run deploy -- --network ${network}`,
      );
    }
    const code = await provider.getCode(c.address);
    if (code === "0x" || (c.bytecodeHash !== "" && keccak256(code) !== c.bytecodeHash)) {
      throw new GrantKitError(
        `${code === "0x" ? "no contract" : "other code"} at ${name} ${c.address} on network "${network}" (a restarted node?)`,
        `deploy again to write a fresh record: npm run deploy -- --network ${network}`,
      );
    }
  }
  return { network, record, connection, provider };
}

/** What to do about a node that does not answer: start it, or fix the variable its URL comes from. */
function unreachableHint(network: string): string {
  if (network === "localhost") {
    return "start it (npx hardhat node), or point LOCALHOST_RPC_URL at a running node";
  }
  const preset = presetOf(network);
  if (preset) {
    return `check its RPC URL: npx hardhat keystore set ${preset.env}_RPC_URL --force`;
  }
  return "start its node, or fix the network's url in hardhat.config.ts";
}

/** The recorded address of one of the two contracts, refused when the record lacks it. */
export function contractAddress(
  record: DeploymentRecord,
  name: "AccessGrants" | "IssuerRegistry",
): string {
  const c = record.contracts[name];
  if (!c) {
    throw new GrantKitError(
      `the ${record.network} record has no ${name}`,
      `deploy again: npm run deploy -- --network ${record.network}`,
    );
  }
  return c.address;
}

const cache = new WeakMap<Chain, ReturnType<typeof loadContracts>>();

/** AccessGrants and IssuerRegistry at the recorded addresses (typed, read-only). */
export function contracts(chain: Chain) {
  let found = cache.get(chain);
  if (!found) {
    found = loadContracts(chain);
    cache.set(chain, found);
  }
  return found;
}

async function loadContracts(chain: Chain) {
  const { ethers } = chain.connection;
  const grants = await ethers.getContractAt(
    "AccessGrants",
    contractAddress(chain.record, "AccessGrants"),
  );
  const registry = await ethers.getContractAt(
    "IssuerRegistry",
    contractAddress(chain.record, "IssuerRegistry"),
  );
  return { grants, registry };
}

/** The account of `--from`: an index into the network's accounts, or one of their addresses. */
export async function signerFrom(
  chain: Pick<Chain, "connection" | "network">,
  from: string,
): Promise<Signer> {
  let signers: Signer[];
  try {
    signers = await chain.connection.ethers.getSigners();
  } catch (error) {
    throw new GrantKitError(
      `cannot get the accounts of network "${chain.network}": ${shortMessage(error)}`,
      "start its node (npx hardhat node) or configure its accounts in hardhat.config.ts",
    );
  }
  if (signers.length === 0) {
    throw new GrantKitError(
      `network "${chain.network}" has no accounts`,
      "configure accounts for it in hardhat.config.ts",
    );
  }
  const value = from.trim() === "" ? "0" : from.trim();
  if (/^\d+$/.test(value)) {
    const signer = signers[Number(value)];
    if (!signer) {
      throw new GrantKitError(
        `--from ${value}: network "${chain.network}" has accounts 0..${signers.length - 1}`,
        "pass an account index in that range or one of its addresses",
      );
    }
    return signer;
  }
  const address = parseAddress(value, "--from");
  const signer = signers.find((s) => s.address.toLowerCase() === address.toLowerCase());
  if (!signer) {
    throw new GrantKitError(
      `--from ${address} is not an account of network "${chain.network}"`,
      `pass an index 0..${signers.length - 1} or the address of one of its accounts`,
    );
  }
  return signer;
}

/** The latest block's timestamp (the local clock when the node has no block). */
export async function chainNow(provider: Provider): Promise<number> {
  const block = await provider.getBlock("latest");
  return block?.timestamp ?? Math.floor(Date.now() / 1000);
}
