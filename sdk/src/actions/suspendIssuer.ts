import type { Address } from "viem";

import type { WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { issuerStatusCall } from "./internal/issuer.js";

/** Parameters of {@link suspendIssuer}: suspends an active issuer. */
export type SuspendIssuerParameters = WriteOptions & { issuer: Address };

const call = (parameters: SuspendIssuerParameters) => issuerStatusCall("suspendIssuer", parameters);

/**
 * Suspends an Active issuer: not trusted until restored (registrars). Sent by the registrar.
 *
 * @example
 * await suspendIssuer(registrarClient, { issuer });
 */
export const suspendIssuer = /* @__PURE__ */ writeForm("suspendIssuer", call);

/**
 * {@link suspendIssuer} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateSuspendIssuer(client, parameters);
 */
export const simulateSuspendIssuer = /* @__PURE__ */ simulateForm(call);

/**
 * {@link suspendIssuer}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareSuspendIssuer({ ...parameters, address: issuerRegistry });
 */
export const prepareSuspendIssuer = /* @__PURE__ */ prepareForm(call);
