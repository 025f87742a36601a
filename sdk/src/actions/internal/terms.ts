import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";

import { InvalidParameterError } from "../../errors/base.js";
import { assertSeconds } from "../../utils/time.js";

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

export function checkAddress(name: string, value: Address): Address {
  if (!isAddress(value, { strict: false })) {
    throw new InvalidParameterError(
      name,
      `${JSON.stringify(value)} is not an address`,
      "pass 0x and 40 hex digits",
    );
  }
  return getAddress(value);
}

export function checkHash(name: string, value: Hex, nonZero = false): Hex {
  if (!isHex(value, { strict: true }) || value.length !== 66) {
    throw new InvalidParameterError(
      name,
      `${JSON.stringify(value)} is not 32 bytes of 0x-hex`,
      "pass 0x and 64 hex digits",
    );
  }
  if (nonZero && /^0x0{64}$/.test(value)) {
    throw new InvalidParameterError(
      name,
      "is zero",
      "derive it with createDataReference() or deriveDataHash()",
    );
  }
  return value;
}

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
