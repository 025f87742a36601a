import type { Account, Chain, Client, Hash, Hex, Transport } from "viem";

import {
  prepareCall,
  simulateCall,
  writeCall,
  type PreparedCall,
  type SimulateReturnType,
  type WriteOptions,
} from "./internal/call.js";
import { checkHash } from "./internal/terms.js";

/** Parameters of {@link updateIssuerMetadata}: publishes the hash of the sender's new issuer metadata document (the issuer key itself). */
export type UpdateIssuerMetadataParameters = WriteOptions & { metadataHash: Hex };

function call(parameters: UpdateIssuerMetadataParameters) {
  return {
    contract: "issuerRegistry",
    functionName: "updateMetadata",
    args: [checkHash("metadataHash", parameters.metadataHash)],
  } as const;
}

/**
 * Publishes the hash of the sender's new issuer metadata document (the issuer key itself). Sent by the issuer.
 *
 * @example
 * await updateIssuerMetadata(issuerClient, { metadataHash: keccak256(metadataDocument) });
 */
export async function updateIssuerMetadata(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: UpdateIssuerMetadataParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "updateIssuerMetadata");
}

/**
 * {@link updateIssuerMetadata} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateUpdateIssuerMetadata(client, parameters);
 */
export async function simulateUpdateIssuerMetadata(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: UpdateIssuerMetadataParameters,
): Promise<SimulateReturnType<"issuerRegistry", "updateMetadata">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link updateIssuerMetadata}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareUpdateIssuerMetadata({ ...parameters, chainId: 1 });
 */
export function prepareUpdateIssuerMetadata(
  parameters: UpdateIssuerMetadataParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
