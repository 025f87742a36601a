/**
 * Deployment records (`deployments/<network>.json`): the only place contract addresses live. Tests,
 * scripts and the indexer read them through `readDeployment`; the deploy task writes them with
 * `writeDeployment`. Also: CREATE2 address prediction through CreateX, and putting CreateX in place
 * on a fresh local node.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import {
  AbiCoder,
  Interface,
  getAddress,
  getCreate2Address,
  isAddress,
  keccak256,
  toUtf8Bytes,
  type Provider,
} from "ethers";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import { recordProblems } from "../../deployments/record-schema.js";
import { GrantKitError } from "./errors.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** CreateX, the CREATE2 factory Hardhat Ignition's create2 strategy uses, at its address on every chain. */
export const CREATEX_ADDRESS = "0xba5Ed099633D3B313e4D5F7bdc1305d3c28ba5Ed";
const CREATEX_RUNTIME_HASH = "0xbd8a7ea8cfca7b4e5f5041d7d4b17bc317c5ce42cfbc42066a00cf26b43eb53f";
const CREATEX_PRESIGNED_DEPLOYER = "0xeD456e05CaAb11d66C4c797dD6c1D6f9A7F352b5";
const createXEvents = new Interface([
  "event ContractCreation(address indexed newContract, bytes32 indexed salt)",
]);

// The record's types live beside its JSON schema (deployments/record-schema.ts), which the indexer
// reads too.
import type {
  ContractName,
  ContractRecord,
  DeploymentRecord,
} from "../../deployments/record-schema.js";
export type {
  ContractName,
  ContractRecord,
  DeploymentRecord,
  Explorer,
  Verification,
} from "../../deployments/record-schema.js";

/** Where records live: `deployments/`, or `GRANTKIT_DEPLOYMENTS_DIR` (used by tests). */
export function deploymentsDir(): string {
  return process.env.GRANTKIT_DEPLOYMENTS_DIR ?? path.join(ROOT, "deployments");
}

export function recordPath(network: string): string {
  return path.join(deploymentsDir(), `${network}.json`);
}

/**
 * Reads the record of `network`; throws a GrantKitError with a fix hint when there is none.
 *
 * @example
 * const { contracts } = readDeployment("localhost");
 * const grants = await ethers.getContractAt("AccessGrants", contracts.AccessGrants!.address);
 */
