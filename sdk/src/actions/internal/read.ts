import type { Client, ContractFunctionName } from "viem";
import { readContract } from "viem/actions";

import { abis, rethrow, type AbiOf } from "./call.js";
import { resolveAddress, type ContractKind, type ContractTarget } from "./target.js";

/** Which block a read is made at; default the latest. */
export type ReadOptions = ContractTarget & { blockNumber?: bigint | undefined };

/**
 * A view call to one of our contracts, reverts decoded. The function must be in the core ABI; the
 * answer is loosely typed: each action types it.
 */
export async function readCall<K extends ContractKind>(
  client: Client,
  contract: K,
  options: ReadOptions,
  functionName: ContractFunctionName<AbiOf<K>, "view" | "pure">,
  args: readonly unknown[],
): Promise<unknown> {
  const address = await resolveAddress(client, contract, options);
  try {
    return await readContract(client, {
      address,
      abi: abis[contract],
      functionName,
      args,
      ...(options.blockNumber === undefined ? {} : { blockNumber: options.blockNumber }),
    } as never);
  } catch (error) {
    rethrow(error);
  }
}
