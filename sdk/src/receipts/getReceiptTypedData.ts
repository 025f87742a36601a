import { hashTypedData, type Address, type Hex, type TypedData, type TypedDataDomain } from "viem";

import { domainOf, receiptTypes, type CredentialReceipt } from "../protocol.js";

/** Where a receipt is checked: the IssuerRegistry deployment. */
export type ReceiptDomainParameters = { chainId: number; registry: Address };

/** An IssuerRegistry message of type `P` as EIP-712 typed data. */
export type RegistryTypedData<T extends TypedData, P extends keyof T & string, M> = {
  domain: TypedDataDomain;
  types: T;
  primaryType: P;
  message: M;
};

/** An IssuerRegistry message as EIP-712 typed data: the registry's domain, `types`, the message. */
export function registryTypedData<T extends TypedData, P extends keyof T & string, M>(
  parameters: ReceiptDomainParameters,
  types: T,
  primaryType: P,
  message: M,
): RegistryTypedData<T, P, M> {
  const domain = domainOf("IssuerRegistry", parameters.chainId, parameters.registry);
  return { domain, types, primaryType, message };
}

/**
 * The EIP-712 typed data of a credential receipt (domain "IssuerRegistry" version "1").
 *
 * @example
 * const typedData = getReceiptTypedData({ receipt, chainId: 1, registry });
 */
export function getReceiptTypedData(
  parameters: ReceiptDomainParameters & { receipt: CredentialReceipt },
): RegistryTypedData<typeof receiptTypes, "CredentialReceipt", CredentialReceipt> {
  return registryTypedData(parameters, receiptTypes, "CredentialReceipt", parameters.receipt);
}

/**
 * The digest an issuer signs for a receipt (`IssuerRegistry.receiptDigest`).
 *
 * @example
 * const digest = hashReceipt({ receipt, chainId, registry });
 */
export function hashReceipt(
  parameters: ReceiptDomainParameters & { receipt: CredentialReceipt },
): Hex {
  return hashTypedData(getReceiptTypedData(parameters));
}
