import { keccak256, stringToHex, type Hex } from "viem";

import { zeroHash } from "../constants.js";

/**
 * The on-chain `purpose` of a purpose label: `keccak256(utf8(label))`, or zero for "" (unspecified).
 * The indexer's REST API hashes labels the same way.
 *
 * @example
 * purposeHash("onboarding"); // 0x...
 * purposeHash(""); // 0x000...000 (unspecified)
 */
export function purposeHash(label: string): Hex {
  return label === "" ? zeroHash : keccak256(stringToHex(label));
}
