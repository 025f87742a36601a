import type { Address, Client } from "viem";

import { readCall, type ReadOptions } from "./internal/read.js";
import { checkAddress } from "./internal/terms.js";

/** Parameters of {@link isNonceUsed}. */
export type IsNonceUsedParameters = ReadOptions & { owner: Address; nonce: bigint };

/**
 * True when `owner` has used or cancelled `nonce` (a request signed with it can no longer be relayed).
 *
 * @example
 * await isNonceUsed(client, { owner, nonce: signed.message.nonce });
 */
export async function isNonceUsed(
  client: Client,
  parameters: IsNonceUsedParameters,
): Promise<boolean> {
  return (await readCall(client, "accessGrants", parameters, "isNonceUsed", [
    checkAddress("owner", parameters.owner),
    parameters.nonce,
  ])) as boolean;
}
