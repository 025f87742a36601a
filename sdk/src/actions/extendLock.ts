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

/** Parameters of {@link extendLock}: lengthens the lock of one of the sender's active grants; never shortens it, never past the expiry. */
export type ExtendLockParameters = WriteOptions & OwnerGrantKey & { lockedUntil: bigint };

function call(parameters: ExtendLockParameters) {
  return {
    contract: "accessGrants",
    functionName: "extendLock",
    args: [checkKey(parameters), assertSeconds("lockedUntil", parameters.lockedUntil)],
  } as const;
}

/**
 * Lengthens the lock of one of the sender's active grants; never shortens it, never past the expiry. Sent by the owner.
 *
 * @example
 * await extendLock(walletClient, { grantee, dataHash, purpose, lockedUntil: 1924992000n });
 */
export async function extendLock(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: ExtendLockParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "extendLock");
}

/**
 * {@link extendLock} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateExtendLock(client, parameters);
 */
export async function simulateExtendLock(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: ExtendLockParameters,
): Promise<SimulateReturnType<"accessGrants", "extendLock">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link extendLock}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareExtendLock({ ...parameters, chainId: 1 });
 */
export function prepareExtendLock(
  parameters: ExtendLockParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
