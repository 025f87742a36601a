import type { Client } from "viem";
import { getBlock, getChainId } from "viem/actions";

import { resolveAddress, type ContractTarget } from "../actions/internal/target.js";
import type { RequestKind, RequestMessage } from "../protocol.js";
import { assertSeconds } from "../utils/time.js";
import { buildRequest } from "./buildRequest.js";
import { pickNonce } from "./pickNonce.js";
import type { UnsignedRequest } from "./types.js";

/** Parameters of {@link prepareRequest}: the message without (or with) nonce and deadline. */
export type PrepareRequestParameters<K extends RequestKind = RequestKind> = ContractTarget &
  {
    [P in K]: {
      kind: P;
      message: Omit<RequestMessage<P>, "nonce" | "deadline"> & {
        nonce?: bigint | undefined;
        deadline?: bigint | undefined;
      };
      /** Seconds from the chain's latest block time to the deadline, when none is given; default 3600n. */
      validFor?: bigint | undefined;
      /** Nonces to avoid when picking one (requests signed but not yet relayed). */
      excludeNonces?: readonly bigint[] | undefined;
    };
  }[K];

/**
 * Builds a request with what the chain knows: its chain id, the AccessGrants address, a free nonce
 * of the owner and a deadline `validFor` seconds after the latest block.
 *
 * @example
 * const request = await prepareRequest(client, {
 *   kind: "Grant",
 *   message: { owner, grantee, dataHash, purpose, lockedUntil: 0n, expiresAt: 0n },
 * });
 */
export async function prepareRequest<K extends RequestKind>(
  client: Client,
  parameters: PrepareRequestParameters<K>,
): Promise<UnsignedRequest<K>> {
  const { kind, message } = parameters as PrepareRequestParameters;
  const chainId = client.chain?.id ?? (await getChainId(client));
  const verifyingContract = await resolveAddress(client, "accessGrants", parameters);
  const nonce =
    message.nonce ??
    (await pickNonce(client, {
      owner: message.owner,
      address: verifyingContract,
      exclude: parameters.excludeNonces,
    }));
  const deadline =
    message.deadline ??
    (await getBlock(client, { blockTag: "latest" })).timestamp +
      assertSeconds("validFor", parameters.validFor ?? 3600n);
  return buildRequest({
    kind,
    chainId,
    verifyingContract,
    message: { ...message, nonce, deadline },
  } as never) as UnsignedRequest<K>;
}
