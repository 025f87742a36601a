import type { Client, Hex } from "viem";

import { isContractError } from "../errors/contract.js";
import { readCall, type ReadOptions } from "./internal/read.js";
import { checkHash } from "./internal/terms.js";

/** Parameters of {@link getCredentialType}. */
export type GetCredentialTypeParameters = ReadOptions & { credentialType: Hex };

/** A registered credential type: its bit in issuer records and its maximum receipt lifetime. */
export type CredentialTypeInfo = {
  credentialType: Hex;
  bit: number;
  /** Seconds: the longest `validUntil - issuedAt` a receipt of the type may state (0n: none accepted). */
  maxReceiptLifetime: bigint;
};

/**
 * Reads a credential type's bit and maximum receipt lifetime (`credentialTypeBit`,
 * `credentialTypeLifetime`); `null` when the type is not registered.
 *
 * @example
 * const type = await getCredentialType(client, { credentialType: credentialTypeId("kyc.basic") });
 * const validUntil = issuedAt + (type?.maxReceiptLifetime ?? 0n);
 */
export async function getCredentialType(
  client: Client,
  parameters: GetCredentialTypeParameters,
): Promise<CredentialTypeInfo | null> {
  const credentialType = checkHash("credentialType", parameters.credentialType);
  try {
    const [bit, maxReceiptLifetime] = await Promise.all([
      readCall(client, "issuerRegistry", parameters, "credentialTypeBit", [credentialType]),
      readCall(client, "issuerRegistry", parameters, "credentialTypeLifetime", [credentialType]),
    ]);
    return {
      credentialType,
      bit: bit as number,
      maxReceiptLifetime: maxReceiptLifetime as bigint,
    };
  } catch (error) {
    if (isContractError(error, "IssuerRegistryUnknownType")) return null;
    throw error;
  }
}
