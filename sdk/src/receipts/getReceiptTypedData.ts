import { hashTypedData, type Address, type Hex, type TypedDataDomain } from "viem";

import { domainOf, receiptTypes, type CredentialReceipt } from "../protocol.js";

/** Where a receipt is checked: the IssuerRegistry deployment. */
export type ReceiptDomainParameters = { chainId: number; registry: Address };

/**
 * The EIP-712 typed data of a credential receipt (domain "IssuerRegistry" version "1").
 *
 * @example
 * const typedData = getReceiptTypedData({ receipt, chainId: 1, registry });
 */
export function getReceiptTypedData(
  parameters: ReceiptDomainParameters & { receipt: CredentialReceipt },
): {
  domain: TypedDataDomain;
  types: typeof receiptTypes;
  primaryType: "CredentialReceipt";
  message: CredentialReceipt;
} {
  return {
    domain: domainOf("IssuerRegistry", parameters.chainId, parameters.registry),
    types: receiptTypes,
    primaryType: "CredentialReceipt",
    message: parameters.receipt,
  };
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
