import type { Address } from "viem";

import { requestTypes, type RequestKind, type RequestMessage } from "../protocol.js";
import { InvalidParameterError } from "../errors/base.js";
import { assertSeconds } from "../utils/time.js";
import { checkAddress, checkHash } from "../actions/internal/terms.js";
import type { UnsignedRequest } from "./types.js";

/** Parameters of {@link buildRequest}: the kind, the deployment, and every field of its message. */
export type BuildRequestParameters<K extends RequestKind = RequestKind> = UnsignedRequest<K>;

/**
 * Builds a request for the owner to sign, checking every field (addresses, hashes, times in bigint
 * seconds). Pure: take the nonce from `pickNonce`, the deadline from `deadlineAfter` and the
 * generation from `getGrant` (`Replace`: of both ids), or let `prepareRequest` fill them from the chain.
 *
 * @example
 * const request = buildRequest({
 *   kind: "Revoke",
 *   chainId: 1,
 *   verifyingContract: accessGrants,
 *   message: { owner, grantee, dataHash, purpose, generation: 1n, nonce: 7n, deadline: deadlineAfter(3600n) },
 * });
 */
export function buildRequest<K extends RequestKind>(
  parameters: BuildRequestParameters<K>,
): UnsignedRequest<K> {
  const { kind, chainId, verifyingContract, message } = parameters;
  const fields = requestTypes[kind];
  if (!fields) {
    throw new InvalidParameterError(
      "kind",
      `"${String(kind)}" is not a request kind`,
      `use one of ${Object.keys(requestTypes).join(", ")}`,
    );
  }
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new InvalidParameterError(
      "chainId",
      `${chainId} is not a chain id`,
      "pass the chain id of the AccessGrants deployment",
    );
  }
  const checked: Record<string, unknown> = {};
  const raw = message as Record<string, unknown>;
  for (const field of fields) {
    const value = raw[field.name];
    const name = `message.${field.name}`;
    if (field.type === "address") checked[field.name] = checkAddress(name, value as Address);
    else if (field.type === "bytes32")
      checked[field.name] = checkHash(name, value as `0x${string}`);
    else if (field.name === "nonce" || /^(generation|newGeneration)$/.test(field.name)) {
      // Counters, not times: a nonce (uint256) and the grant's generations (uint64).
      const nonce = field.name === "nonce";
      if (typeof value !== "bigint" || value < 0n || value >= 2n ** (nonce ? 256n : 64n)) {
        throw new InvalidParameterError(
          name,
          `${String(value)} is not a ${field.type}`,
          nonce
            ? "take one from pickNonce()"
            : "read it with getGrant(client, { grantId }), or let prepareRequest() fill it",
        );
      }
      checked[field.name] = value;
    } else {
      const max = field.type === "uint64" ? 2n ** 64n - 1n : 2n ** 256n - 1n;
      checked[field.name] = assertSeconds(name, value, max);
    }
  }
  return {
    kind,
    chainId,
    verifyingContract: checkAddress("verifyingContract", verifyingContract),
    message: checked as RequestMessage<K>,
  } as UnsignedRequest<K>;
}
