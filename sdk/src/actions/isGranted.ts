import type { Client } from "viem";

import type { GrantKey } from "../utils/computeGrantId.js";
import { readCall, type ReadOptions } from "./internal/read.js";
import { checkAddress, checkHash } from "./internal/terms.js";

/** Parameters of {@link isGranted}: the grant's four fields. */
export type IsGrantedParameters = ReadOptions & GrantKey;

/**
 * True when the grant exists and is neither ended nor expired at the block read
 * (`AccessGrants.isGranted`): the check a dApp or a data server makes before serving.
 *
 * @example
 * if (!(await isGranted(client, { owner, grantee: me, dataHash, purpose }))) throw new Error("no access");
 */
export async function isGranted(client: Client, parameters: IsGrantedParameters): Promise<boolean> {
  return (await readCall(client, "accessGrants", parameters, "isGranted", [
    checkAddress("owner", parameters.owner),
    checkAddress("grantee", parameters.grantee),
    checkHash("dataHash", parameters.dataHash),
    checkHash("purpose", parameters.purpose),
  ])) as boolean;
}
