import type { Address, Hex } from "viem";

import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkAddress, checkHash } from "./internal/terms.js";
import { assertSeconds } from "../utils/time.js";
import { zeroHash } from "../constants.js";
import { MAX_UINT40 } from "./internal/issuer.js";

/** Parameters of {@link addIssuer}: accredits a new issuer key as active with its types, jurisdiction and validity window (registrars). */
export type AddIssuerParameters = WriteOptions & {
  issuer: Address;
  credentialTypes: readonly Hex[];
  jurisdiction?: Hex | undefined;
  validFrom?: bigint | undefined;
  validUntil?: bigint | undefined;
  metadataHash?: Hex | undefined;
};

function call(parameters: AddIssuerParameters) {
  return contractCall("issuerRegistry", "addIssuer", [
    checkAddress("issuer", parameters.issuer),
    parameters.credentialTypes.map((t) => checkHash("credentialTypes[]", t, true)),
    parameters.jurisdiction ?? "0x0000",
    Number(assertSeconds("validFrom", parameters.validFrom ?? 0n, MAX_UINT40)),
    Number(assertSeconds("validUntil", parameters.validUntil ?? 0n, MAX_UINT40)),
    checkHash("metadataHash", parameters.metadataHash ?? zeroHash),
  ]);
}

/**
 * Accredits a new issuer key as Active with its types, jurisdiction and validity window (registrars). Sent by the registrar.
 *
 * @example
 * await addIssuer(registrarClient, {
 *   issuer,
 *   credentialTypes: [credentialTypeId("kyc.basic")],
 *   jurisdiction: jurisdictionCode("CH"),
 * });
 */
export const addIssuer = /* @__PURE__ */ writeForm("addIssuer", call);

/**
 * {@link addIssuer} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateAddIssuer(client, parameters);
 */
export const simulateAddIssuer = /* @__PURE__ */ simulateForm(call);

/**
 * {@link addIssuer}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareAddIssuer({ ...parameters, address: issuerRegistry });
 */
export const prepareAddIssuer = /* @__PURE__ */ prepareForm(call);
