/**
 * Shared plumbing of the operate commands (`grantkit list`, `issuer-*`, `grant`, `revoke`, ...):
 * the network and its deployment record, the signer of `--from`, input parsing with one-line
 * errors that say what to do, pre-checks, revert decoding and transaction reporting.
 */
import path from "node:path";

import {
  getAddress,
  isAddress,
  isHexString,
  keccak256,
  toUtf8Bytes,
  type BaseContract,
  type ContractTransactionResponse,
  type Provider,
} from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import { deployConfig } from "../../deploy.config.js";
import {
  readDeployment,
  readDeploymentFor,
  recordPath,
  typeId,
  type DeploymentRecord,
} from "../../scripts/lib/deployment.js";
import { GrantKitError, ZERO_HASH, deriveDataHash, purposeHash } from "../../scripts/lib/grants.js";
import { issuerStatuses, registrarRole } from "../../sdk/src/constants.js";
import { decodeContractError } from "../../sdk/src/errors/contract.js";
import { runCli } from "../cli.js";

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
      "start it (npx hardhat node) or fix the network's url in hardhat.config.ts",
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

// ---------------------------------------------------------------- input

export function parseAddress(value: string, option: string): string {
  const v = value.trim();
  if (v === "") {
    throw new GrantKitError(`${option} is missing`, `pass ${option} <0x address>`);
  }
  if (!isAddress(v)) {
    const mixed = /^0x[0-9a-fA-F]{40}$/.test(v);
    throw new GrantKitError(
      `${option} "${v}" is not an address${mixed ? " (wrong checksum)" : ""}`,
      mixed
        ? "check for a typo, or pass it all lower-case"
        : "pass 0x and 40 hex digits, e.g. 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    );
  }
  return getAddress(v);
}

export function parseHash(value: string, option: string, hint?: string): string {
  const v = value.trim();
  if (!isHexString(v, 32)) {
    throw new GrantKitError(
      `${option} "${v}" is not a 32-byte hash`,
      hint ?? "pass 0x and 64 hex digits",
    );
  }
  return v.toLowerCase();
}

/** The data hash of `--data-hash`, or derived from `--data-id` and `--salt`. */
export function parseDataHash(args: { dataHash: string; dataId: string; salt: string }): string {
  const hint =
    "pass --data-hash <0x + 64 hex digits>, or --data-id <id> --salt <0x + 64 hex digits>";
  if (args.dataHash !== "" && (args.dataId !== "" || args.salt !== "")) {
    throw new GrantKitError("both --data-hash and --data-id/--salt given", hint);
  }
  if (args.dataHash !== "") {
    const hash = parseHash(args.dataHash, "--data-hash", hint);
    if (hash === ZERO_HASH) {
      throw new GrantKitError("--data-hash is zero", "a data hash is never zero; " + hint);
    }
    return hash;
  }
  if (args.dataId === "" && args.salt === "") {
    throw new GrantKitError("no data item given", hint);
  }
  if (args.salt === "") {
    throw new GrantKitError(
      "--data-id needs --salt",
      "pass the item's 32-byte secret salt as --salt",
    );
  }
  return deriveDataHash({ dataId: args.dataId, salt: args.salt.trim() });
}

/** A purpose label (hashed) or a raw 32-byte purpose; "" is the unspecified purpose (zero). */
export function parsePurpose(value: string): { purpose: string; label: string } {
  const v = value.trim();
  if (isHexString(v, 32)) return { purpose: v.toLowerCase(), label: v };
  if (v.startsWith("0x") && /^0x[0-9a-fA-F]*$/.test(v)) {
    throw new GrantKitError(
      `--purpose "${v}" looks like a hash but is not 32 bytes`,
      "pass a purpose label (e.g. onboarding) or 0x and 64 hex digits",
    );
  }
  return { purpose: purposeHash(v), label: v === "" ? "(unspecified)" : v };
}

/**
 * A point in time: unix seconds, an ISO date (`2030-01-31`, `2030-01-31T12:00:00Z`), or `+<n>`
 * with a unit s/m/h/d counted from `now`; "" and "0" mean none (0).
 */
export function parseTime(value: string, option: string, now: number): bigint {
  const v = value.trim();
  if (v === "" || v === "0") return 0n;
  if (/^\d+$/.test(v)) return BigInt(v);
  const rel = /^\+(\d+)([smhd]?)$/.exec(v);
  if (rel) {
    const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[rel[2] as "" | "s" | "m" | "h" | "d"];
    return BigInt(now) + BigInt(rel[1]!) * BigInt(unit);
  }
  const ms = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) {
    throw new GrantKitError(
      `${option} "${v}" is not a time`,
      "pass unix seconds, an ISO date like 2030-01-31T12:00:00Z, or +<n>[s|m|h|d] from now",
    );
  }
  if (ms < 0) throw new GrantKitError(`${option} "${v}" is before 1970`, "pass a later date");
  return BigInt(Math.floor(ms / 1000));
}

