/**
 * Credential receipts and key rotation proofs for the project's ethers code (tasks, scripts, tests):
 * the EIP-712 types and domain come from `@grantkit/sdk` (its protocol table, the one copy); what
 * stays here is signing with an ethers `Signer` and the string-typed receipt ethers callers use.
 * A receipt is what an accredited issuer signs off-chain and a dApp checks on-chain with
 * `IssuerRegistry.checkReceipt` or a `GrantGate`; it names the credential only by its salted data
 * hash. Nothing here talks to a chain.
 */
import type { Signer, TypedDataDomain, TypedDataField } from "ethers";

import {
  domains,
  keyRotationTypes,
  receiptTypes,
  type CredentialReceipt as SdkCredentialReceipt,
} from "../../sdk/src/protocol.js";
import { typedDataFields } from "./grants.js";

/** The EIP-712 type of `CredentialReceipt` (the contract's `RECEIPT_TYPEHASH`; the SDK's `receiptTypes`). */
export const RECEIPT_TYPES: Record<"CredentialReceipt", TypedDataField[]> = {
  CredentialReceipt: typedDataFields(receiptTypes.CredentialReceipt),
};

/**
 * One receipt, as the contract's `CredentialReceipt` struct: the SDK's type with plain strings for
 * addresses and hashes. `audience` is the grantee the receipt is for (a gate of another grantee
 * refuses it), or the zero address for any.
 */
export type CredentialReceipt = {
  [K in keyof SdkCredentialReceipt]: SdkCredentialReceipt[K] extends bigint ? bigint : string;
};

/** The EIP-712 domain of an IssuerRegistry deployment. */
export function registryDomain(
  chainId: bigint | number,
  verifyingContract: string,
): TypedDataDomain {
  return { ...domains.IssuerRegistry, chainId, verifyingContract };
}

/** Signs a receipt with the issuer's key (no transaction); the signature goes to `checkReceipt`. */
export function signReceipt(
  signer: Signer,
  domain: TypedDataDomain,
  receipt: CredentialReceipt,
): Promise<string> {
  return signer.signTypedData(domain, RECEIPT_TYPES, receipt);
}

/** The EIP-712 type of `KeyRotation`: the new key's proof of possession for `rotateKey` (the SDK's `keyRotationTypes`). */
export const KEY_ROTATION_TYPES: Record<"KeyRotation", TypedDataField[]> = {
  KeyRotation: typedDataFields(keyRotationTypes.KeyRotation),
};

/**
 * Signs, with the issuer's NEW key, its consent to take over `oldKey`'s accreditation: the `proof`
 * argument of `IssuerRegistry.rotateKey(newKey, deadline, proof)`, sent by the old key.
 *
 * @example
 * const proof = await signKeyRotation(newKey, registryDomain(chainId, registry), {
 *   oldKey: oldKey.address, newKey: newKey.address, deadline });
 * await registry.connect(oldKey).rotateKey(newKey.address, deadline, proof);
 */
export function signKeyRotation(
  newKey: Signer,
  domain: TypedDataDomain,
  rotation: { oldKey: string; newKey: string; deadline: bigint },
): Promise<string> {
  return newKey.signTypedData(domain, KEY_ROTATION_TYPES, rotation);
}
