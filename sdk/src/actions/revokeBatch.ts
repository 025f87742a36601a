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

/** Parameters of {@link revokeBatch}: revokes many of the sender's grants at once; one failure reverts all. */
export type RevokeBatchParameters = WriteOptions & { keys: readonly OwnerGrantKey[] };

function call(parameters: RevokeBatchParameters) {
  return {
    contract: "accessGrants",
    functionName: "revokeBatch",
    args: [parameters.keys.map(checkKey)],
  } as const;
}

/**
 * Revokes many of the sender's grants at once; one failure reverts all. Sent by the owner.
 *
 * @example
 * await revokeBatch(walletClient, { keys: [{ grantee, dataHash, purpose }] });
 */
export async function revokeBatch(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RevokeBatchParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "revokeBatch");
}

/**
 * {@link revokeBatch} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRevokeBatch(client, parameters);
 */
export async function simulateRevokeBatch(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RevokeBatchParameters,
): Promise<SimulateReturnType<"accessGrants", "revokeBatch">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link revokeBatch}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRevokeBatch({ ...parameters, chainId: 1 });
 */
export function prepareRevokeBatch(
  parameters: RevokeBatchParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
