import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkKey, type OwnerGrantKey } from "./internal/terms.js";

/** Parameters of {@link revoke}: revokes one of the sender's grants (right of deletion); refused while its lock is in force (see canrevoke). */
export type RevokeParameters = WriteOptions & OwnerGrantKey;

function call(parameters: RevokeParameters) {
  return contractCall("accessGrants", "revoke", [checkKey(parameters)]);
}

/**
 * Revokes one of the sender's grants (right of deletion); refused while its lock is in force (see canRevoke). Sent by the owner.
 *
 * @example
 * await revoke(walletClient, { grantee, dataHash, purpose });
 */
export const revoke = /* @__PURE__ */ writeForm("revoke", call);

/**
 * {@link revoke} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRevoke(client, parameters);
 */
export const simulateRevoke = /* @__PURE__ */ simulateForm(call);

/**
 * {@link revoke}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRevoke({ ...parameters, address: accessGrants });
 */
export const prepareRevoke = /* @__PURE__ */ prepareForm(call);
