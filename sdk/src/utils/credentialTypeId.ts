import { keccak256, stringToHex, type Hex } from "viem";

/**
 * The credential type id of a label: `keccak256(utf8(label))`, as deploy.config.ts registers them.
 *
 * @example
 * credentialTypeId("kyc.basic");
 */
export function credentialTypeId(label: string): Hex {
  return keccak256(stringToHex(label));
}
