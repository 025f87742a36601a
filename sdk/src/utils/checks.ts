import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";

import { InvalidParameterError } from "../errors/base.js";

/** `value` as a checksummed address, or an `InvalidParameterError` naming `name`. */
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

/** `value` if it is 32 bytes of 0x-hex (and, with `nonZero`, not zero), or an `InvalidParameterError`. */
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
