import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

import { checkAddress, checkHash } from "./checks.js";

/** The four fields that name a grant. */
export type GrantKey = {
  owner: Address;
  grantee: Address;
  /** The salted reference of the data item (deriveDataHash). */
  dataHash: Hex;
  /** The purpose hash (purposeHash), zero for unspecified. */
  purpose: Hex;
};

/**
 * The grant id, as `AccessGrants.computeGrantId` computes it:
 * `keccak256(abi.encode(owner, grantee, dataHash, purpose))`. A field that is not an address or
 * 32 bytes of hex is an `InvalidParameterError` naming it.
 *
 * @example
 * const grantId = computeGrantId({ owner, grantee, dataHash, purpose: purposeHash("onboarding") });
 */
export function computeGrantId(key: GrantKey): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "address" }, { type: "address" }, { type: "bytes32" }, { type: "bytes32" }],
      [
        checkAddress("owner", key.owner),
        checkAddress("grantee", key.grantee),
        checkHash("dataHash", key.dataHash),
        checkHash("purpose", key.purpose),
      ],
    ),
  );
}
