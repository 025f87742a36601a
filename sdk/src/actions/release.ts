import type { Address, Hex } from "viem";

import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { checkAddress, checkHash } from "./internal/terms.js";

/** Parameters of {@link release}: ends a grant made to the sender (the grantee), at any time. */
export type ReleaseParameters = WriteOptions & { owner: Address; dataHash: Hex; purpose: Hex };

function call(parameters: ReleaseParameters) {
  return contractCall("accessGrants", "release", [
    checkAddress("owner", parameters.owner),
    checkHash("dataHash", parameters.dataHash),
    checkHash("purpose", parameters.purpose),
  ]);
}

/**
 * Ends a grant made to the sender (the grantee), at any time: a grantee may waive its own lock. Sent by the grantee.
 *
 * @example
 * await release(granteeWalletClient, { owner, dataHash, purpose });
 */
export const release = /* @__PURE__ */ writeForm("release", call);

/**
 * {@link release} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRelease(client, parameters);
 */
export const simulateRelease = /* @__PURE__ */ simulateForm(call);

/**
 * {@link release}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRelease({ ...parameters, address: accessGrants });
 */
export const prepareRelease = /* @__PURE__ */ prepareForm(call);
