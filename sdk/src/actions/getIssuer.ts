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
};

/**
 * Reads an issuer key's record now, or as it was at `at` (status `None` when unknown).
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
  const r = (await (parameters.at === undefined
    ? readCall(client, "issuerRegistry", parameters, "getIssuer", [issuer])
    : readCall(client, "issuerRegistry", parameters, "getIssuerAt", [issuer, parameters.at]))) as {
    status: number;
    jurisdiction: Hex;
    validFrom: number;
    validUntil: number;
    typeBits: bigint;
  };
  return {
    issuer,
    status: issuerStatuses[r.status] ?? "None",
    jurisdiction: r.jurisdiction,
    validFrom: BigInt(r.validFrom),
    validUntil: BigInt(r.validUntil),
    typeBits: r.typeBits,
  };
}
