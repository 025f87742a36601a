import type { Hex } from "viem";

import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkHash, checkKey, type OwnerGrantKey } from "./internal/terms.js";
import { assertSeconds } from "../utils/time.js";

/** Parameters of {@link replace}: re-points one of the sender's active grants at corrected data (rectification), even while locked. */
export type ReplaceParameters = WriteOptions &
  OwnerGrantKey & {
    newDataHash: Hex;
    lockedUntil?: bigint | undefined;
    expiresAt?: bigint | undefined;
  };

function call(parameters: ReplaceParameters) {
  return contractCall("accessGrants", "replace", [
    checkKey(parameters),
    checkHash("newDataHash", parameters.newDataHash, true),
    assertSeconds("lockedUntil", parameters.lockedUntil ?? 0n),
    assertSeconds("expiresAt", parameters.expiresAt ?? 0n),
  ]);
}

/**
 * Re-points one of the sender's active grants at corrected data (rectification), even while locked. The simulate result is the new grant id. Sent by the owner.
 *
 * @example
 * await replace(walletClient, { grantee, dataHash, purpose, newDataHash, lockedUntil: grant.lockedUntil });
 */
export const replace = /* @__PURE__ */ writeForm("replace", call);

/**
 * {@link replace} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateReplace(client, parameters);
 */
export const simulateReplace = /* @__PURE__ */ simulateForm(call);

/**
 * {@link replace}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareReplace({ ...parameters, address: accessGrants });
 */
export const prepareReplace = /* @__PURE__ */ prepareForm(call);