/** `--metadata`: a 32-byte hash as is, any other text hashed (keccak256 of its UTF-8); "" is zero. */
export function parseMetadata(value: string): string {
  const v = value.trim();
  if (v === "") return ZERO_HASH;
  if (isHexString(v, 32)) return v.toLowerCase();
  if (/^0x[0-9a-fA-F]*$/.test(v)) {
    throw new GrantKitError(
      `--metadata "${v}" looks like a hash but is not 32 bytes`,
      "pass 0x and 64 hex digits, or the text to hash",
    );
  }
  return keccak256(toUtf8Bytes(v));
}

export function parseJurisdiction(value: string): string {
  const v = value.trim();
  if (v === "") return "0x0000";
  if (!/^[A-Z]{2}$/.test(v)) {
    throw new GrantKitError(
      `--jurisdiction "${v}" is not an ISO 3166-1 alpha-2 code`,
      'pass two upper-case letters, e.g. CH, or "" for none',
    );
  }
  return "0x" + Buffer.from(v, "ascii").toString("hex");
}

export function parseUint(value: string, option: string): bigint {
  const v = value.trim();
  if (!/^\d+$/.test(v) || BigInt(v) >= 2n ** 256n) {
    throw new GrantKitError(`${option} "${v}" is not a whole number`, "pass decimal digits");
  }
  return BigInt(v);
}

// ---------------------------------------------------------------- credential types

/** Every credential type label this project knows (configured anywhere in deploy.config.ts). */
export function knownLabels(extra: string[] = []): Map<string, string> {
  const labels = new Map<string, string>();
  for (const config of Object.values(deployConfig)) {
    for (const label of config.credentialTypes) labels.set(typeId(label), label);
  }
  for (const label of extra) if (!isHexString(label, 32)) labels.set(typeId(label), label);
  return labels;
}

export interface RegisteredType {
  id: string;
  bit: number;
  label: string;
}

/** The types registered in the registry (CredentialTypeRegistered events since its deployment). */
export async function registeredTypes(chain: Chain, extraLabels: string[] = []) {
  const { registry } = await contracts(chain);
  const labels = knownLabels(extraLabels);
  const events = await registry.queryFilter(
    registry.filters.CredentialTypeRegistered(),
    chain.record.contracts.IssuerRegistry!.blockNumber,
    "latest",
  );
  return events
    .map((e): RegisteredType => ({
      id: e.args.credentialType,
      bit: Number(e.args.bit),
      label: labels.get(e.args.credentialType) ?? e.args.credentialType,
    }))
    .sort((a, b) => a.bit - b.bit);
}

/** `--types a,b`: labels (or raw 32-byte ids) of registered types, refused otherwise. */
export function parseTypes(value: string, registered: RegisteredType[]): RegisteredType[] {
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 0) {
    throw new GrantKitError(
      "--types is missing",
      `pass a comma-separated list of: ${registered.map((t) => t.label).join(", ")}`,
    );
  }
  return items.map((item) => {
    const id = isHexString(item, 32) ? item.toLowerCase() : typeId(item);
    const found = registered.find((t) => t.id.toLowerCase() === id);
    if (!found) {
      throw new GrantKitError(
        `unknown credential type "${item}"`,
        `registered types: ${registered.map((t) => t.label).join(", ")}; a registrar registers new ones (registerCredentialType)`,
      );
    }
    return found;
  });
}

// ---------------------------------------------------------------- roles

