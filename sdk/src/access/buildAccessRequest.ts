import { toHex, type Address, type Hex } from "viem";

import { checkAddress, checkHash } from "../actions/internal/terms.js";
import { InvalidParameterError } from "../errors/base.js";
import { assertSeconds, toSeconds } from "../utils/time.js";
import type { UnsignedAccessRequest } from "./types.js";

/** Parameters of {@link buildAccessRequest}. */
export type BuildAccessRequestParameters = {
  chainId: number;
  /** The AccessGrants deployment. */
  accessGrants: Address;
  /** The requester: the grant's grantee. */
  grantee: Address;
  owner: Address;
  dataHash: Hex;
  purpose: Hex;
  /** Who the request is for, e.g. the data server's origin `https://vault.example`; it refuses others. */
  audience: string;
  /** Seconds the request is valid; default 300n (five minutes). */
  validFor?: bigint | undefined;
  /** Unix seconds; default this machine's clock. */
  now?: bigint | undefined;
};

/**
 * Builds a short-lived access request naming one grant, for the grantee to sign and send to the
 * data server that holds the (encrypted) data item. A random nonce lets the server refuse replays.
 *
 * @example
 * const request = buildAccessRequest({ chainId, accessGrants, grantee: me, owner, dataHash, purpose,
 *   audience: "https://vault.example" });
 * const signed = await signAccessRequest({ request, signer: granteeAccount });
 */
export function buildAccessRequest(
  parameters: BuildAccessRequestParameters,
): UnsignedAccessRequest {
  const now = assertSeconds("now", parameters.now ?? toSeconds());
  const validFor = assertSeconds("validFor", parameters.validFor ?? 300n);
  if (validFor === 0n)
    throw new InvalidParameterError("validFor", "is zero", "pass a few minutes, e.g. 300n");
  if (parameters.audience === "") {
    throw new InvalidParameterError(
      "audience",
      "is empty",
      "name the data server, e.g. its origin",
    );
  }
  return {
    chainId: parameters.chainId,
    verifyingContract: checkAddress("accessGrants", parameters.accessGrants),
    message: {
      owner: checkAddress("owner", parameters.owner),
      grantee: checkAddress("grantee", parameters.grantee),
      dataHash: checkHash("dataHash", parameters.dataHash, true),
      purpose: checkHash("purpose", parameters.purpose),
      audience: parameters.audience,
      nonce: toHex(globalThis.crypto.getRandomValues(new Uint8Array(32))),
      issuedAt: now,
      expiresAt: now + validFor,
    },
  };
}
