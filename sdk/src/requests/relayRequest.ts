import type { Account, Chain, Client, ContractFunctionArgs, Hash, Transport } from "viem";

import {
  prepareCall,
  simulateCall,
  writeCall,
  type PreparedCall,
  type SimulateReturnType,
  type AccessGrantsAbi,
  type WriteOptions,
} from "../actions/internal/call.js";
import { relayCalls, type Authorization, type RequestKind } from "../protocol.js";
import type { SignedRequest } from "./types.js";

/** Parameters of {@link relayRequest}: the signed request; the relayer is the sender. */
export type RelayRequestParameters = Omit<WriteOptions, "address" | "deployments"> & {
  request: SignedRequest;
};

/** The AccessGrants function that relays a request (`grantBySignature`, ...). */
export type RelayFunctionName = ReturnType<(typeof relayCalls)[RequestKind]>["functionName"];

/** The `*BySignature` call of a signed request, from the protocol table. */
export function relayCallOf(request: SignedRequest) {
  const { message, signature } = request;
  const build = relayCalls[request.kind] as (
    m: never,
    a: Authorization,
  ) => { functionName: RelayFunctionName; args: readonly unknown[] };
  const { functionName, args } = build(message as never, {
    nonce: message.nonce,
    deadline: message.deadline,
    signature,
  });
  // Typed as one of the relay functions: the table's builders produce each function's own arguments.
  return { contract: "accessGrants", functionName, args } as {
    contract: "accessGrants";
    functionName: "grantBySignature";
    args: ContractFunctionArgs<AccessGrantsAbi, "nonpayable", "grantBySignature">;
  };
}

/**
 * Submits an owner's signed request as the relayer (who pays the gas): `grantBySignature`,
 * `revokeBySignature`, ... by the request's kind, at its `verifyingContract`.
 *
 * @example
 * const signed = parseRequest(JSON.parse(body));
 * if ((await verifyRequest(client, signed)) === "Valid") await relayRequest(relayerClient, { request: signed });
 */
export async function relayRequest(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RelayRequestParameters,
): Promise<Hash> {
  const { request } = parameters;
  return writeCall(
    client,
    relayCallOf(request),
    { ...parameters, address: request.verifyingContract },
    "relayRequest",
  );
}

/**
 * {@link relayRequest} as an `eth_call`: checks the signature, nonce, deadline and the action itself.
 *
 * @example
 * await simulateRelayRequest(relayerClient, { request: signed }); // throws a decoded ContractRevertError
 */
export async function simulateRelayRequest(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RelayRequestParameters,
): Promise<SimulateReturnType<"accessGrants", RelayFunctionName>> {
  const { request } = parameters;
  return simulateCall(client, relayCallOf(request), {
    ...parameters,
    address: request.verifyingContract,
  }) as never;
}

/**
 * {@link relayRequest}'s calldata (e.g. for a relayer that sends through its own infrastructure).
 *
 * @example
 * const { to, data } = prepareRelayRequest({ request: signed });
 */
export function prepareRelayRequest(parameters: { request: SignedRequest }): PreparedCall {
  const { request } = parameters;
  return prepareCall(relayCallOf(request), { address: request.verifyingContract });
}
