import type { Account, Address, Chain, Client, Hash, Hex, Transport } from "viem";

import {
  prepareCall,
  simulateCall,
  writeCall,
  type PreparedCall,
  type SimulateReturnType,
  type WriteOptions,
} from "./internal/call.js";
import { checkAddress } from "./internal/terms.js";

/** Parameters of {@link setIssuerJurisdiction}: sets a live issuer's jurisdiction (jurisdictioncode("ch"), or "0x0000" for none) (registrars). */
export type SetIssuerJurisdictionParameters = WriteOptions & { issuer: Address; jurisdiction: Hex };

function call(parameters: SetIssuerJurisdictionParameters) {
  return {
    contract: "issuerRegistry",
    functionName: "setIssuerJurisdiction",
    args: [checkAddress("issuer", parameters.issuer), parameters.jurisdiction],
  } as const;
}

/**
 * Sets a live issuer's jurisdiction (jurisdictionCode("CH"), or "0x0000" for none) (registrars). Sent by the registrar.
 *
 * @example
 * await setIssuerJurisdiction(registrarClient, { issuer, jurisdiction: jurisdictionCode("DE") });
 */
export async function setIssuerJurisdiction(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: SetIssuerJurisdictionParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "setIssuerJurisdiction");
}

/**
 * {@link setIssuerJurisdiction} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateSetIssuerJurisdiction(client, parameters);
 */
export async function simulateSetIssuerJurisdiction(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: SetIssuerJurisdictionParameters,
): Promise<SimulateReturnType<"issuerRegistry", "setIssuerJurisdiction">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link setIssuerJurisdiction}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareSetIssuerJurisdiction({ ...parameters, chainId: 1 });
 */
export function prepareSetIssuerJurisdiction(
  parameters: SetIssuerJurisdictionParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
