/**
 * The deployment record's JSON Schema (`deployments/record.schema.json`, draft 2020-12), checked with
 * Ajv. The deploy toolkit validates a record before it writes one; the indexer's config
 * (`indexer/ponder.config.ts`) validates every record it reads. Standalone (Ajv and node:fs only), so
 * that the indexer can import it without the Hardhat side of the repository; beside the schema, below
 * both the toolkit (scripts/lib) and the indexer, so that neither folder imports the other's way back.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";

/** The schema file, always the repository's own (records may live elsewhere). */
export const RECORD_SCHEMA_FILE = fileURLToPath(new URL("./record.schema.json", import.meta.url));

// ---- The record's types (what record.schema.json describes) ----

/** The contracts a deployment record holds. */
export type ContractName = "AccessGrants" | "IssuerRegistry" | "KycVault";

export interface ContractRecord {
  address: string;
  /** The transaction that created the contract (through CreateX). */
  txHash: string;
  /** The block of that transaction: where an indexer starts. */
  blockNumber: number;
  /** The account that sent the transaction. */
  deployer: string;
  /** keccak256 of the runtime bytecode on chain. */
  bytecodeHash: string;
  /** The constructor arguments, ABI-encoded. */
  constructorArgs: string;
  /**
   * Hardhat's build id of the production compile the contract was deployed from (the file name in
   * artifacts/build-info/): a hash of the compiler and the standard-JSON input that explorers verify.
   */
  buildInfoId?: string;
  /** Where the source code was verified, per explorer (`npm run verify`). */
  verified?: Partial<Record<Explorer, Verification>>;
}

/** The explorers `npm run verify` submits sources to. */
export type Explorer = "etherscan" | "blockscout" | "sourcify";

export interface Verification {
  /** The contract's page on the explorer. */
  url: string;
  /** When the explorer confirmed the verification (ISO 8601, UTC). */
  verifiedAt: string;
}

export interface DeploymentRecord {
  /** Record format version. */
  format: 1;
  network: string;
  chainId: number;
  createX: string;
  salt: string;
  compiler: { version: string; evmVersion: string; optimizerRuns: number; viaIR: boolean };
  gitCommit: string;
  /** Blocks after which the indexer may treat a block as final (networks.config.ts presets). */
  finalityBlocks?: number;
  contracts: Partial<Record<ContractName, ContractRecord>>;
}

/** One thing wrong with a record: the field (dotted path, "" for the whole record) and why. */
export interface RecordProblem {
  field: string;
  problem: string;
}

/** A record that is not JSON or does not match the schema; the message names the file and field. */
export class DeploymentRecordError extends Error {
  override readonly name = "DeploymentRecordError";
  constructor(
    readonly file: string,
    readonly problems: RecordProblem[],
    readonly hint: string,
  ) {
    const first = problems
      .slice(0, 5)
      .map((p) => (p.field === "" ? p.problem : `${p.field} ${p.problem}`));
    const more = problems.length > 5 ? `; and ${problems.length - 5} more` : "";
    super(`${file}: ${first.join("; ")}${more} (${hint})`);
  }
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(RECORD_SCHEMA_FILE, "utf8")) as object;
  // verbose: each error carries the offending value and the schema that refused it.
  compiled = new Ajv2020({ allErrors: true, verbose: true, strict: true }).compile(schema);
  return compiled;
}

/** JSON pointer "/contracts/AccessGrants/address" -> "contracts.AccessGrants.address". */
function fieldOf(pointer: string, child?: string): string {
  const parts = pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (child !== undefined) parts.push(child);
  return parts.join(".");
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeError(e: ErrorObject): RecordProblem {
  const params = e.params as Record<string, unknown>;
  const got = ` (got ${shown(e.data)})`;
  switch (e.keyword) {
    case "required":
      return {
        field: fieldOf(e.instancePath, String(params.missingProperty)),
        problem: "is missing",
      };
    case "propertyNames":
      return {
        field: fieldOf(e.instancePath, String(params.propertyName)),
        problem: "is not a contract name (a capitalised identifier, e.g. AccessGrants)",
      };
    case "const":
      return {
        field: fieldOf(e.instancePath),
        problem: `must be ${shown(params.allowedValue)}${got}`,
      };
    case "type":
      return { field: fieldOf(e.instancePath), problem: `must be ${String(params.type)}${got}` };
    case "pattern": {
      const description = (e.parentSchema as { description?: string } | undefined)?.description;
      return {
        field: fieldOf(e.instancePath),
        problem: `is not valid: ${description ?? `must match ${String(params.pattern)}`}${got}`,
      };
    }
    case "minimum":
    case "maximum":
      return {
        field: fieldOf(e.instancePath),
        problem: `must be ${String(params.comparison)} ${String(params.limit)}${got}`,
      };
    default:
      return { field: fieldOf(e.instancePath), problem: `${e.message ?? "is not valid"}${got}` };
  }
}

/**
 * What is wrong with `record` against the schema; empty when it is a valid record.
 *
 * @example
 * recordProblems({ format: 1 }); // [{ field: "network", problem: "is missing" }, ...]
 */
export function recordProblems(record: unknown): RecordProblem[] {
  const validate = validator();
  if (validate(record)) return [];
  const seen = new Set<string>();
  const problems: RecordProblem[] = [];
  for (const e of validate.errors ?? []) {
    // A propertyNames failure also reports the pattern under it: keep one line per field.
    if (e.propertyName !== undefined) continue;
    const p = describeError(e);
    const key = `${p.field}\u0000${p.problem}`;
    if (!seen.has(key)) problems.push(p);
    seen.add(key);
  }
  return problems;
}

/** Throws a DeploymentRecordError naming `file` and the fields when `record` is not valid. */
export function assertValidRecord(
  record: unknown,
  file: string,
  hint: string,
): asserts record is DeploymentRecord {
  const problems = recordProblems(record);
  if (problems.length > 0) throw new DeploymentRecordError(file, problems, hint);
}

/**
 * Reads and validates a record file; throws a DeploymentRecordError with the file name, the field
 * that is wrong and what to do.
 *
 * @example
 * const record = readRecordFile("deployments/localhost.json");
 */
export function readRecordFile(file: string): DeploymentRecord {
  const relative = path.relative(process.cwd(), file);
  const shownFile = relative === "" || relative.startsWith("../..") ? file : relative;
  const hint = `fix or remove the file; npm run deploy -- --network <name> writes a valid one (format: ${path.relative(process.cwd(), RECORD_SCHEMA_FILE)})`;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const problem = `cannot be read: ${(error as Error).message}`;
    throw new DeploymentRecordError(shownFile, [{ field: "", problem }], hint);
  }
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    const problem = `is not JSON: ${(error as Error).message}`;
    throw new DeploymentRecordError(shownFile, [{ field: "", problem }], hint);
  }
  assertValidRecord(record, shownFile, hint);
  return record;
}
