import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkKey, type OwnerGrantKey } from "./internal/terms.js";

/** Parameters of {@link revokeBatch}: revokes many of the sender's grants at once; one failure reverts all. */
export type RevokeBatchParameters = WriteOptions & { keys: readonly OwnerGrantKey[] };

function call(parameters: RevokeBatchParameters) {
  return contractCall("accessGrants", "revokeBatch", [parameters.keys.map(checkKey)]);
}

/**
 * Revokes many of the sender's grants at once; one failure reverts all. Sent by the owner.
 *
 * @example
 * await revokeBatch(walletClient, { keys: [{ grantee, dataHash, purpose }] });
 */
export const revokeBatch = /* @__PURE__ */ writeForm("revokeBatch", call);

/**
 * {@link revokeBatch} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRevokeBatch(client, parameters);
 */
export const simulateRevokeBatch = /* @__PURE__ */ simulateForm(call);

/**
 * {@link revokeBatch}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRevokeBatch({ ...parameters, address: accessGrants });
 */
export const prepareRevokeBatch = /* @__PURE__ */ prepareForm(call);
