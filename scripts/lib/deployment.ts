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
  isHexString,
  keccak256,
  toUtf8Bytes,
  type Log,
  type Provider,
} from "ethers";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import {
  DeploymentRecordError,
  readRecordFile,
  recordProblems,
} from "../../deployments/record-schema.js";
import { GrantKitError } from "./errors.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** CreateX, the CREATE2 factory Hardhat Ignition's create2 strategy uses, at its address on every chain. */
export const CREATEX_ADDRESS = "0xba5Ed099633D3B313e4D5F7bdc1305d3c28ba5Ed";
const CREATEX_RUNTIME_HASH = "0xbd8a7ea8cfca7b4e5f5041d7d4b17bc317c5ce42cfbc42066a00cf26b43eb53f";
const CREATEX_PRESIGNED_DEPLOYER = "0xeD456e05CaAb11d66C4c797dD6c1D6f9A7F352b5";
const createXEvents = new Interface([
  "event ContractCreation(address indexed newContract, bytes32 indexed salt)",
]);
/** topic0 of CreateX's `ContractCreation(newContract, salt)`, the log of every create2 deploy. */
export const CREATEX_CREATION_TOPIC = createXEvents.getEvent("ContractCreation")!.topicHash;

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
 * Reads the record of `network`, checked against deployments/record.schema.json; throws a
 * GrantKitError with a fix hint when there is none, or when it is not JSON or not a valid record.
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
  return readValidRecord(
    file,
    `restore it from git (git restore ${shownPath(file)}) or redeploy: npm run deploy -- --network ${network}`,
  );
}

function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") ? file : relative;
}

/**
 * The record in `file`, validated with the schema the writer and the indexer use: a hand-edited or
 * truncated record is refused here, naming the file and the first bad field, rather than failing
 * later as a JSON SyntaxError or an ethers error about a malformed address.
 */
