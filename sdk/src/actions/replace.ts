import type { Account, Chain, Client, Hash, Hex, Transport } from "viem";

import {
  prepareCall,
  simulateCall,
  writeCall,
  type PreparedCall,
  type SimulateReturnType,
  type WriteOptions,
} from "./internal/call.js";
import { checkHash, checkKey, type OwnerGrantKey } from "./internal/terms.js";
import { assertSeconds } from "../utils/time.js";

/** Parameters of {@link replace}: re-points one of the sender's active grants at corrected data (rectification), even while locked. */
export type ReplaceParameters = WriteOptions &
  OwnerGrantKey & {
    newDataHash: Hex;
    lockedUntil?: bigint | undefined;
    expiresAt?: bigint | undefined;
  };

function call(parameters: ReplaceParameters) {
  return {
    contract: "accessGrants",
    functionName: "replace",
    args: [
      checkKey(parameters),
      checkHash("newDataHash", parameters.newDataHash, true),
      assertSeconds("lockedUntil", parameters.lockedUntil ?? 0n),
      assertSeconds("expiresAt", parameters.expiresAt ?? 0n),
    ],
  } as const;
}

/**
 * Re-points one of the sender's active grants at corrected data (rectification), even while locked. The simulate result is the new grant id. Sent by the owner.
 *
 * @example
 * await replace(walletClient, { grantee, dataHash, purpose, newDataHash, lockedUntil: grant.lockedUntil });
 */
export async function replace(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: ReplaceParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "replace");
}

/**
 * {@link replace} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateReplace(client, parameters);
 */
export async function simulateReplace(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: ReplaceParameters,
): Promise<SimulateReturnType<"accessGrants", "replace">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link replace}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareReplace({ ...parameters, chainId: 1 });
 */
export function prepareReplace(
  parameters: ReplaceParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
