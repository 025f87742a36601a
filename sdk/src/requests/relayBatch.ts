import {
  decodeEventLog,
  encodeFunctionData,
  isAddressEqual,
  type Account,
  type Address,
  type Chain,
  type Client,
  type Hash,
  type Hex,
  type Transport,
} from "viem";

import { accessGrantsCoreAbi as accessGrantsAbi } from "../abi/coreAbis.js";
import {
  prepareCall,
  simulateCall,
  writeCall,
  type PreparedCall,
  type SimulateReturnType,
  type WriteOptions,
} from "../actions/internal/call.js";
import { InvalidParameterError } from "../errors/base.js";
import { decodeContractError, type ContractRevertError } from "../errors/contract.js";
import { computeGrantId } from "../utils/computeGrantId.js";
import { relayCallOf } from "./relayRequest.js";
import type { SignedRequest } from "./types.js";

/** Parameters of {@link relayBatch}: signed requests of any owners and kinds, for one deployment. */
export type RelayBatchParameters = Omit<WriteOptions, "address" | "deployments"> & {
  requests: readonly SignedRequest[];
  /**
   * `false` (default): through `tryMulticall`, item by item: a refused request (relayed first by
   * someone else, a used nonce, a lock) costs only its own item and is reported by a
   * `BatchItemFailed` event. `true`: through `multicall`, all or nothing.
   */
  atomic?: boolean | undefined;
};

/** What became of one request of a batch. */
export type RelayBatchOutcome = { index: number; request: SignedRequest } & (
  | {
      success: true;
      /** The grant the request created: `Grant` and `Replace` (the new grant); otherwise undefined. */
      grantId: Hex | undefined;
    }
  | {
      success: false;
      /** The contract's revert, decoded; undefined for revert data the SDK does not know. */
      error: ContractRevertError | undefined;
      /** The raw revert data. */
      reason: Hex;
    }
);

function call(parameters: { requests: readonly SignedRequest[]; atomic?: boolean | undefined }) {
  const [first] = parameters.requests;
  if (!first)
    throw new InvalidParameterError("requests", "is empty", "pass at least one signed request");
  for (const r of parameters.requests) {
    if (
      r.chainId !== first.chainId ||
      !isAddressEqual(r.verifyingContract, first.verifyingContract)
    ) {
      throw new InvalidParameterError(
        "requests",
        "are for different deployments",
        "relay the requests of each chain and AccessGrants address in their own batch",
      );
    }
  }
  const data = parameters.requests.map((r) => {
    const c = relayCallOf(r);
    return encodeFunctionData({ abi: accessGrantsAbi, functionName: c.functionName, args: c.args });
  });
  return {
    address: first.verifyingContract,
    call: {
      contract: "accessGrants",
      functionName: parameters.atomic ? "multicall" : "tryMulticall",
      args: [data],
    } as {
      contract: "accessGrants";
      functionName: "tryMulticall";
      args: readonly [readonly Hex[]];
    },
  };
}

/** The grant a successful request created (`Grant`, `Replace`), from its message. */
function createdGrant(request: SignedRequest): Hex | undefined {
  const m = request.message;
  if (request.kind === "Grant") return computeGrantId(m);
  if (request.kind === "Replace")
    return computeGrantId({ ...m, dataHash: request.message.newDataHash });
  return undefined;
}

function outcome(
  request: SignedRequest,
  index: number,
  failed: Hex | undefined,
): RelayBatchOutcome {
  if (failed === undefined)
    return { index, request, success: true, grantId: createdGrant(request) };
  return {
    index,
    request,
    success: false,
    error: decodeContractError({ data: failed }),
    reason: failed,
  };
}

/**
 * Relays many signed requests in one transaction. By default through AccessGrants' `tryMulticall`:
 * each request succeeds or fails on its own, and a failed one emits `BatchItemFailed` (read them from
 * the mined receipt with {@link getRelayBatchOutcomes}, or see them before sending with
 * {@link simulateRelayBatch}). `atomic: true` uses `multicall`: one refused request reverts the batch.
 *
 * @example
 * const hash = await relayBatch(relayerClient, { requests: [signedGrant, signedRevoke] });
 * const receipt = await relayerClient.waitForTransactionReceipt({ hash });
 * for (const o of getRelayBatchOutcomes({ requests, logs: receipt.logs }))
 *   if (!o.success) console.log(o.index, o.error?.errorName, o.error?.hint);
 */
export async function relayBatch(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RelayBatchParameters,
): Promise<Hash> {
  const { address, call: c } = call(parameters);
  return writeCall(client, c, { ...parameters, address }, "relayBatch");
}

/**
 * {@link relayBatch} as an `eth_call`: `outcomes` says, per request, whether it would succeed (and
 * which grant it creates) or why it would fail, decoded. `result` is the raw answer and `request`
 * goes to `writeContract`. An atomic batch with a refused request throws its decoded revert.
 *
 * @example
 * const { outcomes } = await simulateRelayBatch(relayerClient, { requests });
 * const good = outcomes.filter((o) => o.success).map((o) => o.request);
 */
export async function simulateRelayBatch(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: RelayBatchParameters,
): Promise<
  SimulateReturnType<"accessGrants", "tryMulticall" | "multicall"> & {
    outcomes: RelayBatchOutcome[];
  }
> {
  const { address, call: c } = call(parameters);
  const simulated = await simulateCall(client, c, { ...parameters, address });
  const items = simulated.result as readonly (Hex | { success: boolean; returnData: Hex })[];
  const outcomes = parameters.requests.map((r, i) => {
    const item = items[i];
    const failed = typeof item === "object" && !item.success ? item.returnData : undefined;
    return outcome(r, i, failed);
  });
  return { ...simulated, outcomes } as never;
}

/**
 * The outcome of each request of a mined {@link relayBatch} (`tryMulticall`), from its receipt's
 * logs: the items named by a `BatchItemFailed` event of the deployment failed (with their decoded
 * revert), the others succeeded.
 *
 * @example
 * const receipt = await client.waitForTransactionReceipt({ hash });
 * const failed = getRelayBatchOutcomes({ requests, logs: receipt.logs }).filter((o) => !o.success);
 */
export function getRelayBatchOutcomes(parameters: {
  requests: readonly SignedRequest[];
  logs: readonly { address: Address; topics: readonly Hex[]; data: Hex }[];
}): RelayBatchOutcome[] {
  const { requests, logs } = parameters;
  const { address } = call({ requests });
  const failed = new Map<number, Hex>();
  for (const log of logs) {
    if (!isAddressEqual(log.address, address)) continue;
    try {
      const event = decodeEventLog({
        abi: accessGrantsAbi,
        eventName: "BatchItemFailed",
        topics: log.topics as [Hex, ...Hex[]],
        data: log.data,
      });
      failed.set(Number(event.args.index), event.args.reason);
    } catch {
      // another event of the contract
    }
  }
  return requests.map((r, i) => outcome(r, i, failed.get(i)));
}

/**
 * {@link relayBatch}'s calldata (`tryMulticall`, or `multicall` with `atomic: true`).
 *
 * @example
 * const { to, data } = prepareRelayBatch({ requests });
 */
export function prepareRelayBatch(parameters: {
  requests: readonly SignedRequest[];
  atomic?: boolean | undefined;
}): PreparedCall {
  const { address, call: c } = call(parameters);
  return prepareCall(c, { address });
}
