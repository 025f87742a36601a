import { keccak256, stringToHex, type Hex } from "viem";

import { zeroHash } from "../constants.js";
import { InvalidParameterError } from "../errors/base.js";

/**
 * The on-chain `purpose` of a purpose label: `keccak256(utf8(label))`, or zero for "" (unspecified).
 * The indexer's REST API hashes labels the same way.
 *
 * @example
 * purposeHash("onboarding"); // 0x...
 * purposeHash(""); // 0x000...000 (unspecified)
 */
export function purposeHash(label: string): Hex {
  if (typeof label !== "string") {
    throw new InvalidParameterError(
      "purpose",
      `label must be a string, got ${typeof label} ${String(label)}`,
      'pass the purpose\'s label, or "" for unspecified',
    );
  }
  return label === "" ? zeroHash : keccak256(stringToHex(label));
}
