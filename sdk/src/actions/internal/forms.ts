/**
 * The three forms of a write action, each built from the action's one `call` (which contract, which
 * function, the checked arguments): write, simulate and prepare. Each action file names and
 * documents the three it exports; what they do is written once here. Each builder is a separate
 * pure call so that a bundle keeps only the forms it imports.
 */
import type { Account, Chain, Client, ContractFunctionName, Hash, Transport } from "viem";

import {
  prepareCall,
  simulateCall,
  writeCall,
  type AbiOf,
  type PreparedCall,
  type SimulateReturnType,
  type WriteCall,
  type WriteOptions,
} from "./call.js";
import type { ContractKind } from "./target.js";

/** The client a write is sent or simulated with. */
export type WriteClient = Client<Transport, Chain | undefined, Account | undefined>;

/** What an action's `call` is: its parameters checked and turned into one contract call. */
type CallOf<
  P extends WriteOptions,
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "nonpayable">,
> = (parameters: P) => WriteCall<K, F>;

/**
 * Sends the write (`action` is its name in errors). `call` runs inside the async function so that a
 * bad parameter rejects the promise rather than throwing.
 */
export function writeForm<
  P extends WriteOptions,
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "nonpayable">,
>(action: string, call: CallOf<P, K, F>) {
  return async (client: WriteClient, parameters: P): Promise<Hash> =>
    writeCall(client, call(parameters), parameters, action);
}

/** Simulates the write: its result and a request for `writeContract`, or the decoded revert. */
export function simulateForm<
  P extends WriteOptions,
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "nonpayable">,
>(call: CallOf<P, K, F>) {
  return async (client: WriteClient, parameters: P): Promise<SimulateReturnType<K, F>> =>
    simulateCall(client, call(parameters), parameters);
}

/** The write's calldata; no client needed when `address` or `chainId` is given. */
export function prepareForm<
  P extends WriteOptions,
  K extends ContractKind,
  F extends ContractFunctionName<AbiOf<K>, "nonpayable">,
>(call: CallOf<P, K, F>) {
  return (parameters: P & { chainId?: number | undefined }): PreparedCall =>
    prepareCall(call(parameters), parameters);
}
