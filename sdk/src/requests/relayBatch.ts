import {
  encodeFunctionData,
  isAddressEqual,
  type Account,
  type Chain,
  type Client,
  type Hash,
  type Transport,
} from "viem";

import { accessGrantsAbi } from "../abi/accessGrantsAbi.js";
import {
  prepareCall,
  simulateCall,
  writeCall,
  type PreparedCall,
  type SimulateReturnType,
  type WriteOptions,
} from "../actions/internal/call.js";
import { InvalidParameterError } from "../errors/base.js";
import { relayCallOf } from "./relayRequest.js";
import type { SignedRequest } from "./types.js";

/** Parameters of {@link relayBatch}: signed requests of any owners and kinds, for one deployment. */
export type RelayBatchParameters = Omit<WriteOptions, "address" | "deployments"> & {
  requests: readonly SignedRequest[];
};

function call(parameters: { requests: readonly SignedRequest[] }) {
  const [first] = parameters.requests;
  if (!first)
    throw new InvalidParameterError("requests", "is empty", "pass at least one signed request");
  for (const r of parameters.requests) {
    if (
      r.chainId !== first.chainId ||
      !isAddressEqual(r.verifyingContract, first.verifyingContract)
    ) {
      throw new InvalidParameterError(
        "requests",
        "are for different deployments",
        "relay the requests of each chain and AccessGrants address in their own batch",
      );
    }
  }
  const data = parameters.requests.map((r) => {
    const c = relayCallOf(r);
    return encodeFunctionData({ abi: accessGrantsAbi, functionName: c.functionName, args: c.args });
  });
  return {
    address: first.verifyingContract,
    call: { contract: "accessGrants", functionName: "multicall", args: [data] } as const,
  };
}

/**
 * Relays many signed requests in one transaction through AccessGrants' `multicall`. All or nothing:
 * one refused request (a used nonce, a lock) reverts the batch, so simulate first
 * (`simulateRelayBatch`) or check each with `verifyRequest` and `simulateRelayRequest`.
 *
 * @example
 * await relayBatch(relayerClient, { requests: [signedGrant, signedRevoke] });
 */
export async function relayBatch(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RelayBatchParameters,
): Promise<Hash> {
  const { address, call: c } = call(parameters);
  return writeCall(client, c, { ...parameters, address }, "relayBatch");
}

/**
 * {@link relayBatch} as an `eth_call`; the result holds each call's return data.
 *
 * @example
 * await simulateRelayBatch(relayerClient, { requests });
 */
export async function simulateRelayBatch(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RelayBatchParameters,
): Promise<SimulateReturnType<"accessGrants", "multicall">> {
  const { address, call: c } = call(parameters);
  return simulateCall(client, c, { ...parameters, address });
}

/**
 * {@link relayBatch}'s calldata.
 *
 * @example
 * const { to, data } = prepareRelayBatch({ requests });
 */
export function prepareRelayBatch(parameters: {
  requests: readonly SignedRequest[];
}): PreparedCall {
  const { address, call: c } = call(parameters);
  return prepareCall(c, { address });
}
