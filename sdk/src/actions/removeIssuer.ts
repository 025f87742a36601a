import type { Address } from "viem";

import type { WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { issuerStatusCall } from "./internal/issuer.js";

/** Parameters of {@link removeIssuer}: removes an issuer key for good; its receipts are refused from now on (registrars). */
export type RemoveIssuerParameters = WriteOptions & { issuer: Address };

const call = (parameters: RemoveIssuerParameters) => issuerStatusCall("removeIssuer", parameters);

/**
 * Removes an issuer key for good; its receipts are refused from now on (registrars). Sent by the registrar.
 *
 * @example
 * await removeIssuer(registrarClient, { issuer });
 */
export const removeIssuer = /* @__PURE__ */ writeForm("removeIssuer", call);

/**
 * {@link removeIssuer} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRemoveIssuer(client, parameters);
 */
export const simulateRemoveIssuer = /* @__PURE__ */ simulateForm(call);

/**
 * {@link removeIssuer}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRemoveIssuer({ ...parameters, address: issuerRegistry });
 */
export const prepareRemoveIssuer = /* @__PURE__ */ prepareForm(call);
