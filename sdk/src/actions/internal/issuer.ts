/** What the registrar's issuer actions share: the validity bound and the one-issuer calls. */
import type { Address } from "viem";

import { checkAddress } from "./terms.js";

/** `type(uint40).max`: issuer validity windows are uint40 seconds. */
export const MAX_UINT40 = 2n ** 40n - 1n;

/** The registrar's status changes, whose only argument is the issuer. */
export type IssuerStatusChange = "suspendIssuer" | "restoreIssuer" | "removeIssuer";

/** The call of a status change of `parameters.issuer`. */
export function issuerStatusCall<F extends IssuerStatusChange>(
  functionName: F,
  parameters: { issuer: Address },
) {
  return {
    contract: "issuerRegistry",
    functionName,
    args: [checkAddress("issuer", parameters.issuer)],
  } as const;
}
