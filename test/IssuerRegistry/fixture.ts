/**
 * What IssuerRegistry's tests (test/IssuerRegistry/*.ts) share: the registry deployed through the
 * deploy toolkit, the issuer record as a plain object, receipts and key rotations signed with the
 * toolkit, a seeded PRNG for the randomised history.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { hexlify, keccak256, toUtf8Bytes, type Signer } from "ethers";

import {
  registryDomain,
  signKeyRotation,
  signReceipt,
  type CredentialReceipt,
} from "../../scripts/lib/receipts.js";
import { issuerActions, issuerStatuses, receiptChecks } from "../../sdk/src/constants.js";
import type { IssuerRegistry } from "../../types/ethers-contracts/index.js";
import { deployForTest, testConfig } from "../helpers/deploy.js";
import { enumOf } from "../helpers/enums.js";

export const connection = await network.create();
export const { ethers, networkHelpers } = connection;
export const { loadFixture, time } = networkHelpers;

export const IssuerStatus = enumOf(issuerStatuses);
export const Action = enumOf(issuerActions);
export const Check = enumOf(receiptChecks);

export const id = (label: string) => keccak256(toUtf8Bytes(label));
export const code = (iso: string) => hexlify(toUtf8Bytes(iso));

export const KYC = id("kyc.basic"); // bit 0
export const AML = id("aml.screening"); // bit 1
export const ACCREDITED = id("investor.accredited"); // bit 2
export const UNKNOWN = id("never.registered");
export const CH = code("CH");
export const NO_CODE = "0x0000";
export const META = id("metadata-v1");
export const META2 = id("metadata-v2");
export const DELAY = 3n * 24n * 3600n;
export const ZERO_HASH = "0x" + "00".repeat(32);
export const ZERO_ADDRESS = "0x" + "00".repeat(20);
export const YEAR = 365n * 24n * 3600n;

export type Rec = {
  status: number;
  jurisdiction: string;
  validFrom: bigint;
  validUntil: bigint;
  typeBits: bigint;
};

export const ZERO_REC: Rec = {
  status: IssuerStatus.None,
  jurisdiction: NO_CODE,
  validFrom: 0n,
  validUntil: 0n,
  typeBits: 0n,
};

export function rec(over: Partial<Rec> = {}): Rec {
  return {
    status: IssuerStatus.Active,
    jurisdiction: CH,
    validFrom: 0n,
    validUntil: 0n,
    typeBits: 0b11n,
    ...over,
  };
}

/** A record as the contract returns it, as a plain object comparable with `deep.equal`. */
export function plain(r: {
  status: bigint;
  jurisdiction: string;
  validFrom: bigint;
  validUntil: bigint;
  typeBits: bigint;
}): Rec {
  return {
    status: Number(r.status),
    jurisdiction: r.jurisdiction,
    validFrom: r.validFrom,
    validUntil: r.validUntil,
    typeBits: r.typeBits,
  };
}

/** The record as the tuple `withArgs` compares an emitted struct with. */
export function tuple(r: Rec) {
  return [BigInt(r.status), r.jurisdiction, r.validFrom, r.validUntil, r.typeBits];
}

export function trustedIn(r: Rec, bit: number, t: bigint): boolean {
  return (
    r.status === IssuerStatus.Active &&
    ((r.typeBits >> BigInt(bit)) & 1n) === 1n &&
    r.validFrom <= t &&
    (r.validUntil === 0n || t < r.validUntil)
  );
}

export async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

/** Mines the next transaction at exactly `t`. */
export async function at<T>(t: bigint, action: () => Promise<T>): Promise<T> {
  await time.setNextBlockTimestamp(t);
  return action();
}

/** Deterministic PRNG (mulberry32), so a failing randomised run can be replayed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}

export async function deployRegistry() {
  const [admin, registrar, issuer, other, user, newKey, newAdmin, issuer2] =
    await ethers.getSigners();
  // The deploy path: the registrar and the three types come from the constructor configuration.
  const { registry } = await deployForTest(
    connection,
    testConfig(admin!.address, {
      adminDelaySeconds: Number(DELAY),
      registrars: [registrar!.address],
      credentialTypes: ["kyc.basic", "aml.screening", "investor.accredited"],
    }),
  );
  const REGISTRAR_ROLE = await registry.REGISTRAR_ROLE();
  const reg = registry.connect(registrar!);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = registryDomain(chainId, await registry.getAddress());
  return {
    registry,
    reg,
    REGISTRAR_ROLE,
    admin: admin!,
    registrar: registrar!,
    issuer: issuer!,
    issuer2: issuer2!,
    other: other!,
    user: user!,
    newKey: newKey!,
    newAdmin: newAdmin!,
    chainId,
    domain,
  };
}

export type Fixture = Awaited<ReturnType<typeof deployRegistry>>;

/** The fixture plus `issuer` accredited for KYC and AML in CH, with no validity bounds. */
export async function deployWithIssuer() {
  const f = await deployRegistry();
  await f.reg.addIssuer(f.issuer.address, [KYC, AML], CH, 0, 0, META);
  const addedAt = await now();
  return { ...f, addedAt };
}

export async function record(registry: IssuerRegistry, key: string): Promise<Rec> {
  return plain(await registry.getIssuer(key));
}

export function receiptFor(
  f: Fixture,
  over: Partial<CredentialReceipt> & { issuedAt: bigint },
): CredentialReceipt {
  return {
    issuer: f.issuer.address,
    owner: f.user.address,
    audience: ZERO_ADDRESS,
    dataHash: id("credential-1"),
    credentialType: KYC,
    validUntil: over.issuedAt + 1_000_000n,
    ...over,
  };
}

export const sign = signReceipt;

/**
 * `rotateKey` sent by `from`, with the new key's proof of possession signed by `to` (an address
 * instead of a signer: an empty proof, for the checks that come before it).
 */
export async function rotate(f: Fixture, from: Signer, to: Signer | string, deadline?: bigint) {
  const newKey = typeof to === "string" ? to : await to.getAddress();
  const d = deadline ?? (await now()) + 3600n;
  const proof =
    typeof to === "string"
      ? "0x"
      : await signKeyRotation(to, f.domain, {
          oldKey: await from.getAddress(),
          newKey,
          deadline: d,
        });
  return f.registry.connect(from).rotateKey(newKey, d, proof);
}

/** Expects `tx` to revert with IssuerRegistry's custom `error`, and with `args` when given. */
export async function expectRevert(
  f: Pick<Fixture, "registry">,
  tx: Promise<unknown>,
  error: string,
  args?: unknown[],
) {
  const reverted = expect(tx).to.be.revertedWithCustomError(f.registry, error);
  await (args ? reverted.withArgs(...args) : reverted);
}
