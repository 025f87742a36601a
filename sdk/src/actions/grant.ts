import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkTerms, type GrantTerms } from "./internal/terms.js";

/** Parameters of {@link grant}: grants `grantee` access to a data item for a purpose, as the sender (the owner). */
export type GrantParameters = WriteOptions & GrantTerms;

function call(parameters: GrantParameters) {
  return contractCall("accessGrants", "grant", [checkTerms(parameters)]);
}

/**
 * Grants `grantee` access to a data item for a purpose, as the sender (the owner). Returns the grant id as the simulate result. Sent by the owner.
 *
 * @example
 * const { dataHash, salt } = createDataReference({ dataId: "passport-1", grantee });
 * const hash = await grant(walletClient, {
 *   grantee,
 *   dataHash,
 *   purpose: purposeHash("onboarding"),
 *   lockedUntil: toSeconds(new Date("2030-01-01")), // the grantee's retention duty
 * });
 */
export const grant = /* @__PURE__ */ writeForm("grant", call);

/**
 * {@link grant} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateGrant(client, parameters);
 */
export const simulateGrant = /* @__PURE__ */ simulateForm(call);

/**
 * {@link grant}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareGrant({ ...parameters, address: accessGrants });
 */
export const prepareGrant = /* @__PURE__ */ prepareForm(call);
