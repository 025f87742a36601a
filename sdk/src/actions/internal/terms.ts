import type { Address, Hex } from "viem";

import { checkAddress, checkHash } from "../../utils/checks.js";
import { assertSeconds } from "../../utils/time.js";

export { checkAddress, checkHash };

/** What an owner grants: to whom, which data item, for which purpose and for how long. */
export type GrantTerms = {
  grantee: Address;
  /** The salted data hash (createDataReference / deriveDataHash); never zero. */
  dataHash: Hex;
  /** The purpose hash (purposeHash); zero for unspecified. */
  purpose: Hex;
  /** Unix seconds (bigint) before which the owner cannot revoke; default 0n (no lock). */
  lockedUntil?: bigint | undefined;
  /** Unix seconds (bigint) at which the grant stops; default 0n (never). */
  expiresAt?: bigint | undefined;
};

/** An existing grant of the owner (the sender, or the signer of a request). */
export type OwnerGrantKey = { grantee: Address; dataHash: Hex; purpose: Hex };

export function checkKey(key: OwnerGrantKey): OwnerGrantKey {
  return {
    grantee: checkAddress("grantee", key.grantee),
    dataHash: checkHash("dataHash", key.dataHash),
    purpose: checkHash("purpose", key.purpose),
  };
}

export function checkTerms(terms: GrantTerms) {
  return {
    grantee: checkAddress("grantee", terms.grantee),
    dataHash: checkHash("dataHash", terms.dataHash, true),
    purpose: checkHash("purpose", terms.purpose),
    lockedUntil: assertSeconds("lockedUntil", terms.lockedUntil ?? 0n),
    expiresAt: assertSeconds("expiresAt", terms.expiresAt ?? 0n),
  };
}
