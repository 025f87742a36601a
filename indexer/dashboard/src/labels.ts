/**
 * Purposes and credential types are stored as keccak256 hashes of labels. The dashboard shows the
 * label of a hash it knows: the labels of this project's deploy configuration and demo, and common
 * ones. An unknown hash is shown as a hash; search accepts any label.
 */
import { keccak256, stringToHex } from "viem";

const ZERO = `0x${"00".repeat(32)}`;

const KNOWN_PURPOSES = [
  "onboarding",
  "aml.monitoring",
  "travel-rule",
  "kyc",
  "account-opening",
  "credit-check",
  "fraud-prevention",
];
const KNOWN_TYPES = ["kyc.basic", "kyc.enhanced", "aml.screening", "accredited-investor"];

const byHash = new Map<string, string>([[ZERO, "(unspecified)"]]);
for (const label of [...KNOWN_PURPOSES, ...KNOWN_TYPES])
  byHash.set(keccak256(stringToHex(label)), label);

/** The label of a purpose or credential type hash, or null when it is not a known one. */
export function labelOf(hash: string): string | null {
  return byHash.get(hash.toLowerCase()) ?? null;
}

export const knownTypes = KNOWN_TYPES;