/** Refuses an account without REGISTRAR_ROLE, saying who grants it. */
export async function requireRegistrar(chain: Chain, signer: Signer): Promise<void> {
  const { registry } = await contracts(chain);
  if (await registry.hasRole(registrarRole, signer.address)) return;
  const admin = await registry.defaultAdmin();
  const registrars = await roleHolders(chain, registrarRole);
  throw new GrantKitError(
    `account ${signer.address} does not have REGISTRAR_ROLE on IssuerRegistry ${await registry.getAddress()}`,
    `the default admin ${admin} grants it with grantRole(REGISTRAR_ROLE, account); or pass --from with a registrar (${registrars.join(", ") || "none yet"})`,
  );
}

/** The current holders of a role, from RoleGranted/RoleRevoked events. */
export async function roleHolders(chain: Chain, role: string): Promise<string[]> {
  const { registry } = await contracts(chain);
  const from = chain.record.contracts.IssuerRegistry!.blockNumber;
  const logs = [
    ...(await registry.queryFilter(registry.filters.RoleGranted(role), from, "latest")),
    ...(await registry.queryFilter(registry.filters.RoleRevoked(role), from, "latest")),
  ].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  const holders = new Set<string>();
  for (const log of logs) {
    if (log.eventName === "RoleGranted") holders.add(log.args.account);
    else holders.delete(log.args.account);
  }
  return [...holders];
}

// ---------------------------------------------------------------- time and output

export async function chainNow(provider: Provider): Promise<number> {
  const block = await provider.getBlock("latest");
  return block?.timestamp ?? Math.floor(Date.now() / 1000);
}

/** Unix seconds as an ISO date (UTC); 0 as `none`. */
export function iso(seconds: bigint | number, zero = "none"): string {
  const s = BigInt(seconds);
  if (s === 0n) return zero;
  if (s > 8_640_000_000_000n) return `${s} (unix seconds)`;
  return new Date(Number(s) * 1000).toISOString().replace(".000Z", "Z");
}

export function relPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

export function shortMessage(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string };
  return (e.shortMessage ?? e.message ?? String(error)).split("\n")[0]!;
}

// ---------------------------------------------------------------- transactions and reverts

