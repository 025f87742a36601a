/**
 * AccessGrants helpers for the project's ethers code (tasks, scripts, tests): thin adapters over
 * `@grantkit/sdk` (its source, sdk/src), the one implementation of the data-hash derivation,
 * purpose hashes, grant ids, nonce bitmaps and the EIP-712 request types and domain. What stays here
 * is what the SDK does not offer in that form: string-typed signatures for ethers callers,
 * `signRequest` with an ethers `Signer`, and SDK refusals as the CLI's `GrantKitError` (./errors.ts).
 *
 * Nothing here talks to a chain; every function is pure apart from `newSalt`.
 */
import type { Signer, TypedDataDomain, TypedDataField } from "ethers";

// The SDK's modules one by one rather than its index: every CLI command loads this file.
import { dataHashDomain, zeroHash } from "../../sdk/src/constants.js";
import { InvalidParameterError } from "../../sdk/src/errors/base.js";
import { domains, requestTypes, type RequestKind } from "../../sdk/src/protocol.js";
import {
  computeGrantId as sdkComputeGrantId,
  type GrantKey,
} from "../../sdk/src/utils/computeGrantId.js";
import {
  deriveDataHash as sdkDeriveDataHash,
  generateSalt,
} from "../../sdk/src/utils/dataReference.js";
import { noncesToBitmaps } from "../../sdk/src/utils/nonces.js";
import { purposeHash as sdkPurposeHash } from "../../sdk/src/utils/purposeHash.js";
import { GrantKitError } from "./errors.js";

export { GrantKitError };
export type { RequestKind };

/** Domain tag mixed into every data hash (the SDK's `dataHashDomain`). */
export const DATA_HASH_DOMAIN: string = dataHashDomain;

/** 32 zero bytes: the unspecified purpose (the SDK's `zeroHash`). */
export const ZERO_HASH: string = zeroHash;

/**
 * Runs an SDK helper; its refusal of bad input becomes a `GrantKitError` with the same message. The
 * SDK's hints name its `generateSalt()`; here the function is `newSalt()`.
 */
function withCliErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof InvalidParameterError)) throw error;
    const hint = error.hint
      .replace("generateSalt()", "newSalt()")
      .replace("keep it with the data item", "store it with the data item");
    throw new GrantKitError(error.shortMessage, hint);
  }
}

/** Returns a fresh 32-byte secret salt as 0x-hex (the SDK's `generateSalt`). Keep it off-chain. */
export function newSalt(): string {
  return generateSalt();
}

/**
 * The opaque `dataHash` that stands for an off-chain data item on-chain (the SDK's
 * `deriveDataHash`): `keccak256(abi.encode(DATA_HASH_DOMAIN, salt, dataId))`. The secret 32-byte
 * salt makes it unguessable; use a different salt per grantee when two grants of the same item must
 * not be linkable on-chain.
 *
 * @example
 * const salt = newSalt();
 * const dataHash = deriveDataHash({ dataId: "credential-7f3c", salt });
 */
export function deriveDataHash(params: { dataId: string; salt: string }): string {
  return withCliErrors(() =>
    sdkDeriveDataHash({ dataId: params.dataId, salt: params.salt as `0x${string}` }),
  );
}

/** The on-chain `purpose` of a label: `keccak256(utf8(label))`, zero for "" (the SDK's `purposeHash`). */
export function purposeHash(label: string): string {
  return sdkPurposeHash(label);
}

/** The grant id, as `AccessGrants.computeGrantId` computes it (the SDK's `computeGrantId`). */
export function computeGrantId(key: {
  owner: string;
  grantee: string;
  dataHash: string;
  purpose: string;
}): string {
  return sdkComputeGrantId(key as GrantKey);
}

/**
 * EIP-712 types of every request an owner can sign (the SDK's `requestTypes`). Every request names
 * the grant's `generation` (`getGrant(id).generation` when signing); `Replace` also the new id's
 * (`newGeneration`).
 */
export const REQUEST_TYPES = requestTypes;

/** The EIP-712 domain of an AccessGrants deployment. */
export function grantsDomain(chainId: bigint | number, verifyingContract: string): TypedDataDomain {
  return { ...domains.AccessGrants, chainId, verifyingContract };
}

/** The SDK's read-only field lists, as the mutable ones ethers takes. */
export function typedDataFields(
  fields: readonly { name: string; type: string }[],
): TypedDataField[] {
  return fields.map((f) => ({ ...f }));
}

/**
 * Signs one owner request off-chain with an ethers signer (no transaction). Returns the signature
 * for `Authorization`.
 *
 * @example
 * const { generation } = await grants.getGrant(computeGrantId({ owner: owner.address, grantee,
 *   dataHash, purpose }));
 * const sig = await signRequest(owner, domain, "Grant", { owner: owner.address, grantee, dataHash,
 *   purpose, lockedUntil: 0n, expiresAt: 0n, generation, nonce: 7n, deadline });
 * await grants.grantBySignature(owner.address, params, { nonce: 7n, deadline, signature: sig });
 */
export async function signRequest(
  signer: Signer,
  domain: TypedDataDomain,
  kind: RequestKind,
  message: Record<string, unknown>,
): Promise<string> {
  return signer.signTypedData(domain, { [kind]: typedDataFields(requestTypes[kind]) }, message);
}

/** Splits a nonce into the `(wordPos, mask)` pair that `invalidateNonces` takes (the SDK's `noncesToBitmaps`). */
export function nonceToBitmap(nonce: bigint): { wordPos: bigint; mask: bigint } {
  if (nonce < 0n) throw new GrantKitError(`nonce ${nonce} is negative`, "nonces are uint256");
  return withCliErrors(() => noncesToBitmaps([nonce])[0]!);
}
