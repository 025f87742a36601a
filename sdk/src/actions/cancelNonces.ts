import { encodeFunctionData } from "viem";

import { accessGrantsCoreAbi as accessGrantsAbi } from "../abi/coreAbis.js";
import { InvalidParameterError } from "../errors/base.js";
import { noncesToBitmaps } from "../utils/nonces.js";
import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";

/** Parameters of {@link cancelNonces}: the sender's nonces whose signed requests must never be relayed. */
export type CancelNoncesParameters = WriteOptions & { nonces: readonly bigint[] };

/** One `invalidateNonces` per nonce word; several words go through the contract's `multicall`. */
function call(parameters: CancelNoncesParameters) {
  const words = noncesToBitmaps(parameters.nonces);
  if (words.length === 0) {
    throw new InvalidParameterError(
      "nonces",
      "is empty",
      "pass the nonces of the requests to cancel",
    );
  }
  if (words.length === 1) {
    const { wordPos, mask } = words[0]!;
    return contractCall("accessGrants", "invalidateNonces", [wordPos, mask]);
  }
  return contractCall("accessGrants", "multicall", [
    words.map(({ wordPos, mask }) =>
      encodeFunctionData({
        abi: accessGrantsAbi,
        functionName: "invalidateNonces",
        args: [wordPos, mask],
      }),
    ),
  ]);
}

/**
 * Cancels signed requests before a relayer submits them: marks the sender's `nonces` used
 * (`invalidateNonces`, one transaction even across nonce words). Sent by the owner.
 *
 * @example
 * await cancelNonces(walletClient, { nonces: [signed.message.nonce] });
 */
export const cancelNonces = /* @__PURE__ */ writeForm("cancelNonces", call);

/**
 * {@link cancelNonces} as an `eth_call`.
 *
 * @example
 * await simulateCancelNonces(client, { nonces: [7n] });
 */
export const simulateCancelNonces = /* @__PURE__ */ simulateForm(call);

/**
 * {@link cancelNonces}'s calldata.
 *
 * @example
 * const { to, data } = prepareCancelNonces({ nonces: [7n], address: accessGrants });
 */
export const prepareCancelNonces = /* @__PURE__ */ prepareForm(call);
