import type { Client } from "viem";
import { readContract } from "viem/actions";

import { accessGrantsAbi } from "../../abi/accessGrantsAbi.js";
import { issuerRegistryAbi } from "../../abi/issuerRegistryAbi.js";
import { rethrow } from "./call.js";
import { resolveAddress, type ContractKind, type ContractTarget } from "./target.js";

/** Which block a read is made at; default the latest. */
export type ReadOptions = ContractTarget & { blockNumber?: bigint | undefined };

/** A view call to one of our contracts, reverts decoded. Loosely typed: each action types its answer. */
export async function readCall(
  client: Client,
  contract: ContractKind,
  options: ReadOptions,
  functionName: string,
  args: readonly unknown[],
): Promise<unknown> {
  const address = await resolveAddress(client, contract, options);
  try {
    return await readContract(client, {
      address,
      abi: contract === "accessGrants" ? accessGrantsAbi : issuerRegistryAbi,
      functionName,
      args,
      ...(options.blockNumber === undefined ? {} : { blockNumber: options.blockNumber }),
    } as never);
  } catch (error) {
    rethrow(error);
  }
}
