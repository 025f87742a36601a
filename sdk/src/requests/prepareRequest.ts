import type { Client } from "viem";
import { getBlock, getChainId } from "viem/actions";

import { resolveAddress, type ContractTarget } from "../actions/internal/target.js";
import type { RequestKind, RequestMessage } from "../protocol.js";
import { assertSeconds } from "../utils/time.js";
import { buildRequest } from "./buildRequest.js";
import { getRequestGenerations } from "./getRequestGenerations.js";
import { pickNonce } from "./pickNonce.js";
import type { UnsignedRequest } from "./types.js";

/** The message fields prepareRequest fills from the chain when they are not given. */
type Filled = "nonce" | "deadline" | "generation" | "newGeneration";

/** Parameters of {@link prepareRequest}: the message without (or with) nonce, deadline and generations. */
export type PrepareRequestParameters<K extends RequestKind = RequestKind> = ContractTarget &
  {
    [P in K]: {
      kind: P;
      message: Omit<RequestMessage<P>, Filled> & {
        [F in Extract<keyof RequestMessage<P>, Filled>]?: bigint | undefined;
      };
      /** Seconds from the chain's latest block time to the deadline, when none is given; default 3600n. */
      validFor?: bigint | undefined;
      /** Nonces to avoid when picking one (requests signed but not yet relayed). */
      excludeNonces?: readonly bigint[] | undefined;
    };
  }[K];

/**
 * Builds a request with what the chain knows: its chain id, the AccessGrants address, the grant's
 * generation (`Replace`: and the new id's) from `getGrant`, a free nonce of the owner and a deadline
 * `validFor` seconds after the latest block. A request prepared for one life of a grant is refused
 * after the grant ends and is granted again: prepare (and sign) it again then.
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
  const m = message as typeof message & { generation?: bigint; newGeneration?: bigint };
  const chainId = client.chain?.id ?? (await getChainId(client));
  const verifyingContract = await resolveAddress(client, "accessGrants", parameters);
  const read =
    m.generation === undefined || (kind === "Replace" && m.newGeneration === undefined)
      ? await getRequestGenerations(client, {
          address: verifyingContract,
          kind,
          message: m as never,
        })
      : undefined;
  const generations =
    kind === "Replace"
      ? {
          generation: m.generation ?? read?.generation,
          newGeneration: m.newGeneration ?? read?.newGeneration,
        }
      : { generation: m.generation ?? read?.generation };
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
    message: { ...message, ...generations, nonce, deadline },
  } as never) as UnsignedRequest<K>;
}
