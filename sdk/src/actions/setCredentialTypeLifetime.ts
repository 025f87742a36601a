import type { Hex } from "viem";

import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { assertSeconds } from "../utils/time.js";
import { checkHash } from "./internal/terms.js";

/** Parameters of {@link setCredentialTypeLifetime}: a registered type and its new maximum receipt lifetime. */
export type SetCredentialTypeLifetimeParameters = WriteOptions & {
  credentialType: Hex;
  /** Seconds (bigint): the longest `validUntil - issuedAt` a receipt may state; 0n refuses every receipt of the type. */
  maxReceiptLifetime: bigint;
};

function call(parameters: SetCredentialTypeLifetimeParameters) {
  return contractCall("issuerRegistry", "setCredentialTypeLifetime", [
    checkHash("credentialType", parameters.credentialType, true),
    assertSeconds("maxReceiptLifetime", parameters.maxReceiptLifetime),
  ]);
}

/**
 * Sets a credential type's maximum receipt lifetime (registrars). It bounds backdating: a key that
 * lost its trust at time T signs no receipt valid after T + lifetime. Sent by the registrar.
 *
 * @example
 * await setCredentialTypeLifetime(registrarClient, { credentialType: credentialTypeId("kyc.basic"), maxReceiptLifetime: 30n * 86_400n });
 */
export const setCredentialTypeLifetime = /* @__PURE__ */ writeForm(
  "setCredentialTypeLifetime",
  call,
);

/**
 * {@link setCredentialTypeLifetime} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateSetCredentialTypeLifetime(client, parameters);
 */
export const simulateSetCredentialTypeLifetime = /* @__PURE__ */ simulateForm(call);

/**
 * {@link setCredentialTypeLifetime}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareSetCredentialTypeLifetime({ ...parameters, address: issuerRegistry });
 */
export const prepareSetCredentialTypeLifetime = /* @__PURE__ */ prepareForm(call);
