import type { Account, Chain, Client, Hash, Transport } from "viem";

import {
  prepareCall,
  simulateCall,
  writeCall,
  type PreparedCall,
  type SimulateReturnType,
  type WriteOptions,
} from "./internal/call.js";
import { checkKey, type OwnerGrantKey } from "./internal/terms.js";
import { assertSeconds } from "../utils/time.js";

/** Parameters of {@link extendExpiry}: lengthens the expiry of one of the sender's active grants; `0n` means never expires. */
export type ExtendExpiryParameters = WriteOptions & OwnerGrantKey & { expiresAt: bigint };

function call(parameters: ExtendExpiryParameters) {
  return {
    contract: "accessGrants",
    functionName: "extendExpiry",
    args: [checkKey(parameters), assertSeconds("expiresAt", parameters.expiresAt)],
  } as const;
}

/**
 * Lengthens the expiry of one of the sender's active grants; `0n` means never expires. Sent by the owner.
 *
 * @example
 * await extendExpiry(walletClient, { grantee, dataHash, purpose, expiresAt: 0n }); // never
 */
export async function extendExpiry(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: ExtendExpiryParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "extendExpiry");
}

/**
 * {@link extendExpiry} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateExtendExpiry(client, parameters);
 */
export async function simulateExtendExpiry(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: ExtendExpiryParameters,
): Promise<SimulateReturnType<"accessGrants", "extendExpiry">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link extendExpiry}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareExtendExpiry({ ...parameters, chainId: 1 });
 */
export function prepareExtendExpiry(
  parameters: ExtendExpiryParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