/** Finds revert data (0x + selector ...) anywhere in an ethers/Hardhat error (for the unknown ones). */
export function revertData(error: unknown, depth = 0): string | undefined {
  if (error === null || typeof error !== "object" || depth > 6) return undefined;
  const e = error as Record<string, unknown>;
  const data = e.data;
  if (typeof data === "string" && isHexString(data) && data.length >= 10) return data;
  if (data && typeof data === "object") {
    const inner = (data as Record<string, unknown>).data;
    if (typeof inner === "string" && isHexString(inner) && inner.length >= 10) return inner;
  }
  for (const key of ["error", "info", "cause", "revert"]) {
    const found = revertData(e[key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

const STATUS_ARGS = new Set(["status", "expected"]);

/**
 * A readable line for a custom error of our contracts (decoded by the SDK's `decodeContractError`),
 * or undefined for errors without revert data.
 */
export function explainRevert(error: unknown): GrantKitError | undefined {
  const decoded = decodeContractError(error);
  if (decoded) {
    // The arguments in the error's declaration order (a[0] is the first).
    const args = decoded.args as Record<string, unknown>;
    // Typed loosely, as ethers' Result was: each case knows its error's arguments.
    const a: any[] = Object.values(args);
    switch (decoded.errorName) {
      case "AccessGrantsLocked":
        return new GrantKitError(
          `grant ${a[0]} is locked until ${iso(a[1])}`,
          "the owner can revoke it from then on; the grantee can release it any time",
        );
      case "AccessGrantsNotActive":
        return new GrantKitError(
          `grant ${a[0]} is not active (never granted, ended or expired)`,
          "look at it with: npx hardhat grantkit check",
        );
      case "AccessGrantsAlreadyActive":
        return new GrantKitError(
          `grant ${a[0]} is already active`,
          "nothing to do; revoke it first to grant it anew",
        );
      case "AccessGrantsInvalidExpiry":
        return new GrantKitError(
          `expiry ${iso(a[0])} is too early (minimum ${iso(a[1])}: after now and not before the lock)`,
          "pass a later --expires-at",
        );
      case "AccessGrantsExpiredSignature":
        return new GrantKitError(
          `the signed request expired at ${iso(a[0])}`,
          "ask the owner to sign a new request",
        );
      case "AccessGrantsNonceUsed":
        return new GrantKitError(
          `nonce ${a[1]} of owner ${a[0]} is already used (relayed already or cancelled)`,
          "ask the owner to sign a new request with another nonce",
        );
      case "AccessGrantsInvalidSignature":
        return new GrantKitError(
          `the signature is not the owner's (${a[0]}) for this request and this life of the grant`,
          "ask the owner to sign the request again for this chain, contract and the grant's current generation",
        );
      case "IssuerRegistryInvalidKeyProof":
        return new GrantKitError(
          `the new key ${a[0]} did not sign this rotation`,
          "sign the KeyRotation(oldKey, newKey, deadline) message with the new key",
        );
      case "IssuerRegistryExpiredKeyProof":
        return new GrantKitError(
          `the new key's proof expired at ${iso(a[0])}`,
          "sign the rotation again with a later deadline",
        );
      case "AccessGrantsInvalidGrantee":
        return new GrantKitError(
          `grantee ${a[0]} is not allowed (zero or the owner itself)`,
          "pass another --grantee",
        );
      case "IssuerRegistryKeyInUse":
        return new GrantKitError(
          `issuer key ${a[0]} already has a record (${issuerStatuses[Number(a[1])]})`,
          "a key is accredited once; use a new key",
        );
      case "IssuerRegistryWrongStatus":
        return new GrantKitError(
          `issuer ${a[0]} is ${issuerStatuses[Number(a[1])]}, this needs ${issuerStatuses[Number(a[2])]}`,
          "look at it with: npx hardhat grantkit issuer-show --issuer " + a[0],
        );
      case "IssuerRegistryNotLive":
        return new GrantKitError(
          `issuer ${a[0]} is ${issuerStatuses[Number(a[1])]}`,
          "this needs an issuer that exists and is not removed or rotated",
        );
      case "IssuerRegistryUnknownType":
        return new GrantKitError(
          `credential type ${a[0]} is not registered`,
          "see the registered types with: npx hardhat grantkit list",
        );
      case "IssuerRegistryInvalidValidity":
        return new GrantKitError(
          `valid-until ${iso(a[1])} is not after valid-from ${iso(a[0])}`,
          "pass a later --valid-until",
        );
      case "AccessControlUnauthorizedAccount":
        return new GrantKitError(
          `account ${a[0]} lacks role ${a[1] === registrarRole ? "REGISTRAR_ROLE" : a[1]}`,
          "pass --from with an account that has it",
        );
      default: {
        const fields = Object.entries(args).map(
          ([name, v]) => `${name}=${STATUS_ARGS.has(name) ? issuerStatuses[Number(v)] : String(v)}`,
        );
        return new GrantKitError(
          `reverted with ${decoded.errorName}(${fields.join(", ")})`,
          "see the contract's NatSpec for this error",
        );
      }
    }
  }
  const data = revertData(error);
  if (!data) return undefined;
  return new GrantKitError(`reverted with data ${data.slice(0, 74)}`, "an unknown error");
}

/**
 * Checks a call with staticCall as `signer`, then sends it, waits for it and prints
 * `<what>: tx <hash> block <n>`. Reverts become one readable line.
 */
export async function transact(
  contract: BaseContract,
  signer: Signer,
  method: string,
  args: unknown[],
  what: string,
): Promise<{ hash: string; blockNumber: number; result: unknown }> {
  const connected = contract.connect(signer) as BaseContract;
  const fn = connected.getFunction(method);
  let result: unknown;
  try {
    result = await fn.staticCall(...args);
  } catch (error) {
    throw explainRevert(error) ?? error;
  }
  let tx: ContractTransactionResponse;
  try {
    tx = (await fn.send(...args)) as ContractTransactionResponse;
  } catch (error) {
    throw explainRevert(error) ?? error;
  }
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) {
    throw new GrantKitError(`${what}: tx ${tx.hash} failed`, "look at it in a block explorer");
  }
  console.log(`${what}: tx ${tx.hash} block ${receipt.blockNumber} (from ${signer.address})`);
  return { hash: tx.hash, blockNumber: receipt.blockNumber, result };
}
