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

/** Parameters of {@link restoreIssuer}: restores a suspended issuer to active (registrars). */
export type RestoreIssuerParameters = WriteOptions & { issuer: Address };

function call(parameters: RestoreIssuerParameters) {
  return {
    contract: "issuerRegistry",
    functionName: "restoreIssuer",
    args: [checkAddress("issuer", parameters.issuer)],
  } as const;
}

/**
 * Restores a Suspended issuer to Active (registrars). Sent by the registrar.
 *
 * @example
 * await restoreIssuer(registrarClient, { issuer });
 */
export async function restoreIssuer(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RestoreIssuerParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "restoreIssuer");
}

/**
 * {@link restoreIssuer} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRestoreIssuer(client, parameters);
 */
export async function simulateRestoreIssuer(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RestoreIssuerParameters,
): Promise<SimulateReturnType<"issuerRegistry", "restoreIssuer">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link restoreIssuer}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRestoreIssuer({ ...parameters, chainId: 1 });
 */
export function prepareRestoreIssuer(
  parameters: RestoreIssuerParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
