import type { Address, Hex } from "viem";

import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkAddress, checkHash } from "./internal/terms.js";

/** Parameters of {@link setIssuerTypes}: replaces the set of credential types a live issuer is accredited for (registrars). */
export type SetIssuerTypesParameters = WriteOptions & {
  issuer: Address;
  credentialTypes: readonly Hex[];
};

function call(parameters: SetIssuerTypesParameters) {
  return contractCall("issuerRegistry", "setIssuerTypes", [
    checkAddress("issuer", parameters.issuer),
    parameters.credentialTypes.map((t) => checkHash("credentialTypes[]", t, true)),
  ]);
}

/**
 * Replaces the set of credential types a live issuer is accredited for (registrars). Sent by the registrar.
 *
 * @example
 * await setIssuerTypes(registrarClient, { issuer, credentialTypes: [kycBasic, kycFull] });
 */
export const setIssuerTypes = /* @__PURE__ */ writeForm("setIssuerTypes", call);

/**
 * {@link setIssuerTypes} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateSetIssuerTypes(client, parameters);
 */
export const simulateSetIssuerTypes = /* @__PURE__ */ simulateForm(call);

/**
 * {@link setIssuerTypes}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareSetIssuerTypes({ ...parameters, address: issuerRegistry });
 */
export const prepareSetIssuerTypes = /* @__PURE__ */ prepareForm(call);
