import type { Hex } from "viem";

import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkHash } from "./internal/terms.js";

/** Parameters of {@link registerCredentialType}: registers a credential type id at the next free bit (registrars). */
export type RegisterCredentialTypeParameters = WriteOptions & { credentialType: Hex };

function call(parameters: RegisterCredentialTypeParameters) {
  return contractCall("issuerRegistry", "registerCredentialType", [
    checkHash("credentialType", parameters.credentialType, true),
  ]);
}

/**
 * Registers a credential type id at the next free bit (registrars). The simulate result is the bit. Sent by the registrar.
 *
 * @example
 * await registerCredentialType(registrarClient, { credentialType: credentialTypeId("kyc.basic") });
 */
export const registerCredentialType = /* @__PURE__ */ writeForm("registerCredentialType", call);

/**
 * {@link registerCredentialType} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRegisterCredentialType(client, parameters);
 */
export const simulateRegisterCredentialType = /* @__PURE__ */ simulateForm(call);

/**
 * {@link registerCredentialType}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRegisterCredentialType({ ...parameters, address: issuerRegistry });
 */
export const prepareRegisterCredentialType = /* @__PURE__ */ prepareForm(call);
