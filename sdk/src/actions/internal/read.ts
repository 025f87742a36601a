import type {
  Client,
  ContractFunctionArgs,
  ContractFunctionName,
  ContractFunctionReturnType,
} from "viem";
import { readContract } from "viem/actions";

import { abis, rethrow, type AbiOf } from "./call.js";
import { resolveAddress, type ContractKind, type ContractTarget } from "./target.js";

/** Which block a read is made at; default the latest. */
export type ReadOptions = ContractTarget & { blockNumber?: bigint | undefined };

/** A view call to one of our contracts, reverts decoded; its answer typed by the core ABI. */
export async function readCall<
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "view" | "pure">,
>(
  client: Client,
  contract: K,
  options: ReadOptions,
  functionName: F,
  args: ContractFunctionArgs<AbiOf<K>, "view" | "pure", F>,
): Promise<ContractFunctionReturnType<AbiOf<K>, "view" | "pure", F>> {
  const address = await resolveAddress(client, contract, options);
  try {
    return (await readContract(client, {
      address,
      abi: abis[contract],
      functionName,
      args,
      ...(options.blockNumber === undefined ? {} : { blockNumber: options.blockNumber }),
    } as never)) as ContractFunctionReturnType<AbiOf<K>, "view" | "pure", F>;
  } catch (error) {
    rethrow(error);
  }
}
