import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkKey, type OwnerGrantKey } from "./internal/terms.js";
import { assertSeconds } from "../utils/time.js";

/** Parameters of {@link extendLock}: lengthens the lock of one of the sender's active grants; never shortens it, never past the expiry. */
export type ExtendLockParameters = WriteOptions & OwnerGrantKey & { lockedUntil: bigint };

function call(parameters: ExtendLockParameters) {
  return contractCall("accessGrants", "extendLock", [
    checkKey(parameters),
    assertSeconds("lockedUntil", parameters.lockedUntil),
  ]);
}

/**
 * Lengthens the lock of one of the sender's active grants; never shortens it, never past the expiry. Sent by the owner.
 *
 * @example
 * await extendLock(walletClient, { grantee, dataHash, purpose, lockedUntil: 1924992000n });
 */
export const extendLock = /* @__PURE__ */ writeForm("extendLock", call);

/**
 * {@link extendLock} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateExtendLock(client, parameters);
 */
export const simulateExtendLock = /* @__PURE__ */ simulateForm(call);

/**
 * {@link extendLock}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareExtendLock({ ...parameters, address: accessGrants });
 */
export const prepareExtendLock = /* @__PURE__ */ prepareForm(call);
