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

/** Parameters of {@link rotateIssuerKey}: moves the sender's (an active issuer key's) record to `newkey`; the old key becomes rotated. */
export type RotateIssuerKeyParameters = WriteOptions & { newKey: Address };

function call(parameters: RotateIssuerKeyParameters) {
  return {
    contract: "issuerRegistry",
    functionName: "rotateKey",
    args: [checkAddress("newKey", parameters.newKey)],
  } as const;
}

/**
 * Moves the sender's (an Active issuer key's) record to `newKey`; the old key becomes Rotated. Sent by the issuer.
 *
 * @example
 * await rotateIssuerKey(issuerClient, { newKey: newSigner.address });
 */
export async function rotateIssuerKey(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RotateIssuerKeyParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "rotateIssuerKey");
}

/**
 * {@link rotateIssuerKey} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRotateIssuerKey(client, parameters);
 */
export async function simulateRotateIssuerKey(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RotateIssuerKeyParameters,
): Promise<SimulateReturnType<"issuerRegistry", "rotateKey">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link rotateIssuerKey}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRotateIssuerKey({ ...parameters, chainId: 1 });
 */
export function prepareRotateIssuerKey(
  parameters: RotateIssuerKeyParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
