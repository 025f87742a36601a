/**
 * Option parsing of the operate commands: addresses, hashes, data items, purposes, times, metadata,
 * jurisdictions, whole numbers and credential types. Each refusal is a `GrantKitError` of one line
 * that says what to pass instead. Pure: no chain access (the registered types are passed in).
 */
import { getAddress, isAddress, isHexString, keccak256, toUtf8Bytes } from "ethers";

import { deployConfig } from "../../deploy.config.js";
import { typeId } from "../../scripts/lib/deployment.js";
import { GrantKitError } from "../../scripts/lib/errors.js";
import { ZERO_HASH, deriveDataHash, purposeHash } from "../../scripts/lib/grants.js";

/** An address option, checksummed; refused when missing, malformed or with a wrong checksum. */
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

/** A 32-byte hash option, lower-case. */
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

/** `--jurisdiction`: an ISO 3166-1 alpha-2 code as bytes2; "" is none (0x0000). */
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

/** A uint256 option in decimal digits. */
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

/** A credential type registered in the IssuerRegistry, with its bit and its label when known. */
export interface RegisteredType {
  id: string;
  bit: number;
  label: string;
}

/** `--types a,b`: labels (or raw 32-byte ids) of registered types, refused otherwise; each once. */
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
  const types = items.map((item) => {
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
  // A type named twice (as a label or its id) is one type: the contract sets one bit for it.
  return [...new Set(types)];
}
