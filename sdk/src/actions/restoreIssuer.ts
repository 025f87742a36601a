import type { Address } from "viem";

import type { WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { issuerStatusCall } from "./internal/issuer.js";

/** Parameters of {@link restoreIssuer}: restores a suspended issuer to active (registrars). */
export type RestoreIssuerParameters = WriteOptions & { issuer: Address };

const call = (parameters: RestoreIssuerParameters) => issuerStatusCall("restoreIssuer", parameters);

/**
 * Restores a Suspended issuer to Active (registrars). Sent by the registrar.
 *
 * @example
 * await restoreIssuer(registrarClient, { issuer });
 */
export const restoreIssuer = /* @__PURE__ */ writeForm("restoreIssuer", call);

/**
 * {@link restoreIssuer} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRestoreIssuer(client, parameters);
 */
export const simulateRestoreIssuer = /* @__PURE__ */ simulateForm(call);

/**
 * {@link restoreIssuer}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRestoreIssuer({ ...parameters, address: issuerRegistry });
 */
export const prepareRestoreIssuer = /* @__PURE__ */ prepareForm(call);
