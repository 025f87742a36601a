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

/** Parameters of {@link registerCredentialType}: registers a credential type id at the next free bit (registrars). */
export type RegisterCredentialTypeParameters = WriteOptions & { credentialType: Hex };

function call(parameters: RegisterCredentialTypeParameters) {
  return {
    contract: "issuerRegistry",
    functionName: "registerCredentialType",
    args: [checkHash("credentialType", parameters.credentialType, true)],
  } as const;
}

/**
 * Registers a credential type id at the next free bit (registrars). The simulate result is the bit. Sent by the registrar.
 *
 * @example
 * await registerCredentialType(registrarClient, { credentialType: credentialTypeId("kyc.basic") });
 */
export async function registerCredentialType(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RegisterCredentialTypeParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "registerCredentialType");
}

/**
 * {@link registerCredentialType} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRegisterCredentialType(client, parameters);
 */
export async function simulateRegisterCredentialType(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RegisterCredentialTypeParameters,
): Promise<SimulateReturnType<"issuerRegistry", "registerCredentialType">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link registerCredentialType}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRegisterCredentialType({ ...parameters, chainId: 1 });
 */
export function prepareRegisterCredentialType(
  parameters: RegisterCredentialTypeParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
