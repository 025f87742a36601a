import { stringToHex, type Hex } from "viem";

import { InvalidParameterError } from "../errors/base.js";

/**
 * The `bytes2` jurisdiction of an ISO 3166-1 alpha-2 code (`"CH"` → `0x4348`); `""` → `0x0000` (none).
 *
 * @example
 * jurisdictionCode("CH"); // "0x4348"
 */
export function jurisdictionCode(code: string): Hex {
  if (code === "") return "0x0000";
  if (!/^[A-Z]{2}$/.test(code)) {
    throw new InvalidParameterError(
      "jurisdiction",
      `"${code}" is not ISO 3166-1 alpha-2`,
      'pass two upper-case letters, e.g. "CH", or "" for none',
    );
  }
  return stringToHex(code);
}
