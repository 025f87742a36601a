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

/** Parameters of {@link suspendIssuer}: suspends an active issuer. */
export type SuspendIssuerParameters = WriteOptions & { issuer: Address };

function call(parameters: SuspendIssuerParameters) {
  return {
    contract: "issuerRegistry",
    functionName: "suspendIssuer",
    args: [checkAddress("issuer", parameters.issuer)],
  } as const;
}

/**
 * Suspends an Active issuer: not trusted until restored (registrars). Sent by the registrar.
 *
 * @example
 * await suspendIssuer(registrarClient, { issuer });
 */
export async function suspendIssuer(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: SuspendIssuerParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "suspendIssuer");
}

/**
 * {@link suspendIssuer} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateSuspendIssuer(client, parameters);
 */
export async function simulateSuspendIssuer(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: SuspendIssuerParameters,
): Promise<SimulateReturnType<"issuerRegistry", "suspendIssuer">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link suspendIssuer}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareSuspendIssuer({ ...parameters, chainId: 1 });
 */
export function prepareSuspendIssuer(
  parameters: SuspendIssuerParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
