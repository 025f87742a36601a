import type { Account, Address, Chain, Client, Hash, Transport } from "viem";

import {
  prepareCall,
  simulateCall,
  writeCall,
  type PreparedCall,
  type SimulateReturnType,
  type WriteOptions,
} from "./internal/call.js";
import { checkAddress } from "./internal/terms.js";

/** Parameters of {@link removeIssuer}: removes an issuer key for good; its receipts are refused from now on (registrars). */
export type RemoveIssuerParameters = WriteOptions & { issuer: Address };

function call(parameters: RemoveIssuerParameters) {
  return {
    contract: "issuerRegistry",
    functionName: "removeIssuer",
    args: [checkAddress("issuer", parameters.issuer)],
  } as const;
}

/**
 * Removes an issuer key for good; its receipts are refused from now on (registrars). Sent by the registrar.
 *
 * @example
 * await removeIssuer(registrarClient, { issuer });
 */
export async function removeIssuer(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RemoveIssuerParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "removeIssuer");
}

/**
 * {@link removeIssuer} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRemoveIssuer(client, parameters);
 */
export async function simulateRemoveIssuer(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RemoveIssuerParameters,
): Promise<SimulateReturnType<"issuerRegistry", "removeIssuer">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link removeIssuer}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRemoveIssuer({ ...parameters, chainId: 1 });
 */
export function prepareRemoveIssuer(
  parameters: RemoveIssuerParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
