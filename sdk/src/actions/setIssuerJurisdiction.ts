import type { Address, Hex } from "viem";

import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkAddress } from "./internal/terms.js";

/** Parameters of {@link setIssuerJurisdiction}: sets a live issuer's jurisdiction (jurisdictioncode("ch"), or "0x0000" for none) (registrars). */
export type SetIssuerJurisdictionParameters = WriteOptions & { issuer: Address; jurisdiction: Hex };

function call(parameters: SetIssuerJurisdictionParameters) {
  return contractCall("issuerRegistry", "setIssuerJurisdiction", [
    checkAddress("issuer", parameters.issuer),
    parameters.jurisdiction,
  ]);
}

/**
 * Sets a live issuer's jurisdiction (jurisdictionCode("CH"), or "0x0000" for none) (registrars). Sent by the registrar.
 *
 * @example
 * await setIssuerJurisdiction(registrarClient, { issuer, jurisdiction: jurisdictionCode("DE") });
 */
export const setIssuerJurisdiction = /* @__PURE__ */ writeForm("setIssuerJurisdiction", call);

/**
 * {@link setIssuerJurisdiction} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateSetIssuerJurisdiction(client, parameters);
 */
export const simulateSetIssuerJurisdiction = /* @__PURE__ */ simulateForm(call);

/**
 * {@link setIssuerJurisdiction}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareSetIssuerJurisdiction({ ...parameters, address: issuerRegistry });
 */
export const prepareSetIssuerJurisdiction = /* @__PURE__ */ prepareForm(call);
