/**
 * Credential receipts: what an accredited issuer signs off-chain (EIP-712) and a dApp checks
 * on-chain with `IssuerRegistry.checkReceipt` or a `GrantGate`. The receipt names the credential
 * only by its salted data hash; nothing here talks to a chain.
 */
import type { Signer, TypedDataDomain, TypedDataField } from "ethers";

/** The EIP-712 type of `CredentialReceipt` (the contract's `RECEIPT_TYPEHASH`). */
export const RECEIPT_TYPES: Record<"CredentialReceipt", TypedDataField[]> = {
  CredentialReceipt: [
    { name: "issuer", type: "address" },
    { name: "owner", type: "address" },
    { name: "audience", type: "address" },
    { name: "dataHash", type: "bytes32" },
    { name: "credentialType", type: "bytes32" },
    { name: "issuedAt", type: "uint64" },
    { name: "validUntil", type: "uint64" },
  ],
};

/** One receipt, as the contract's `CredentialReceipt` struct. */
export interface CredentialReceipt {
  issuer: string;
  owner: string;
  /** The grantee the receipt is for (a gate of another grantee refuses it), or the zero address for any. */
  audience: string;
  dataHash: string;
  credentialType: string;
  issuedAt: bigint;
  validUntil: bigint;
}

/** The EIP-712 domain of an IssuerRegistry deployment. */
export function registryDomain(
  chainId: bigint | number,
  verifyingContract: string,
): TypedDataDomain {
  return { name: "IssuerRegistry", version: "1", chainId, verifyingContract };
}

/** Signs a receipt with the issuer's key (no transaction); the signature goes to `checkReceipt`. */
export function signReceipt(
  signer: Signer,
  domain: TypedDataDomain,
  receipt: CredentialReceipt,
): Promise<string> {
  return signer.signTypedData(domain, RECEIPT_TYPES, receipt);
}

/** The EIP-712 type of `KeyRotation`: the new key's proof of possession for `rotateKey`. */
export const KEY_ROTATION_TYPES: Record<"KeyRotation", TypedDataField[]> = {
  KeyRotation: [
    { name: "oldKey", type: "address" },
    { name: "newKey", type: "address" },
    { name: "deadline", type: "uint256" },
  ],
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
