import type { Address } from "viem";

import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkAddress } from "./internal/terms.js";
import { assertSeconds } from "../utils/time.js";
import { MAX_UINT40 } from "./internal/issuer.js";

/** Parameters of {@link setIssuerValidity}: sets a live issuer's validity window in unix seconds; `validuntil` 0n means no end (registrars). */
export type SetIssuerValidityParameters = WriteOptions & {
  issuer: Address;
  validFrom: bigint;
  validUntil: bigint;
};

function call(parameters: SetIssuerValidityParameters) {
  return contractCall("issuerRegistry", "setIssuerValidity", [
    checkAddress("issuer", parameters.issuer),
    Number(assertSeconds("validFrom", parameters.validFrom, MAX_UINT40)),
    Number(assertSeconds("validUntil", parameters.validUntil, MAX_UINT40)),
  ]);
}

/**
 * Sets a live issuer's validity window in unix seconds; `validUntil` 0n means no end (registrars). Sent by the registrar.
 *
 * @example
 * await setIssuerValidity(registrarClient, { issuer, validFrom: 0n, validUntil: toSeconds(new Date("2031-01-01")) });
 */
export const setIssuerValidity = /* @__PURE__ */ writeForm("setIssuerValidity", call);

/**
 * {@link setIssuerValidity} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateSetIssuerValidity(client, parameters);
 */
export const simulateSetIssuerValidity = /* @__PURE__ */ simulateForm(call);

/**
 * {@link setIssuerValidity}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareSetIssuerValidity({ ...parameters, address: issuerRegistry });
 */
export const prepareSetIssuerValidity = /* @__PURE__ */ prepareForm(call);