export function readDeployment(network: string): DeploymentRecord {
  const file = recordPath(network);
  if (!existsSync(file)) {
    throw new GrantKitError(
      `no deployment record for network "${network}" (${path.relative(process.cwd(), file)})`,
      `run: npm run deploy -- --network ${network}`,
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as DeploymentRecord;
}

/** Reads a record and checks it belongs to the chain the provider is connected to. */
export async function readDeploymentFor(
  network: string,
  provider: Provider,
): Promise<DeploymentRecord> {
  const record = readDeployment(network);
  const chainId = Number((await provider.getNetwork()).chainId);
  if (chainId !== record.chainId) {
    throw new GrantKitError(
      `the node of network "${network}" has chain id ${chainId}, its record says ${record.chainId}`,
      "point the network at the right node, or deploy again to write a fresh record",
    );
  }
  return record;
}

/**
 * Refuses to let chain `chainId` take the record of `network` when that record belongs to another
 * chain (e.g. `localhost` pointed at a second node with LOCALHOST_RPC_URL): one record per chain.
 */
export function assertRecordChain(network: string, chainId: number): void {
  const file = recordPath(network);
  if (!existsSync(file)) return;
  const onFile = (JSON.parse(readFileSync(file, "utf8")) as DeploymentRecord).chainId;
  if (onFile === chainId) return;
  const shown = path.relative(process.cwd(), file);
  throw new GrantKitError(
    `${shown} is the record of chain ${onFile}, but network "${network}" is now chain ${chainId}; ` +
      "a chain never overwrites another chain's record",
    `point the network back at chain ${onFile}, or set the old record aside first: ` +
      `mv ${shown} ${shown.replace(/\.json$/, "")}.chain${onFile}.json.bak`,
  );
}

/** Writes a record atomically (temporary file, then rename), so a kill never leaves half a file. */
export function writeDeployment(record: DeploymentRecord): string {
  assertRecordChain(record.network, record.chainId);
  const file = recordPath(record.network);
  // Only records that match deployments/record.schema.json are written: readers rely on it.
  const problems = recordProblems(record).map((p) => `${p.field} ${p.problem}`);
  if (problems.length > 0) {
    throw new GrantKitError(
      `not writing ${file}: the record does not match deployments/record.schema.json: ${problems.join("; ")}`,
      "a bug in the deploy toolkit or the schema: report it with this message",
    );
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record, null, 2) + "\n");
  renameSync(tmp, file);
  return file;
}

/** True on a development node (Hardhat's or anvil), where tests may deploy the artifacts as built. */
export async function isDevelopmentNode(provider: {
  send(method: string, params: unknown[]): Promise<unknown>;
}): Promise<boolean> {
  const version = String(await provider.send("web3_clientVersion", []).catch(() => ""));
  return /hardhat|anvil|edr/i.test(version);
}

/** The CreateX salt of a configuration: keccak256(label). Its first 20 bytes are neither zero nor a
 * sender, so CreateX guards it as keccak256(abi.encode(salt)): the address is the same for any sender
 * on any chain. */
export function saltOf(config: NetworkDeployConfig): string {
  return keccak256(toUtf8Bytes(config.saltLabel));
}

/** The credential type id of a label. */
export function typeId(label: string): string {
  return keccak256(toUtf8Bytes(label));
}

/** IssuerRegistry's constructor arguments for a configuration, validated with clear errors. */
export function registryConstructorArgs(config: NetworkDeployConfig) {
  checkAddress("admin", config.admin);
  config.registrars.forEach((r, i) => checkAddress(`registrars[${i}]`, r));
  const types = new Set(config.credentialTypes);
  const issuers = config.issuers.map((issuer, i) => {
    checkAddress(`issuers[${i}].address`, issuer.address);
    for (const t of issuer.types) {
      if (!types.has(t)) {
        throw new GrantKitError(
          `issuers[${i}] lists type "${t}" that is not in credentialTypes`,
          "add it to credentialTypes in deploy.config.ts",
        );
      }
    }
    if (issuer.jurisdiction !== "" && !/^[A-Z]{2}$/.test(issuer.jurisdiction)) {
      throw new GrantKitError(
        `issuers[${i}].jurisdiction "${issuer.jurisdiction}" is not ISO 3166-1 alpha-2`,
        'use two upper-case letters, e.g. "CH", or "" for none',
      );
    }
    return {
      issuer: getAddress(issuer.address),
      credentialTypes: issuer.types.map(typeId),
      jurisdiction: jurisdictionCode(issuer.jurisdiction),
      validFrom: issuer.validFrom ?? 0,
      validUntil: issuer.validUntil ?? 0,
      metadataHash: issuer.metadataHash,
    };
  });
  return [
    BigInt(config.adminDelaySeconds),
    getAddress(config.admin),
    config.registrars.map((r) => getAddress(r)),
    config.credentialTypes.map(typeId),
    issuers,
  ] as const;
}

/** "CH" -> 0x4348; "" -> 0x0000. */
export function jurisdictionCode(code: string): string {
  return code === "" ? "0x0000" : "0x" + Buffer.from(code, "ascii").toString("hex");
}

function checkAddress(field: string, value: string): void {
  if (!isAddress(value)) {
    throw new GrantKitError(`${field} "${value}" is not an address`, "fix it in deploy.config.ts");
  }
}

/** The address CreateX gives `initCode` under `salt` (random-prefix salts are hashed once more). */
export function predictAddress(salt: string, initCode: string): string {
  const guarded = keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32"], [salt]));
  return getCreate2Address(CREATEX_ADDRESS, guarded, keccak256(initCode));
}

/** The signed CreateX deployment that Ignition ships (pre-EIP-155, valid on any chain). */
function createXPresignedTx(): string {
  const require = createRequire(import.meta.url);
  const core = path.dirname(require.resolve("@nomicfoundation/ignition-core/package.json"));
  const source = readFileSync(
    path.join(core, "dist/src/internal/execution/strategy/createx-artifact.js"),
    "utf8",
  );
  const match = /presignedTx\s*=\s*"(0x[0-9a-fA-F]+)"/.exec(source);
  if (!match?.[1])
    throw new Error("CreateX's presigned transaction was not found in ignition-core");
  return match[1];
}

/**
 * Makes sure CreateX is at its canonical address. On a development node without it (any chain id),
 * funds CreateX's one-time deployer and replays its presigned transaction, as Ignition does on 31337.
 * On other chains CreateX must already exist (it does on most public chains).
 */
export async function ensureCreateX(
  provider: Provider & { send(method: string, params: unknown[]): Promise<unknown> },
): Promise<"present" | "installed"> {
  const code = await provider.getCode(CREATEX_ADDRESS);
  if (code !== "0x") {
    if (keccak256(code) !== CREATEX_RUNTIME_HASH) {
      throw new GrantKitError(`the code at ${CREATEX_ADDRESS} is not CreateX`, "use another chain");
    }
    return "present";
  }
  const balance = "0x" + (4n * 10n ** 17n).toString(16);
  let funded = false;
  for (const method of ["hardhat_setBalance", "anvil_setBalance"]) {
    try {
      await provider.send(method, [CREATEX_PRESIGNED_DEPLOYER, balance]);
      funded = true;
      break;
    } catch {
      // not this kind of node
    }
  }
  if (!funded) {
    throw new GrantKitError(
      `CreateX is not deployed on this chain and the node is not a development node`,
      `deploy CreateX (${CREATEX_ADDRESS}) with its presigned transaction first`,
    );
  }
  const hash = (await provider.send("eth_sendRawTransaction", [createXPresignedTx()])) as string;
  const receipt = await provider.waitForTransaction(hash, 1, 60_000).catch(() => null);
  if (receipt === null) {
    throw new GrantKitError(
      "CreateX's deployment was not mined within 60 s",
      "is the node mining (automine or an interval)?",
    );
  }
  if (receipt?.contractAddress !== CREATEX_ADDRESS) throw new Error("CreateX landed elsewhere");
  return "installed";
}

/** Finds the CreateX transaction that created `address`: hash, block and sender. */
export async function findCreation(
  provider: Provider,
  address: string,
  fromBlock = 0,
): Promise<{ txHash: string; blockNumber: number; deployer: string } | null> {
  const topic = createXEvents.getEvent("ContractCreation")!.topicHash;
  const logs = await provider.getLogs({
    address: CREATEX_ADDRESS,
    topics: [topic, "0x" + getAddress(address).slice(2).toLowerCase().padStart(64, "0")],
    fromBlock,
    toBlock: "latest",
  });
  const log = logs[0];
  if (!log) return null;
  const tx = await provider.getTransaction(log.transactionHash);
  return { txHash: log.transactionHash, blockNumber: log.blockNumber, deployer: tx?.from ?? "" };
}

/** The current git commit, with "-dirty" when the work tree has changes; "unknown" outside git. */
export function gitCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    return dirty === "" ? head : `${head}-dirty`;
  } catch {
    return "unknown";
  }
}
