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

/** Parameters of {@link revoke}: revokes one of the sender's grants (right of deletion); refused while its lock is in force (see canrevoke). */
export type RevokeParameters = WriteOptions & OwnerGrantKey;

function call(parameters: RevokeParameters) {
  return {
    contract: "accessGrants",
    functionName: "revoke",
    args: [checkKey(parameters)],
  } as const;
}

/**
 * Revokes one of the sender's grants (right of deletion); refused while its lock is in force (see canRevoke). Sent by the owner.
 *
 * @example
 * await revoke(walletClient, { grantee, dataHash, purpose });
 */
export async function revoke(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RevokeParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "revoke");
}

/**
 * {@link revoke} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRevoke(client, parameters);
 */
export async function simulateRevoke(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RevokeParameters,
): Promise<SimulateReturnType<"accessGrants", "revoke">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link revoke}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRevoke({ ...parameters, chainId: 1 });
 */
export function prepareRevoke(
  parameters: RevokeParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
