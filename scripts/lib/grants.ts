/**
 * Client-side helpers for AccessGrants: data-hash derivation, purpose hashes, grant ids and the
 * EIP-712 requests an owner signs so that a relayer can submit them.
 *
 * Nothing here talks to a chain; every function is pure apart from `newSalt`.
 */
import {
  AbiCoder,
  getAddress,
  getBytes,
  hexlify,
  isHexString,
  keccak256,
  randomBytes,
  toUtf8Bytes,
  type Signer,
  type TypedDataDomain,
} from "ethers";

const abi = AbiCoder.defaultAbiCoder();

/** Domain tag mixed into every data hash, so our hashes never collide with another protocol's. */
export const DATA_HASH_DOMAIN = keccak256(toUtf8Bytes("grantkit.dataHash.v1"));

/** Error thrown by the helpers for bad input; `hint` says what to do. */
export class GrantKitError extends Error {
  override readonly name = "GrantKitError";
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(`${message} (${hint})`);
  }
}

/** Returns a fresh 32-byte secret salt as 0x-hex. Keep it with the data item, off-chain. */
export function newSalt(): string {
  return hexlify(randomBytes(32));
}

/**
 * Derives the opaque `dataHash` that stands for an off-chain data item on-chain.
 *
 * `dataHash = keccak256(abi.encode(DATA_HASH_DOMAIN, salt, dataId))`. The salt is what makes it
 * private: data ids (UUIDs, document numbers, credential ids) come from small or structured spaces,
 * so an unsalted hash can be reversed by enumerating candidates, and the same id would give the same
 * hash in every grant, linking them. A 32-byte secret salt, known only to the owner and to the
 * grantees the owner shares the data with, makes the hash unguessable. Use a different salt per
 * grantee when two grants of the same data item must not be linkable on-chain.
 *
 * @example
 * const salt = newSalt();
 * const dataHash = deriveDataHash({ dataId: "credential-7f3c", salt });
 */
export function deriveDataHash(params: { dataId: string; salt: string }): string {
  const { dataId, salt } = params;
  if (dataId.length === 0) {
    throw new GrantKitError("dataId is empty", "pass the off-chain id of the data item");
  }
  if (!isHexString(salt, 32)) {
    throw new GrantKitError(
      `salt must be 32 bytes of 0x-hex, got ${JSON.stringify(salt)}`,
      "create one with newSalt() and store it with the data item",
    );
  }
  if (getBytes(salt).every((b) => b === 0)) {
    throw new GrantKitError("salt is all zeros", "create a random one with newSalt()");
  }
  return keccak256(abi.encode(["bytes32", "bytes32", "string"], [DATA_HASH_DOMAIN, salt, dataId]));
}

/**
 * The on-chain `purpose` for a purpose label: `keccak256(utf8(label))`, or zero for "unspecified".
 *
 * @example
 * purposeHash("onboarding"); // 0x...
 * purposeHash(""); // 0x000...0 (unspecified)
 */
export function purposeHash(label: string): string {
  return label === "" ? ZERO_HASH : keccak256(toUtf8Bytes(label));
}

export const ZERO_HASH = "0x" + "00".repeat(32);

/**
 * The grant id, as `AccessGrants.computeGrantId` computes it.
 *
 * @example
 * computeGrantId({ owner, grantee, dataHash, purpose: purposeHash("onboarding") });
 */
export function computeGrantId(key: {
  owner: string;
  grantee: string;
  dataHash: string;
  purpose: string;
}): string {
  return keccak256(
    abi.encode(
      ["address", "address", "bytes32", "bytes32"],
      [getAddress(key.owner), getAddress(key.grantee), key.dataHash, key.purpose],
    ),
  );
}

/**
 * EIP-712 types of every request an owner can sign. Every request names the grant's `generation`
 * (`getGrant(id).generation` when signing: how many lives the grant id has had, 0 if never granted);
 * the contract accepts it only while the grant is still in that life, so a signature never acts on a
 * later grant of the same id. `Replace` names the new grant id's generation too (`newGeneration`).
 */
export const REQUEST_TYPES = {
  Grant: [
    { name: "owner", type: "address" },
    { name: "grantee", type: "address" },
    { name: "dataHash", type: "bytes32" },
    { name: "purpose", type: "bytes32" },
    { name: "lockedUntil", type: "uint64" },
    { name: "expiresAt", type: "uint64" },
    { name: "generation", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  Revoke: [
    { name: "owner", type: "address" },
    { name: "grantee", type: "address" },
    { name: "dataHash", type: "bytes32" },
    { name: "purpose", type: "bytes32" },
    { name: "generation", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  ExtendLock: [
    { name: "owner", type: "address" },
    { name: "grantee", type: "address" },
    { name: "dataHash", type: "bytes32" },
    { name: "purpose", type: "bytes32" },
    { name: "lockedUntil", type: "uint64" },
    { name: "generation", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  ExtendExpiry: [
    { name: "owner", type: "address" },
    { name: "grantee", type: "address" },
    { name: "dataHash", type: "bytes32" },
    { name: "purpose", type: "bytes32" },
    { name: "expiresAt", type: "uint64" },
    { name: "generation", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  Replace: [
    { name: "owner", type: "address" },
    { name: "grantee", type: "address" },
    { name: "dataHash", type: "bytes32" },
    { name: "purpose", type: "bytes32" },
    { name: "newDataHash", type: "bytes32" },
    { name: "lockedUntil", type: "uint64" },
    { name: "expiresAt", type: "uint64" },
    { name: "generation", type: "uint64" },
    { name: "newGeneration", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export type RequestKind = keyof typeof REQUEST_TYPES;

/** The EIP-712 domain of an AccessGrants deployment. */
export function grantsDomain(chainId: bigint | number, verifyingContract: string): TypedDataDomain {
  return { name: "AccessGrants", version: "1", chainId, verifyingContract };
}

/**
 * Signs one owner request off-chain (no transaction). Returns the signature for `Authorization`.
 *
 * @example
 * const { generation } = await grants.getGrant(computeGrantId({ owner: owner.address, grantee,
 *   dataHash, purpose }));
 * const sig = await signRequest(owner, domain, "Grant", { owner: owner.address, grantee, dataHash,
 *   purpose, lockedUntil: 0n, expiresAt: 0n, generation, nonce: 7n, deadline });
 * await grants.grantBySignature(owner.address, params, { generation, nonce: 7n, deadline, signature: sig });
 */
export async function signRequest(
  signer: Signer,
  domain: TypedDataDomain,
  kind: RequestKind,
  message: Record<string, unknown>,
): Promise<string> {
  const types = { [kind]: REQUEST_TYPES[kind].map((f) => ({ ...f })) };
  return signer.signTypedData(domain, types, message);
}

/** Splits a nonce into the `(wordPos, mask)` pair that `invalidateNonces` takes. */
export function nonceToBitmap(nonce: bigint): { wordPos: bigint; mask: bigint } {
  if (nonce < 0n) throw new GrantKitError(`nonce ${nonce} is negative`, "nonces are uint256");
  return { wordPos: nonce >> 8n, mask: 1n << (nonce & 0xffn) };
}
