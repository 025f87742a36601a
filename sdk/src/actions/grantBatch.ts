import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkTerms, type GrantTerms } from "./internal/terms.js";

/** Parameters of {@link grantBatch}: grants many at once, as the sender; one failure reverts all. */
export type GrantBatchParameters = WriteOptions & { grants: readonly GrantTerms[] };

function call(parameters: GrantBatchParameters) {
  return contractCall("accessGrants", "grantBatch", [parameters.grants.map(checkTerms)]);
}

/**
 * Grants many at once, as the sender; one failure reverts all. Sent by the owner.
 *
 * @example
 * await grantBatch(walletClient, { grants: [{ grantee: a, dataHash: h1, purpose }, { grantee: b, dataHash: h2, purpose }] });
 */
export const grantBatch = /* @__PURE__ */ writeForm("grantBatch", call);

/**
 * {@link grantBatch} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateGrantBatch(client, parameters);
 */
export const simulateGrantBatch = /* @__PURE__ */ simulateForm(call);

/**
 * {@link grantBatch}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareGrantBatch({ ...parameters, address: accessGrants });
 */
export const prepareGrantBatch = /* @__PURE__ */ prepareForm(call);
