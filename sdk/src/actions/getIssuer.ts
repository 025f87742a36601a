import type { Address, Client, Hex } from "viem";

import { issuerStatuses, type IssuerStatus } from "../constants.js";
import { readCall, type ReadOptions } from "./internal/read.js";
import { checkAddress } from "./internal/terms.js";

/** Parameters of {@link getIssuer}: the issuer key, and optionally a past time. */
export type GetIssuerParameters = ReadOptions & {
  issuer: Address;
  /** Unix seconds: the record in force then (`getIssuerAt`); default now. */
  at?: bigint | undefined;
};

/** An issuer key's record. */
export type IssuerRecord = {
  issuer: Address;
  status: IssuerStatus;
  /** ISO 3166-1 alpha-2 code as two ASCII bytes, `0x0000` when none. */
  jurisdiction: Hex;
  /** Unix seconds; 0n: from accreditation. */
  validFrom: bigint;
  /** Unix seconds, exclusive; 0n: no end. */
  validUntil: bigint;
  /** Bit `i`: accredited for the credential type registered at bit `i`. */
  typeBits: bigint;
  /** The key's lineage now (also for a record read `at` a past time): see {@link IssuerLineage}. */
  lineage: IssuerLineage;
};

/**
 * The lineage of an issuer key (`IssuerRegistry.issuerLineage`): `root` is its first key, `head` its
 * current key (both the key itself for a key never rotated; both zero for a key never accredited).
 * Suspending, restoring or removing any key of a lineage acts on its head, and a receipt of any of
 * its keys is refused while the head is Suspended or Removed.
 */
export type IssuerLineage = { root: Address; head: Address };

/** Parameters of {@link getIssuerLineage}. */
export type GetIssuerLineageParameters = ReadOptions & { issuer: Address };

/**
 * Reads the lineage of an issuer key: its first key and its current key.
 *
 * @example
 * const { head } = await getIssuerLineage(client, { issuer: oldKey }); // the key that signs now
 */
export async function getIssuerLineage(
  client: Client,
  parameters: GetIssuerLineageParameters,
): Promise<IssuerLineage> {
  const [root, head] = (await readCall(client, "issuerRegistry", parameters, "issuerLineage", [
    checkAddress("issuer", parameters.issuer),
  ])) as readonly [Address, Address];
  return { root, head };
}

/**
 * Reads an issuer key's record now, or as it was at `at` (status `None` when unknown), with its
 * lineage (now).
 *
 * @example
 * const record = await getIssuer(client, { issuer });
 * if (record.status === "Suspended") console.log("do not accept its receipts");
 */
export async function getIssuer(
  client: Client,
  parameters: GetIssuerParameters,
): Promise<IssuerRecord> {
  const issuer = checkAddress("issuer", parameters.issuer);
  const [read, lineage] = await Promise.all([
    parameters.at === undefined
      ? readCall(client, "issuerRegistry", parameters, "getIssuer", [issuer])
      : readCall(client, "issuerRegistry", parameters, "getIssuerAt", [issuer, parameters.at]),
    getIssuerLineage(client, { ...parameters, issuer }),
  ]);
  return {
    issuer,
    status: issuerStatuses[read.status] ?? "None",
    jurisdiction: read.jurisdiction,
    validFrom: BigInt(read.validFrom),
    validUntil: BigInt(read.validUntil),
    typeBits: read.typeBits,
    lineage,
  };
}
