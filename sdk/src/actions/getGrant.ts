import type { Client, Hex } from "viem";

import { grantStatuses, type GrantStatus } from "../constants.js";
import { computeGrantId, type GrantKey } from "../utils/computeGrantId.js";
import { readCall, type ReadOptions } from "./internal/read.js";
import { checkHash } from "./internal/terms.js";

/** Parameters of {@link getGrant}: the grant id, or the four fields that name the grant. */
export type GetGrantParameters = ReadOptions & ({ grantId: Hex } | GrantKey);

/** A grant's state at the block read. */
export type Grant = {
  grantId: Hex;
  /** The effective status: `Expired` when an active grant is past `expiresAt` at that block. */
  status: GrantStatus;
  /** Unix seconds; 0n: no lock. */
  lockedUntil: bigint;
  /** Unix seconds; 0n: never expires. */
  expiresAt: bigint;
  /**
   * How many lives the grant id has had (0n: never granted, 1n: the first grant, ...); a signed
   * request names it (prepareRequest reads it).
   */
  generation: bigint;
};

/**
 * Reads a grant (`AccessGrants.getGrant`); `status` is `None` for an id never granted. Pass it to
 * the time helpers (`isActive`, `canRevoke`, `canRelease`, `unlocksAt`).
 *
 * @example
 * const grant = await getGrant(client, { owner, grantee, dataHash, purpose });
 * if (grant.status === "Active" && !canRevoke(grant, now)) console.log(unlocksAt(grant));
 */
export async function getGrant(client: Client, parameters: GetGrantParameters): Promise<Grant> {
  const grantId =
    "grantId" in parameters ? checkHash("grantId", parameters.grantId) : computeGrantId(parameters);
  const state = await readCall(client, "accessGrants", parameters, "getGrant", [grantId]);
  return {
    grantId,
    status: grantStatuses[state.status] ?? "None",
    lockedUntil: state.lockedUntil,
    expiresAt: state.expiresAt,
    generation: state.generation,
  };
}
