/**
 * The protocol table: every EIP-712 type the SDK signs or verifies, its domain, and for each signed
 * request the contract function that relays it. Everything else (signing, verifying, relaying,
 * serialising) is derived from this file, so a change of the contracts' signed requests is a change
 * here (see sdk/README.md, "When the contracts change").
 */
import type { Address, Hex, TypedData, TypedDataDomain } from "viem";

/** EIP-712 domain names and versions, as the contracts' constructors set them. */
export const domains = {
  AccessGrants: { name: "AccessGrants", version: "1" },
  IssuerRegistry: { name: "IssuerRegistry", version: "1" },
  /** Off-chain only: access requests a grantee signs for a data server (never sent to a contract). */
  AccessRequest: { name: "GrantKit Access Request", version: "1" },
} as const;

/** The EIP-712 domain of `contract` deployed at `verifyingContract` on `chainId`. */
export function domainOf(
  contract: keyof typeof domains,
  chainId: number,
  verifyingContract: Address,
): TypedDataDomain {
  return { ...domains[contract], chainId, verifyingContract };
}

const key = [
  { name: "owner", type: "address" },
  { name: "grantee", type: "address" },
  { name: "dataHash", type: "bytes32" },
  { name: "purpose", type: "bytes32" },
] as const;
const generation = { name: "generation", type: "uint64" } as const;
const auth = [
  { name: "nonce", type: "uint256" },
  { name: "deadline", type: "uint256" },
] as const;

/**
 * The requests an owner signs so that a relayer can submit them (AccessGrants' `*_TYPEHASH`es).
 * Field order is the type string's order. Every request signs the grant's `generation`
 * (`getGrant(id).generation` when signing: how many lives the id has had, 0 if never granted; for a
 * `Grant` the life before the one it starts), and `Replace` also the new id's (`newGeneration`). The
 * contract hashes the stored generations, never the signed ones: a request made for another life of
 * the grant fails as `AccessGrantsInvalidSignature`. `prepareRequest` reads them from the chain.
 */
export const requestTypes = {
  Grant: [
    ...key,
    { name: "lockedUntil", type: "uint64" },
    { name: "expiresAt", type: "uint64" },
    generation,
    ...auth,
  ],
  Revoke: [...key, generation, ...auth],
  ExtendLock: [...key, { name: "lockedUntil", type: "uint64" }, generation, ...auth],
  ExtendExpiry: [...key, { name: "expiresAt", type: "uint64" }, generation, ...auth],
  Replace: [
    ...key,
    { name: "newDataHash", type: "bytes32" },
    { name: "lockedUntil", type: "uint64" },
    { name: "expiresAt", type: "uint64" },
    generation,
    { name: "newGeneration", type: "uint64" },
    ...auth,
  ],
} as const satisfies TypedData;

/** A kind of signed request: `Grant`, `Revoke`, `ExtendLock`, `ExtendExpiry` or `Replace`. */
export type RequestKind = keyof typeof requestTypes;

/** The request kinds, in table order. */
export const requestKinds = Object.keys(requestTypes) as RequestKind[];

type Field = { readonly name: string; readonly type: string };
type Primitive<T extends string> = T extends "address"
  ? Address
  : T extends "bytes32"
    ? Hex
    : T extends `uint${string}`
      ? bigint
      : T extends "string"
        ? string
        : never;
type MessageOf<F extends readonly Field[]> = {
  [P in F[number] as P["name"]]: Primitive<P["type"]>;
};

/** The EIP-712 message of a request of kind `K` (every field; numbers as bigint seconds/values). */
export type RequestMessage<K extends RequestKind = RequestKind> = MessageOf<
  (typeof requestTypes)[K]
>;

/** The `Authorization` struct the `*BySignature` functions take. */
export type Authorization = { nonce: bigint; deadline: bigint; signature: Hex };

/** The `GrantKey` struct (grantee, data hash, purpose) a request names, as the contract takes it. */
const grantKeyOf = (m: { grantee: Address; dataHash: Hex; purpose: Hex }) => ({
  grantee: m.grantee,
  dataHash: m.dataHash,
  purpose: m.purpose,
});

/**
 * How each request is relayed: the AccessGrants function and its arguments, built from the signed
 * message and its signature. The generations are not arguments: the contract reads them from storage.
 */
export const relayCalls = {
  Grant: (m: RequestMessage<"Grant">, a: Authorization) =>
    ({
      functionName: "grantBySignature",
      args: [m.owner, { ...grantKeyOf(m), lockedUntil: m.lockedUntil, expiresAt: m.expiresAt }, a],
    }) as const,
  Revoke: (m: RequestMessage<"Revoke">, a: Authorization) =>
    ({
      functionName: "revokeBySignature",
      args: [m.owner, grantKeyOf(m), a],
    }) as const,
  ExtendLock: (m: RequestMessage<"ExtendLock">, a: Authorization) =>
    ({
      functionName: "extendLockBySignature",
      args: [m.owner, grantKeyOf(m), m.lockedUntil, a],
    }) as const,
  ExtendExpiry: (m: RequestMessage<"ExtendExpiry">, a: Authorization) =>
    ({
      functionName: "extendExpiryBySignature",
      args: [m.owner, grantKeyOf(m), m.expiresAt, a],
    }) as const,
  Replace: (m: RequestMessage<"Replace">, a: Authorization) =>
    ({
      functionName: "replaceBySignature",
      args: [m.owner, grantKeyOf(m), m.newDataHash, m.lockedUntil, m.expiresAt, a],
    }) as const,
} satisfies { [K in RequestKind]: (m: RequestMessage<K>, a: Authorization) => unknown };

/** IssuerRegistry's `CredentialReceipt` (its `_RECEIPT_TYPEHASH`). */
export const receiptTypes = {
  CredentialReceipt: [
    { name: "issuer", type: "address" },
    { name: "owner", type: "address" },
    { name: "audience", type: "address" },
    { name: "dataHash", type: "bytes32" },
    { name: "credentialType", type: "bytes32" },
    { name: "issuedAt", type: "uint64" },
    { name: "validUntil", type: "uint64" },
  ],
} as const satisfies TypedData;

/**
 * An issuer's statement that `dataHash` is a credential of `credentialType` about `owner`, for the
 * grantee `audience` (a GrantGate of another grantee refuses it) or for any (the zero address).
 */
export type CredentialReceipt = MessageOf<(typeof receiptTypes)["CredentialReceipt"]>;

/**
 * IssuerRegistry's `KeyRotation` (its `_KEY_ROTATION_TYPEHASH`): signed by the NEW key, it is the
 * proof of possession `rotateKey(newKey, deadline, proof)` requires; the old key sends it.
 */
export const keyRotationTypes = {
  KeyRotation: [
    { name: "oldKey", type: "address" },
    { name: "newKey", type: "address" },
    { name: "deadline", type: "uint256" },
  ],
} as const satisfies TypedData;

/** The message of a key rotation proof. */
export type KeyRotation = MessageOf<(typeof keyRotationTypes)["KeyRotation"]>;

/**
 * An access request: the grantee asks a data server (`audience`) for the data item of one grant.
 * Off-chain only; bound to the AccessGrants deployment by its domain.
 */
export const accessRequestTypes = {
  AccessRequest: [
    ...key,
    { name: "audience", type: "string" },
    { name: "nonce", type: "bytes32" },
    { name: "issuedAt", type: "uint64" },
    { name: "expiresAt", type: "uint64" },
  ],
} as const satisfies TypedData;

/** The message of an access request. */
export type AccessRequest = MessageOf<(typeof accessRequestTypes)["AccessRequest"]>;
