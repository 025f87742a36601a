import type { Client, Hex } from "viem";

import { readCall, type ReadOptions } from "../actions/internal/read.js";
import { checkAddress, checkHash } from "../actions/internal/terms.js";
import { computeGrantId, type GrantKey } from "../utils/computeGrantId.js";
import type { RequestKind } from "../protocol.js";

/** Parameters of {@link getRequestGenerations}: the request's kind and the grant it acts on. */
export type GetRequestGenerationsParameters = ReadOptions & {
  kind: RequestKind;
  message: GrantKey & { newDataHash?: Hex | undefined };
};

/** The generations a request signs: the grant's, and for `Replace` the new grant id's. */
export type RequestGenerations = { generation: bigint; newGeneration?: bigint | undefined };

const generationOf = async (client: Client, options: ReadOptions, key: GrantKey) =>
  (
    (await readCall(client, "accessGrants", options, "getGrant", [computeGrantId(key)])) as {
      generation: bigint;
    }
  ).generation;

/**
 * The generation(s) a request must sign now, read from `getGrant`: how many lives the grant id has
 * had (0n if never granted; for a `Grant`, the life before the one it starts) and, for `Replace`,
 * the new id's (`newGeneration`). The contract hashes the stored values, so a request signed with
 * others fails as `AccessGrantsInvalidSignature`.
 *
 * @example
 * const { generation } = await getRequestGenerations(client, { kind: "Revoke", message: { owner, grantee, dataHash, purpose } });
 */
export async function getRequestGenerations(
  client: Client,
  parameters: GetRequestGenerationsParameters,
): Promise<RequestGenerations> {
  const { kind, message: m } = parameters;
  const key = {
    owner: checkAddress("message.owner", m.owner),
    grantee: checkAddress("message.grantee", m.grantee),
    dataHash: checkHash("message.dataHash", m.dataHash),
    purpose: checkHash("message.purpose", m.purpose),
  };
  const generation = generationOf(client, parameters, key);
  if (kind !== "Replace") return { generation: await generation };
  const newGeneration = generationOf(client, parameters, {
    ...key,
    dataHash: checkHash("message.newDataHash", m.newDataHash as Hex),
  });
  return { generation: await generation, newGeneration: await newGeneration };
}
