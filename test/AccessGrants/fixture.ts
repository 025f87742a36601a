/**
 * What AccessGrants' tests (test/AccessGrants/*.ts) share: AccessGrants deployed through the deploy
 * toolkit with an ERC-1271 wallet, grant parameters and keys, and signed requests made with the
 * toolkit.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toUtf8Bytes, type Signer } from "ethers";

import {
  computeGrantId,
  grantsDomain,
  purposeHash,
  signRequest,
  type RequestKind,
} from "../../scripts/lib/grants.js";
import { deployForTest, testConfig } from "../helpers/deploy.js";

export const connection = await network.create();
export const { ethers, networkHelpers } = connection;
export const { loadFixture, time } = networkHelpers;

export enum Status {
  None,
  Active,
  Revoked,
  Released,
  Replaced,
  Expired,
}

export const DATA = keccak256(toUtf8Bytes("data-1"));
export const DATA2 = keccak256(toUtf8Bytes("data-2"));
export const PURPOSE = purposeHash("onboarding");
export const ZERO = ethers.ZeroHash;
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export async function deployGrants() {
  const [owner, grantee, relayer, other] = await ethers.getSigners();
  const { grants } = await deployForTest(connection, testConfig(owner!.address));
  const wallet = await ethers.deployContract("MockERC1271Wallet", [owner!.address]);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = grantsDomain(chainId, await grants.getAddress());
  return {
    grants,
    wallet,
    owner: owner!,
    grantee: grantee!,
    relayer: relayer!,
    other: other!,
    domain,
  };
}

export type Fixture = Awaited<ReturnType<typeof deployGrants>>;

export type ParamsOver = Partial<{
  dataHash: string;
  purpose: string;
  lockedUntil: bigint;
  expiresAt: bigint;
}>;

export function params(grantee: string, over: ParamsOver = {}) {
  return {
    grantee,
    dataHash: over.dataHash ?? DATA,
    purpose: over.purpose ?? PURPOSE,
    lockedUntil: over.lockedUntil ?? 0n,
    expiresAt: over.expiresAt ?? 0n,
  };
}

export function key(grantee: string, dataHash = DATA, purpose = PURPOSE) {
  return { grantee, dataHash, purpose };
}

export async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

/** The id of the owner's grant with these parameters. */
export function grantId(f: Fixture, p: ReturnType<typeof key>) {
  return computeGrantId({ owner: f.owner.address, ...p });
}

/**
 * A fresh deployment where the owner has granted the grantee once; `over` sets the grant's
 * parameters from the chain time `t` read just before.
 */
export async function withGrant(over: (t: bigint) => ParamsOver = () => ({})) {
  const f = await loadFixture(deployGrants);
  const t = await now();
  const p = params(f.grantee.address, over(t));
  await f.grants.grant(p);
  return { f, t, p, id: grantId(f, p) };
}

/** Whether the owner's grant to the grantee for `dataHash` is in force. */
export function isGranted(f: Fixture, dataHash = DATA, purpose = PURPOSE) {
  return f.grants.isGranted(f.owner.address, f.grantee.address, dataHash, purpose);
}

/** Expects `tx` to revert with AccessGrants' custom `error`, and with `args` when given. */
export async function expectRevert(
  f: Fixture,
  tx: Promise<unknown>,
  error: string,
  args?: unknown[],
) {
  const reverted = expect(tx).to.be.revertedWithCustomError(f.grants, error);
  await (args ? reverted.withArgs(...args) : reverted);
}

/**
 * Signs a request of `kind` and returns the Authorization struct. The message gets the grant's
 * current generation (and, for Replace, the new grant id's), as a client reads it before signing,
 * unless `opts.generation` names another life.
 */
export async function authorize(
  f: Fixture,
  signer: Signer,
  kind: RequestKind,
  message: Record<string, unknown>,
  opts: {
    nonce?: bigint;
    deadline?: bigint;
    domain?: ReturnType<typeof grantsDomain>;
    generation?: bigint;
  } = {},
) {
  const nonce = opts.nonce ?? 0n;
  const deadline = opts.deadline ?? (await now()) + 3600n;
  const key = {
    owner: message.owner as string,
    grantee: message.grantee as string,
    dataHash: message.dataHash as string,
    purpose: message.purpose as string,
  };
  const generation = opts.generation ?? (await f.grants.getGrant(computeGrantId(key))).generation;
  const extra: Record<string, unknown> = { generation };
  if (kind === "Replace") {
    const newId = computeGrantId({ ...key, dataHash: message.newDataHash as string });
    extra.newGeneration = (await f.grants.getGrant(newId)).generation;
  }
  const signature = await signRequest(signer, opts.domain ?? f.domain, kind, {
    ...message,
    ...extra,
    nonce,
    deadline,
  });
  return { nonce, deadline, signature };
}

export function grantMessage(owner: string, p: ReturnType<typeof params>) {
  return { owner, ...p };
}

/** The owner's signed Grant request for `p` under `nonce`, ready for a relayer. */
export function signGrant(f: Fixture, p: ReturnType<typeof params>, nonce: bigint) {
  return authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p), { nonce });
}

/**
 * Two Grant requests the owner signed under `nonces` (for DATA, then DATA2) and the multicall
 * payload that submits both.
 */
export async function twoSignedGrants(f: Fixture, nonces: [bigint, bigint]) {
  const p1 = params(f.grantee.address);
  const p2 = params(f.grantee.address, { dataHash: DATA2 });
  const a1 = await signGrant(f, p1, nonces[0]);
  const a2 = await signGrant(f, p2, nonces[1]);
  const calls = [
    f.grants.interface.encodeFunctionData("grantBySignature", [f.owner.address, p1, a1]),
    f.grants.interface.encodeFunctionData("grantBySignature", [f.owner.address, p2, a2]),
  ];
  return { p1, p2, a1, a2, calls };
}
