import type { Account, Address, Chain, Client, Hash, Hex, Transport } from "viem";

import {
  prepareCall,
  simulateCall,
  writeCall,
  type PreparedCall,
  type SimulateReturnType,
  type WriteOptions,
} from "./internal/call.js";
import { checkAddress, checkHash } from "./internal/terms.js";

/** Parameters of {@link setIssuerTypes}: replaces the set of credential types a live issuer is accredited for (registrars). */
export type SetIssuerTypesParameters = WriteOptions & {
  issuer: Address;
  credentialTypes: readonly Hex[];
};

function call(parameters: SetIssuerTypesParameters) {
  return {
    contract: "issuerRegistry",
    functionName: "setIssuerTypes",
    args: [
      checkAddress("issuer", parameters.issuer),
      parameters.credentialTypes.map((t) => checkHash("credentialTypes[]", t, true)),
    ],
  } as const;
}

/**
 * Replaces the set of credential types a live issuer is accredited for (registrars). Sent by the registrar.
 *
 * @example
 * await setIssuerTypes(registrarClient, { issuer, credentialTypes: [kycBasic, kycFull] });
 */
export async function setIssuerTypes(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: SetIssuerTypesParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "setIssuerTypes");
}

/**
 * {@link setIssuerTypes} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateSetIssuerTypes(client, parameters);
 */
export async function simulateSetIssuerTypes(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: SetIssuerTypesParameters,
): Promise<SimulateReturnType<"issuerRegistry", "setIssuerTypes">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link setIssuerTypes}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareSetIssuerTypes({ ...parameters, chainId: 1 });
 */
export function prepareSetIssuerTypes(
  parameters: SetIssuerTypesParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
