/**
 * The three forms of every write: simulate (an `eth_call` that returns the result and a request
 * ready to send), write (send the transaction) and prepare (calldata only, for relayers, smart
 * accounts and multisigs). Reverts of our contracts come out decoded (ContractRevertError).
 */
import {
  encodeFunctionData,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Client,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  type Hash,
  type Hex,
  type Transport,
} from "viem";
import { simulateContract, writeContract } from "viem/actions";

import { accessGrantsCoreAbi, issuerRegistryCoreAbi } from "../../abi/coreAbis.js";
import { AccountNotFoundError } from "../../errors/base.js";
import { decodeContractError } from "../../errors/contract.js";
import { addressFor, resolveAddress, type ContractKind, type ContractTarget } from "./target.js";

/** What the actions use of each ABI (src/abi/coreAbis.ts, generated). */
export type AccessGrantsAbi = typeof accessGrantsCoreAbi;
export type IssuerRegistryAbi = typeof issuerRegistryCoreAbi;
export type AbiOf<K extends ContractKind> = K extends "accessGrants"
  ? AccessGrantsAbi
  : IssuerRegistryAbi;

/** A write to one of our contracts, before its address is known. */
export type WriteCall<
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "nonpayable">,
> = {
  contract: K;
  functionName: F;
  args: ContractFunctionArgs<AbiOf<K>, "nonpayable", F>;
};

/** Who sends a write: an account (local or JSON-RPC address); default the client's. */
export type WriteOptions = ContractTarget & {
  account?: Account | Address | undefined;
  chain?: Chain | null | undefined;
};

/** Calldata of a write, for a relayer, a smart account or a multisig. */
export type PreparedCall = { to: Address; data: Hex; value: 0n };

/** What a simulate form returns: the function's result and a request to pass to `writeContract`. */
export type SimulateReturnType<
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "nonpayable">,
> = {
  result: ContractFunctionReturnType<AbiOf<K>, "nonpayable", F>;
  request: {
    address: Address;
    abi: AbiOf<K>;
    functionName: F;
    args: ContractFunctionArgs<AbiOf<K>, "nonpayable", F>;
    account: Account | Address | undefined;
    chain: Chain | null | undefined;
  };
};

export const abis: Record<ContractKind, Abi> = {
  accessGrants: accessGrantsCoreAbi,
  issuerRegistry: issuerRegistryCoreAbi,
};

/** Rethrows `error` as a ContractRevertError when it carries one of our contracts' reverts. */
export function rethrow(error: unknown): never {
  throw decodeContractError(error) ?? error;
}

export function prepareCall<
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "nonpayable">,
>(call: WriteCall<K, F>, target: ContractTarget & { chainId?: number | undefined }): PreparedCall {
  return {
    to: addressFor(call.contract, target),
    data: encodeFunctionData({
      abi: abis[call.contract],
      functionName: call.functionName,
      args: call.args as readonly unknown[],
    } as never),
    value: 0n,
  };
}

/** The parts of a viem contract call that simulate and write share: the address and the ABI. */
async function contractRequest<
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "nonpayable">,
>(client: Client, call: WriteCall<K, F>, options: WriteOptions) {
  return {
    address: await resolveAddress(client, call.contract, options),
    abi: abis[call.contract],
    functionName: call.functionName,
    args: call.args,
  };
}

export async function simulateCall<
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "nonpayable">,
>(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  call: WriteCall<K, F>,
  options: WriteOptions,
): Promise<SimulateReturnType<K, F>> {
  const request = await contractRequest(client, call, options);
  try {
    const { result, request: simulated } = await simulateContract(client, {
      ...request,
      account: options.account ?? client.account,
      chain: options.chain,
    } as never);
    return { result, request: simulated } as never;
  } catch (error) {
    rethrow(error);
  }
}

export async function writeCall<
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "nonpayable">,
>(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  call: WriteCall<K, F>,
  options: WriteOptions,
  action: string,
): Promise<Hash> {
  const request = await contractRequest(client, call, options);
  const account = options.account ?? client.account;
  if (!account) throw new AccountNotFoundError(action);
  try {
    return await writeContract(client, {
      ...request,
      account,
      // A client without a chain sends without viem's chain check (the node's chain id is used).
      chain: options.chain !== undefined ? options.chain : (client.chain ?? null),
    } as never);
  } catch (error) {
    rethrow(error);
  }
}

/** A write's call, its arguments checked against the function's ABI where the action builds them. */
export function contractCall<
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "nonpayable">,
>(
  contract: K,
  functionName: F,
  args: ContractFunctionArgs<AbiOf<K>, "nonpayable", F>,
): WriteCall<K, F> {
  return { contract, functionName, args };
}
