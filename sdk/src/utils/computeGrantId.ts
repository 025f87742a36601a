import { encodeAbiParameters, getAddress, keccak256, type Address, type Hex } from "viem";

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
 * `keccak256(abi.encode(owner, grantee, dataHash, purpose))`.
 *
 * @example
 * const grantId = computeGrantId({ owner, grantee, dataHash, purpose: purposeHash("onboarding") });
 */
export function computeGrantId(key: GrantKey): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "address" }, { type: "address" }, { type: "bytes32" }, { type: "bytes32" }],
      [getAddress(key.owner), getAddress(key.grantee), key.dataHash, key.purpose],
    ),
  );
}
