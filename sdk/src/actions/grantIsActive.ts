import type { Client, Hex } from "viem";

import { readCall, type ReadOptions } from "./internal/read.js";
import { checkHash } from "./internal/terms.js";

/** Parameters of {@link grantIsActive}: the grant id (computeGrantId). */
export type GrantIsActiveParameters = ReadOptions & { grantId: Hex };

/**
 * True when the grant `grantId` exists and is neither ended nor expired at the block read
 * (`AccessGrants.grantIsActive`): `isGranted` by id, the check GrantGate makes.
 *
 * @example
 * const active = await grantIsActive(client, { grantId: computeGrantId({ owner, grantee, dataHash, purpose }) });
 */
export async function grantIsActive(
  client: Client,
  parameters: GrantIsActiveParameters,
): Promise<boolean> {
  return (await readCall(client, "accessGrants", parameters, "grantIsActive", [
    checkHash("grantId", parameters.grantId),
  ])) as boolean;
}
