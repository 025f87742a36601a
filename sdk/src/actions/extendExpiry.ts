import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkKey, type OwnerGrantKey } from "./internal/terms.js";
import { assertSeconds } from "../utils/time.js";

/** Parameters of {@link extendExpiry}: lengthens the expiry of one of the sender's active grants; `0n` means never expires. */
export type ExtendExpiryParameters = WriteOptions & OwnerGrantKey & { expiresAt: bigint };

function call(parameters: ExtendExpiryParameters) {
  return contractCall("accessGrants", "extendExpiry", [
    checkKey(parameters),
    assertSeconds("expiresAt", parameters.expiresAt),
  ]);
}

/**
 * Lengthens the expiry of one of the sender's active grants; `0n` means never expires. Sent by the owner.
 *
 * @example
 * await extendExpiry(walletClient, { grantee, dataHash, purpose, expiresAt: 0n }); // never
 */
export const extendExpiry = /* @__PURE__ */ writeForm("extendExpiry", call);

/**
 * {@link extendExpiry} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateExtendExpiry(client, parameters);
 */
export const simulateExtendExpiry = /* @__PURE__ */ simulateForm(call);

/**
 * {@link extendExpiry}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareExtendExpiry({ ...parameters, address: accessGrants });
 */
export const prepareExtendExpiry = /* @__PURE__ */ prepareForm(call);
