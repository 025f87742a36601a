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

/** Parameters of {@link release}: ends a grant made to the sender (the grantee), at any time. */
export type ReleaseParameters = WriteOptions & { owner: Address; dataHash: Hex; purpose: Hex };

function call(parameters: ReleaseParameters) {
  return {
    contract: "accessGrants",
    functionName: "release",
    args: [
      checkAddress("owner", parameters.owner),
      checkHash("dataHash", parameters.dataHash),
      checkHash("purpose", parameters.purpose),
    ],
  } as const;
}

/**
 * Ends a grant made to the sender (the grantee), at any time: a grantee may waive its own lock. Sent by the grantee.
 *
 * @example
 * await release(granteeWalletClient, { owner, dataHash, purpose });
 */
export async function release(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: ReleaseParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "release");
}

/**
 * {@link release} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRelease(client, parameters);
 */
export async function simulateRelease(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: ReleaseParameters,
): Promise<SimulateReturnType<"accessGrants", "release">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link release}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRelease({ ...parameters, chainId: 1 });
 */
export function prepareRelease(
  parameters: ReleaseParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
