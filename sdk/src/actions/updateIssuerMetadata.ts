import type { Hex } from "viem";

import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkHash } from "./internal/terms.js";

/** Parameters of {@link updateIssuerMetadata}: publishes the hash of the sender's new issuer metadata document (the issuer key itself). */
export type UpdateIssuerMetadataParameters = WriteOptions & { metadataHash: Hex };

function call(parameters: UpdateIssuerMetadataParameters) {
  return contractCall("issuerRegistry", "updateMetadata", [
    checkHash("metadataHash", parameters.metadataHash),
  ]);
}

/**
 * Publishes the hash of the sender's new issuer metadata document (the issuer key itself). Sent by the issuer.
 *
 * @example
 * await updateIssuerMetadata(issuerClient, { metadataHash: keccak256(metadataDocument) });
 */
export const updateIssuerMetadata = /* @__PURE__ */ writeForm("updateIssuerMetadata", call);

/**
 * {@link updateIssuerMetadata} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateUpdateIssuerMetadata(client, parameters);
 */
export const simulateUpdateIssuerMetadata = /* @__PURE__ */ simulateForm(call);

/**
 * {@link updateIssuerMetadata}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareUpdateIssuerMetadata({ ...parameters, address: issuerRegistry });
 */
export const prepareUpdateIssuerMetadata = /* @__PURE__ */ prepareForm(call);