function readValidRecord(file: string, hint: string): DeploymentRecord {
  try {
    return readRecordFile(file);
  } catch (error) {
    if (!(error instanceof DeploymentRecordError)) throw error;
    const [first, ...rest] = error.problems;
    const what = first!.field === "" ? first!.problem : `${first!.field} ${first!.problem}`;
    const more = rest.length === 0 ? "" : ` (and ${rest.length} more)`;
    throw new GrantKitError(
      `the deployment record ${shownPath(file)} is not valid: ${what}${more}`,
      hint,
    );
  }
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
 * chain (e.g. `localhost` pointed at a second node with LOCALHOST_RPC_URL): one record per chain. A
 * record that is not valid is refused too: its chain is unknown, so overwriting it could lose
 * another chain's addresses.
 */
export function assertRecordChain(network: string, chainId: number): void {
  const file = recordPath(network);
  if (!existsSync(file)) return;
  const shown = shownPath(file);
  const aside = `mv ${shown} ${shown.replace(/\.json$/, "")}`;
  const onFile = readValidRecord(
    file,
    `restore it from git (git restore ${shown}), or set it aside to write a new one: ${aside}.invalid.json.bak`,
  ).chainId;
  if (onFile === chainId) return;
  throw new GrantKitError(
    `${shown} is the record of chain ${onFile}, but network "${network}" is now chain ${chainId}; ` +
      "a chain never overwrites another chain's record",
    `point the network back at chain ${onFile}, or set the old record aside first: ` +
      `${aside}.chain${onFile}.json.bak`,
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
  // uint48 in the constructor: a value out of range would fail as an ethers encoding error.
  checkWhole("adminDelaySeconds", config.adminDelaySeconds, 48, "e.g. 259200 (3 days)");
  config.registrars.forEach((r, i) => checkAddress(`registrars[${i}]`, r));
  // The constructor reverts on a type registered twice, inside CreateX, where its error is opaque.
  checkUnique(
    "credentialTypes",
    config.credentialTypes,
    (t) => t,
    "remove the duplicate in deploy.config.ts: a type is registered once",
  );
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
    const time = "unix seconds, or 0 for none";
    checkWhole(`issuers[${i}].validFrom`, issuer.validFrom ?? 0, 40, time);
    checkWhole(`issuers[${i}].validUntil`, issuer.validUntil ?? 0, 40, time);
    if (!isHexString(issuer.metadataHash, 32)) {
      throw new GrantKitError(
        `issuers[${i}].metadataHash ${JSON.stringify(issuer.metadataHash)} is not a 32-byte hash`,
        'fix it in deploy.config.ts: keccak256(toUtf8Bytes("<metadata document>")), or 0x and 64 zeros for none',
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
  // A key accredited twice makes the constructor revert too (IssuerRegistryKeyInUse).
  checkUnique(
    "issuers",
    config.issuers,
    (issuer) => getAddress(issuer.address),
    "remove the duplicate in deploy.config.ts: a key is accredited once (list all its types in one entry)",
  );
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

/** Refuses a value that is not a whole number fitting the contract's `uint<bits>`. */
function checkWhole(field: string, value: number, bits: number, example: string): void {
  if (Number.isSafeInteger(value) && value >= 0 && BigInt(value) < 2n ** BigInt(bits)) return;
  throw new GrantKitError(
    `${field} ${String(value)} is not a whole number from 0 to 2^${bits} - 1 (uint${bits})`,
    `fix it in deploy.config.ts: ${example}`,
  );
}

/** Refuses a list in which two items have the same key, naming both positions. */
function checkUnique<T>(
  field: string,
  items: T[],
  key: (item: T) => string,
  hint = "remove the duplicate in deploy.config.ts",
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined) {
      throw new GrantKitError(
        `${field} lists "${k}" twice (${field}[${first}] and ${field}[${i}])`,
        hint,
      );
    }
    seen.set(k, i);
  });
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

/**
 * Finds the CreateX transaction that created `address`: hash, block and sender; null when there is
 * no code at `address` or CreateX did not create it (at or after `fromBlock`).
 *
 * The block comes from `eth_getCode` at past blocks, searched back from the latest one (a fresh
 * deployment is found in a few calls, within the recent state even a non-archive node keeps), then
 * bisected: no `eth_getLogs` over a long range, which public RPC providers refuse. Only that block's
 * logs are read. A node that cannot answer for an old block, or whose answers lead to a block
 * without the creation, falls back to the logs, in chunks (queryInChunks).
 */
export async function findCreation(
  provider: Provider,
  address: string,
  fromBlock = 0,
): Promise<{ txHash: string; blockNumber: number; deployer: string } | null> {
  const latest = await provider.getBlockNumber();
  if (fromBlock > latest || (await provider.getCode(address, latest)) === "0x") return null;
  const filter = {
    address: CREATEX_ADDRESS,
    topics: [
      CREATEX_CREATION_TOPIC,
      "0x" + getAddress(address).slice(2).toLowerCase().padStart(64, "0"),
    ],
  };
  // The code is there at `hi`; it is not there at `lo` (or `lo` is before `fromBlock`).
  const range = { lo: fromBlock - 1, hi: latest };
  let logs: Log[];
  try {
    await narrowToCreation(provider, address, range);
  } catch (error) {
    // Pruned state (e.g. "missing trie node"): the logs of the blocks still in question tell (from
    // `fromBlock` on; a caller that knows the creation passes it, see deploy-record.ts). Any other
    // error (a rate limit, the node down) is the caller's.
    if (!isStateUnavailable(error)) throw error;
  }
  if (range.hi - range.lo === 1) {
    logs = await provider.getLogs({ ...filter, fromBlock: range.hi, toBlock: range.hi });
    // Not at the first block with code: CreateX did not create it, or the node's past state
    // misleads (Hardhat reads the blocks of one hardhat_mine as empty). The logs up to it decide.
    if (logs.length === 0) logs = await getLogsInChunks(provider, filter, fromBlock, range.hi);
  } else {
    logs = await getLogsInChunks(provider, filter, range.lo + 1, range.hi);
  }
  const log = logs[0];
  if (!log) return null;
  const tx = await provider.getTransaction(log.transactionHash);
  return { txHash: log.transactionHash, blockNumber: log.blockNumber, deployer: tx?.from ?? "" };
}

/**
 * Moves `range.hi` to the first block with code at `address` (keeping `range.lo` a block without it,
 * or `fromBlock - 1`): steps back 1, 2, 4, ... blocks from `hi`, then bisects. O(log n) calls of
 * `eth_getCode`, n the blocks since the creation.
 */
async function narrowToCreation(
  provider: Provider,
  address: string,
  range: { lo: number; hi: number },
): Promise<void> {
  const hasCode = async (block: number) => (await provider.getCode(address, block)) !== "0x";
  for (let step = 1; range.hi - range.lo > 1; step *= 2) {
    const probe = Math.max(range.lo + 1, range.hi - step);
    if (!(await hasCode(probe))) {
      range.lo = probe;
      break;
    }
    range.hi = probe;
  }
  while (range.hi - range.lo > 1) {
    const mid = Math.floor((range.lo + range.hi) / 2);
    if (await hasCode(mid)) range.hi = mid;
    else range.lo = mid;
  }
}

// ---------------------------------------------------------------- logs in chunks

/** The block range of the first `eth_getLogs` call of `queryInChunks` (many providers allow it). */
export const LOG_CHUNK_BLOCKS = 10_000;

/** e.g. "query exceeds max block range 1000", "block range is too large", "query returned more than
 * 10000 results", "Log response size exceeded", "eth_getLogs is limited to a 10,000 range", "too many
 * blocks requested". Decided by the message: providers share codes (-32005) with rate limits. */
const RANGE_LIMIT_TEXT =
  /block range|range (is )?too (large|wide)|max(imum)? (block )?range|limited to an? [\d,]+|[\d,]+ (block )?range|more than [\d,]+ (results|logs|blocks)|response size|too many (blocks|results|logs)/i;
/** A rate limit (HTTP 429 as Hardhat reports it, "Too Many Requests", compute units): retrying a
 * smaller range would only add calls. */
const RATE_LIMIT_TEXT =
  /\b429\b|\brate\b|rate[- ]?limit|too many requests|limit exceeded|capacity|throughput|credits|compute units/i;

/** The messages of an error and of the errors it wraps (ethers and Hardhat wrap the JSON-RPC one). */
function messagesOf(error: unknown, depth = 0): string[] {
  if (error === null || typeof error !== "object" || depth > 5) return [];
  const e = error as Record<string, unknown>;
  const own = typeof e.message === "string" ? [e.message] : [];
  return own.concat(
    ["error", "info", "cause", "data"].flatMap((key) => messagesOf(e[key], depth + 1)),
  );
}

/** True for a provider's cap on an `eth_getLogs` range or result size (never a rate limit). */
export function isRangeLimitError(error: unknown): boolean {
  const messages = messagesOf(error);
  if (messages.some((m) => RATE_LIMIT_TEXT.test(m))) return false;
  return messages.some((m) => RANGE_LIMIT_TEXT.test(m));
}

/** True for a node that does not keep the state of an old block (not an archive node). */
function isStateUnavailable(error: unknown): boolean {
  return messagesOf(error).some((m) =>
    /missing trie node|header not found|pruned|state (is )?not available|historical state|archive/i.test(
      m,
    ),
  );
}

/**
 * Runs `query(from, to)` over the blocks `fromBlock`..`toBlock` in consecutive chunks and returns
 * every result in order. Chunks start at `chunk` blocks; a provider's range refusal
 * (`isRangeLimitError`) halves the chunk and retries it, down to one block, and the smaller size is
 * kept for the rest. Any other error, or a refusal of a single block, propagates.
 *
 * @example
 * const events = await queryInChunks(deployBlock, latest, (from, to) =>
 *   registry.queryFilter(registry.filters.IssuerUpdated(), from, to),
 * );
 */
export async function queryInChunks<T>(
  fromBlock: number,
  toBlock: number,
  query: (from: number, to: number) => Promise<T[]>,
  chunk = LOG_CHUNK_BLOCKS,
): Promise<T[]> {
  const found: T[] = [];
  let size = Math.max(1, Math.floor(chunk));
  for (let from = Math.max(0, fromBlock); from <= toBlock;) {
    const to = Math.min(toBlock, from + size - 1);
    let part: T[];
    try {
      part = await query(from, to);
    } catch (error) {
      if (to === from || !isRangeLimitError(error)) throw error;
      size = Math.max(1, Math.floor((to - from + 1) / 2));
      continue;
    }
    for (const item of part) found.push(item);
    from = to + 1;
  }
  return found;
}

/** `eth_getLogs` of `filter` over `fromBlock`..`toBlock` (default: the latest block), in chunks. */
export async function getLogsInChunks(
  provider: Pick<Provider, "getLogs" | "getBlockNumber">,
  filter: { address?: string; topics?: (string | null)[] },
  fromBlock: number,
  toBlock?: number,
): Promise<Log[]> {
  const last = toBlock ?? (await provider.getBlockNumber());
  return queryInChunks(fromBlock, last, (from, to) =>
    provider.getLogs({ ...filter, fromBlock: from, toBlock: to }),
  );
}

/**
 * The current git commit, with "-dirty" when tracked files other than the records and Ignition's
 * journals have changes; "unknown" outside git.
 */
export function gitCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    // What the toolkit itself writes (records, Ignition's journals) is not a change of the code.
    const dirty = execFileSync(
      "git",
      [
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        ".",
        ":(exclude)deployments/*.json",
        ":(exclude)ignition/deployments",
      ],
      { cwd: ROOT, encoding: "utf8" },
    ).trim();
    return dirty === "" ? head : `${head}-dirty`;
  } catch {
    return "unknown";
  }
}
