import type { Address, Client, Hex } from "viem";

import { readCall, type ReadOptions } from "./internal/read.js";
import { checkAddress, checkHash } from "./internal/terms.js";

/** Parameters of {@link isTrusted}. */
export type IsTrustedParameters = ReadOptions & {
  issuer: Address;
  credentialType: Hex;
  /** Unix seconds: was it trusted then (`wasTrusted`)? Default now (`isTrusted`). */
  at?: bigint | undefined;
};

/**
 * True when `issuer` is (or was, at `at`) Active, inside its validity window and accredited for
 * `credentialType`.
 *
 * @example
 * await isTrusted(client, { issuer, credentialType: credentialTypeId("kyc.basic") });
 * await isTrusted(client, { issuer, credentialType, at: receipt.issuedAt });
 */
export async function isTrusted(client: Client, parameters: IsTrustedParameters): Promise<boolean> {
  const issuer = checkAddress("issuer", parameters.issuer);
  const type = checkHash("credentialType", parameters.credentialType);
  return (await (parameters.at === undefined
    ? readCall(client, "issuerRegistry", parameters, "isTrusted", [issuer, type])
    : readCall(client, "issuerRegistry", parameters, "wasTrusted", [
        issuer,
        type,
        parameters.at,
      ]))) as boolean;
}
