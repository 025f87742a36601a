import { expect } from "chai";
import { network } from "hardhat";
import { TypedDataEncoder, concat, hexlify, keccak256, toUtf8Bytes, type Signer } from "ethers";

import {
  registryDomain,
  RECEIPT_TYPES,
  signKeyRotation,
  signReceipt,
  type CredentialReceipt,
} from "../scripts/lib/receipts.js";
import { issuerActions, issuerStatuses, receiptChecks } from "../sdk/src/constants.js";
import type { IssuerRegistry } from "../types/ethers-contracts/index.js";
import { deployForTest, testConfig } from "./helpers/deploy.js";
import { enumOf } from "./helpers/enums.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const IssuerStatus = enumOf(issuerStatuses);
const Action = enumOf(issuerActions);
const Check = enumOf(receiptChecks);

const id = (label: string) => keccak256(toUtf8Bytes(label));
const code = (iso: string) => hexlify(toUtf8Bytes(iso));

const KYC = id("kyc.basic"); // bit 0
const AML = id("aml.screening"); // bit 1
const ACCREDITED = id("investor.accredited"); // bit 2
const UNKNOWN = id("never.registered");
const CH = code("CH");
const NO_CODE = "0x0000";
const META = id("metadata-v1");
const META2 = id("metadata-v2");
const DELAY = 3n * 24n * 3600n;
const ZERO_HASH = "0x" + "00".repeat(32);
const ZERO_ADDRESS = "0x" + "00".repeat(20);
const YEAR = 365n * 24n * 3600n;

type Rec = {
  status: number;
  jurisdiction: string;
  validFrom: bigint;
  validUntil: bigint;
  typeBits: bigint;
};

const ZERO_REC: Rec = {
  status: IssuerStatus.None,
  jurisdiction: NO_CODE,
  validFrom: 0n,
  validUntil: 0n,
  typeBits: 0n,
};

function rec(over: Partial<Rec> = {}): Rec {
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
function plain(r: {
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
function tuple(r: Rec) {
  return [BigInt(r.status), r.jurisdiction, r.validFrom, r.validUntil, r.typeBits];
}

function trustedIn(r: Rec, bit: number, t: bigint): boolean {
  return (
    r.status === IssuerStatus.Active &&
    ((r.typeBits >> BigInt(bit)) & 1n) === 1n &&
    r.validFrom <= t &&
    (r.validUntil === 0n || t < r.validUntil)
  );
}

async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

/** Mines the next transaction at exactly `t`. */
async function at<T>(t: bigint, action: () => Promise<T>): Promise<T> {
  await time.setNextBlockTimestamp(t);
  return action();
}

/** Deterministic PRNG (mulberry32), so a failing randomised run can be replayed. */
function prng(seed: number) {
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

async function deployRegistry() {
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

type Fixture = Awaited<ReturnType<typeof deployRegistry>>;

/** The fixture plus `issuer` accredited for KYC and AML in CH, with no validity bounds. */
async function deployWithIssuer() {
  const f = await deployRegistry();
  await f.reg.addIssuer(f.issuer.address, [KYC, AML], CH, 0, 0, META);
  const addedAt = await now();
  return { ...f, addedAt };
}

async function record(registry: IssuerRegistry, key: string): Promise<Rec> {
  return plain(await registry.getIssuer(key));
}

function receiptFor(
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

const sign = signReceipt;

/**
 * `rotateKey` sent by `from`, with the new key's proof of possession signed by `to` (an address
 * instead of a signer: an empty proof, for the checks that come before it).
 */
async function rotate(f: Fixture, from: Signer, to: Signer | string, deadline?: bigint) {
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

describe("IssuerRegistry", function () {
  describe("constructor configuration", function () {
    it("grants registrars, registers types and accredits issuers, with their events; the deployer holds no role", async function () {
      const [deployer, admin, registrar, issuer] = await ethers.getSigners();
      const init = [
        {
          issuer: issuer!.address,
          credentialTypes: [AML, KYC],
          jurisdiction: CH,
          validFrom: 0,
          validUntil: 0,
          metadataHash: META,
        },
      ];
      const registry = await ethers.deployContract("IssuerRegistry", [
        DELAY,
        admin!.address,
        [registrar!.address],
        [KYC, AML],
        init,
      ]);
      const tx = registry.deploymentTransaction()!;
      await expect(tx).to.emit(registry, "CredentialTypeRegistered").withArgs(KYC, 0, YEAR);
      await expect(tx).to.emit(registry, "CredentialTypeRegistered").withArgs(AML, 1, YEAR);
      await expect(tx).to.emit(registry, "IssuerMetadataUpdated").withArgs(issuer!.address, META);
      await expect(tx)
        .to.emit(registry, "IssuerUpdated")
        .withArgs(issuer!.address, Action.Added, [IssuerStatus.Active, CH, 0n, 0n, 3n]);
      const REGISTRAR_ROLE = await registry.REGISTRAR_ROLE();
      expect(await registry.hasRole(REGISTRAR_ROLE, registrar!.address)).to.equal(true);
      expect(await registry.hasRole(REGISTRAR_ROLE, deployer!.address)).to.equal(false);
      expect(
        await registry.hasRole(await registry.DEFAULT_ADMIN_ROLE(), deployer!.address),
      ).to.equal(false);
      expect(await registry.defaultAdmin()).to.equal(admin!.address);
      expect(await registry.isTrusted(issuer!.address, KYC)).to.equal(true);
    });

    it("refuses an issuer whose type is not among the configured types", async function () {
      const [, admin, , issuer] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("IssuerRegistry");
      const init = [
        {
          issuer: issuer!.address,
          credentialTypes: [AML],
          jurisdiction: CH,
          validFrom: 0,
          validUntil: 0,
          metadataHash: META,
        },
      ];
      await expect(factory.deploy(DELAY, admin!.address, [], [KYC], init))
        .to.be.revertedWithCustomError(factory, "IssuerRegistryUnknownType")
        .withArgs(AML);
    });
  });

  describe("roles", function () {
    it("gives the constructor's admin DEFAULT_ADMIN_ROLE and sets the admin delay", async function () {
      const f = await loadFixture(deployRegistry);
      const DEFAULT_ADMIN_ROLE = await f.registry.DEFAULT_ADMIN_ROLE();
      expect(await f.registry.hasRole(DEFAULT_ADMIN_ROLE, f.admin.address)).to.equal(true);
      expect(await f.registry.defaultAdmin()).to.equal(f.admin.address);
      expect(await f.registry.defaultAdminDelay()).to.equal(DELAY);
      expect(await f.registry.REGISTRAR_ROLE()).to.equal(id("REGISTRAR_ROLE"));
      expect(await f.registry.MAX_CREDENTIAL_TYPES()).to.equal(104n);
      // The admin is not a registrar by default.
      expect(await f.registry.hasRole(f.REGISTRAR_ROLE, f.admin.address)).to.equal(false);
    });

    it("moves the admin role in two delayed steps, accepted only by the pending admin", async function () {
      const f = await loadFixture(deployRegistry);
      const DEFAULT_ADMIN_ROLE = await f.registry.DEFAULT_ADMIN_ROLE();

      // Only the admin may start a transfer.
      await expect(f.registry.connect(f.other).beginDefaultAdminTransfer(f.newAdmin.address))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.other.address, DEFAULT_ADMIN_ROLE);

      await f.registry.beginDefaultAdminTransfer(f.newAdmin.address);
      const schedule = (await now()) + DELAY;
      const pending = await f.registry.pendingDefaultAdmin();
      expect(pending.newAdmin).to.equal(f.newAdmin.address);
      expect(pending.schedule).to.equal(schedule);

      await expect(f.registry.connect(f.newAdmin).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(f.registry, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(schedule);

      // The schedule must have passed strictly: at `schedule` itself it is still refused.
      await time.setNextBlockTimestamp(schedule);
      await expect(f.registry.connect(f.newAdmin).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(f.registry, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(schedule);

      await expect(f.registry.connect(f.other).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(f.registry, "AccessControlInvalidDefaultAdmin")
        .withArgs(f.other.address);

      await time.setNextBlockTimestamp(schedule + 1n);
      await f.registry.connect(f.newAdmin).acceptDefaultAdminTransfer();
      expect(await now()).to.equal(schedule + 1n);
      expect(await f.registry.defaultAdmin()).to.equal(f.newAdmin.address);
      expect(await f.registry.hasRole(DEFAULT_ADMIN_ROLE, f.newAdmin.address)).to.equal(true);
      expect(await f.registry.hasRole(DEFAULT_ADMIN_ROLE, f.admin.address)).to.equal(false);

      // The new admin now manages registrars, the old one no longer does.
      await expect(f.registry.grantRole(f.REGISTRAR_ROLE, f.other.address))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.admin.address, DEFAULT_ADMIN_ROLE);
      await f.registry.connect(f.newAdmin).grantRole(f.REGISTRAR_ROLE, f.other.address);
      expect(await f.registry.hasRole(f.REGISTRAR_ROLE, f.other.address)).to.equal(true);
    });

    it("refuses to grant DEFAULT_ADMIN_ROLE directly", async function () {
      const f = await loadFixture(deployRegistry);
      const DEFAULT_ADMIN_ROLE = await f.registry.DEFAULT_ADMIN_ROLE();
      await expect(
        f.registry.grantRole(DEFAULT_ADMIN_ROLE, f.other.address),
      ).to.be.revertedWithCustomError(f.registry, "AccessControlEnforcedDefaultAdminRules");
    });

    it("lets the admin grant and revoke REGISTRAR_ROLE, and only the admin", async function () {
      const f = await loadFixture(deployRegistry);
      const DEFAULT_ADMIN_ROLE = await f.registry.DEFAULT_ADMIN_ROLE();
      expect(await f.registry.hasRole(f.REGISTRAR_ROLE, f.registrar.address)).to.equal(true);
      await expect(f.registry.connect(f.registrar).grantRole(f.REGISTRAR_ROLE, f.other.address))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.registrar.address, DEFAULT_ADMIN_ROLE);
      await expect(f.registry.grantRole(f.REGISTRAR_ROLE, f.other.address))
        .to.emit(f.registry, "RoleGranted")
        .withArgs(f.REGISTRAR_ROLE, f.other.address, f.admin.address);
      await f.registry.connect(f.other).registerCredentialType(id("x"));
      await f.registry.revokeRole(f.REGISTRAR_ROLE, f.other.address);
      await expect(f.registry.connect(f.other).registerCredentialType(id("y")))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.other.address, f.REGISTRAR_ROLE);
    });

    it("refuses every governance call from a non-registrar, the admin included", async function () {
      const f = await loadFixture(deployWithIssuer);
      for (const caller of [f.other, f.admin, f.issuer]) {
        const r = f.registry.connect(caller);
        const calls = [
          r.registerCredentialType(id("new.type")),
          r.addIssuer(f.newKey.address, [KYC], CH, 0, 0, META),
          r.suspendIssuer(f.issuer.address),
          r.restoreIssuer(f.issuer.address),
          r.removeIssuer(f.issuer.address),
          r.setIssuerTypes(f.issuer.address, [KYC]),
          r.setIssuerValidity(f.issuer.address, 0, 0),
          r.setIssuerJurisdiction(f.issuer.address, NO_CODE),
        ];
        for (const call of calls) {
          await expect(call)
            .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, f.REGISTRAR_ROLE);
        }
      }
    });
  });

  describe("registerCredentialType", function () {
    it("assigns bits 0, 1, 2, ... in order and emits CredentialTypeRegistered", async function () {
      const f = await loadFixture(deployRegistry);
      expect(await f.registry.credentialTypeBit(KYC)).to.equal(0n);
      expect(await f.registry.credentialTypeBit(AML)).to.equal(1n);
      expect(await f.registry.credentialTypeBit(ACCREDITED)).to.equal(2n);
      const t = id("kyc.enhanced");
      expect(await f.reg.registerCredentialType.staticCall(t)).to.equal(3n);
      await expect(f.reg.registerCredentialType(t))
        .to.emit(f.registry, "CredentialTypeRegistered")
        .withArgs(t, 3, YEAR);
      expect(await f.registry.credentialTypeBit(t)).to.equal(3n);
    });

    it("refuses the zero type and a type registered already", async function () {
      const f = await loadFixture(deployRegistry);
      await expect(f.reg.registerCredentialType(ZERO_HASH))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryInvalidType")
        .withArgs(ZERO_HASH);
      await expect(f.reg.registerCredentialType(AML))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryInvalidType")
        .withArgs(AML);
    });

    it("takes 104 types and refuses the 105th; the top bit works end to end", async function () {
      const f = await loadFixture(deployRegistry);
      const all = [KYC, AML, ACCREDITED];
      for (let i = 3; i < 104; i++) {
        const t = id(`type.${i}`);
        await expect(f.reg.registerCredentialType(t))
          .to.emit(f.registry, "CredentialTypeRegistered")
          .withArgs(t, i, YEAR);
        all.push(t);
      }
      const extra = id("type.104");
      await expect(f.reg.registerCredentialType(extra))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryTypesFull")
        .withArgs(104);

      const last = all[103]!;
      expect(await f.registry.credentialTypeBit(last)).to.equal(103n);
      expect(await f.registry.credentialTypesOf((1n << 104n) - 1n)).to.deep.equal(all);

      await f.reg.addIssuer(f.issuer.address, [last], NO_CODE, 0, 0, META);
      expect((await record(f.registry, f.issuer.address)).typeBits).to.equal(1n << 103n);
      expect(await f.registry.isTrusted(f.issuer.address, last)).to.equal(true);
      expect(await f.registry.isTrusted(f.issuer.address, KYC)).to.equal(false);
      expect(await f.registry.credentialTypesOf(1n << 103n)).to.deep.equal([last]);
    });
  });

  describe("credentialTypeBit / credentialTypesOf", function () {
    it("maps bits back to type ids in bit order and ignores unregistered bits", async function () {
      const f = await loadFixture(deployRegistry);
      expect(await f.registry.credentialTypesOf(0n)).to.deep.equal([]);
      expect(await f.registry.credentialTypesOf(0b1n)).to.deep.equal([KYC]);
      expect(await f.registry.credentialTypesOf(0b101n)).to.deep.equal([KYC, ACCREDITED]);
      expect(await f.registry.credentialTypesOf(0b111n)).to.deep.equal([KYC, AML, ACCREDITED]);
      expect(await f.registry.credentialTypesOf((1n << 50n) | 0b10n)).to.deep.equal([AML]);
      expect(await f.registry.credentialTypesOf((1n << 104n) - 1n)).to.deep.equal([
        KYC,
        AML,
        ACCREDITED,
      ]);
    });

    it("credentialTypeBit reverts for an unknown or zero type", async function () {
      const f = await loadFixture(deployRegistry);
      await expect(f.registry.credentialTypeBit(UNKNOWN))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryUnknownType")
        .withArgs(UNKNOWN);
      await expect(f.registry.credentialTypeBit(ZERO_HASH))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryUnknownType")
        .withArgs(ZERO_HASH);
    });
  });

  describe("addIssuer", function () {
    it("stores the record as given, emits IssuerUpdated(Added) and IssuerMetadataUpdated", async function () {
      const f = await loadFixture(deployRegistry);
      const t = await now();
      const validFrom = t + 100n;
      const validUntil = t + 10_000n;
      const expected = rec({ typeBits: 0b101n, validFrom, validUntil, jurisdiction: code("DE") });
      const tx = f.reg.addIssuer(
        f.issuer.address,
        [KYC, ACCREDITED],
        code("DE"),
        validFrom,
        validUntil,
        META,
      );
      await expect(tx)
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.issuer.address, Action.Added, tuple(expected));
      await expect(tx)
        .to.emit(f.registry, "IssuerMetadataUpdated")
        .withArgs(f.issuer.address, META);
      expect(await record(f.registry, f.issuer.address)).to.deep.equal(expected);
      expect(await f.registry.historyLength(f.issuer.address)).to.equal(1n);
      expect(await f.registry.credentialTypesOf(expected.typeBits)).to.deep.equal([
        KYC,
        ACCREDITED,
      ]);
    });

    it("accepts duplicate types, no types, no jurisdiction and an open window", async function () {
      const f = await loadFixture(deployRegistry);
      await f.reg.addIssuer(f.issuer.address, [AML, AML, KYC], NO_CODE, 0, 0, ZERO_HASH);
      expect(await record(f.registry, f.issuer.address)).to.deep.equal(
        rec({ jurisdiction: NO_CODE, typeBits: 0b11n }),
      );
      await f.reg.addIssuer(f.issuer2.address, [], NO_CODE, 5, 0, ZERO_HASH);
      expect(await record(f.registry, f.issuer2.address)).to.deep.equal(
        rec({ jurisdiction: NO_CODE, typeBits: 0n, validFrom: 5n }),
      );
      expect(await f.registry.isTrusted(f.issuer2.address, KYC)).to.equal(false);
    });

    it("refuses the zero address", async function () {
      const f = await loadFixture(deployRegistry);
      await expect(
        f.reg.addIssuer(ethers.ZeroAddress, [KYC], CH, 0, 0, META),
      ).to.be.revertedWithCustomError(f.registry, "IssuerRegistryZeroAddress");
    });

    it("refuses a key in use, naming its status (Active, Suspended, Removed, Rotated)", async function () {
      const f = await loadFixture(deployWithIssuer);
      const add = (key: string) => f.reg.addIssuer(key, [KYC], CH, 0, 0, META);
      await expect(add(f.issuer.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryKeyInUse")
        .withArgs(f.issuer.address, IssuerStatus.Active);
      await f.reg.suspendIssuer(f.issuer.address);
      await expect(add(f.issuer.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryKeyInUse")
        .withArgs(f.issuer.address, IssuerStatus.Suspended);
      await f.reg.restoreIssuer(f.issuer.address);
      await rotate(f, f.issuer, f.newKey);
      await expect(add(f.issuer.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryKeyInUse")
        .withArgs(f.issuer.address, IssuerStatus.Rotated);
      await f.reg.removeIssuer(f.issuer.address); // removes the lineage: its current key newKey
      await expect(add(f.newKey.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryKeyInUse")
        .withArgs(f.newKey.address, IssuerStatus.Removed);
    });

    it("refuses an unknown credential type", async function () {
      const f = await loadFixture(deployRegistry);
      await expect(f.reg.addIssuer(f.issuer.address, [KYC, UNKNOWN], CH, 0, 0, META))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryUnknownType")
        .withArgs(UNKNOWN);
      await expect(f.reg.addIssuer(f.issuer.address, [ZERO_HASH], CH, 0, 0, META))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryUnknownType")
        .withArgs(ZERO_HASH);
    });

    it("refuses validUntil not after validFrom, but accepts validUntil 0", async function () {
      const f = await loadFixture(deployRegistry);
      for (const [from, until] of [
        [100n, 100n],
        [100n, 99n],
        [1n, 1n],
      ] as const) {
        await expect(f.reg.addIssuer(f.issuer.address, [KYC], CH, from, until, META))
          .to.be.revertedWithCustomError(f.registry, "IssuerRegistryInvalidValidity")
          .withArgs(from, until);
      }
      await expect(f.reg.addIssuer(f.issuer.address, [KYC], CH, 100n, 0n, META)).to.emit(
        f.registry,
        "IssuerUpdated",
      );
      await expect(f.reg.addIssuer(f.issuer2.address, [KYC], CH, 0n, 1n, META)).to.emit(
        f.registry,
        "IssuerUpdated",
      );
    });

    it("refuses a jurisdiction that is not two upper-case ASCII letters, accepts 0x0000", async function () {
      const f = await loadFixture(deployRegistry);
      for (const bad of [
        code("ch"),
        code("C1"),
        code("Ch"),
        "0x4000", // "@\0"
        "0x0043", // "\0C"
        "0x5a00", // "Z\0"
        "0x405a", // "@Z": one below "A"
        "0x5b41", // "[A": one above "Z"
        "0xc3a4", // non-ASCII
      ]) {
        await expect(f.reg.addIssuer(f.issuer.address, [KYC], bad, 0, 0, META))
          .to.be.revertedWithCustomError(f.registry, "IssuerRegistryInvalidJurisdiction")
          .withArgs(bad);
      }
      await f.reg.addIssuer(f.issuer.address, [KYC], code("AZ"), 0, 0, META);
      await f.reg.addIssuer(f.issuer2.address, [KYC], NO_CODE, 0, 0, META);
      expect((await record(f.registry, f.issuer.address)).jurisdiction).to.equal(code("AZ"));
      expect((await record(f.registry, f.issuer2.address)).jurisdiction).to.equal(NO_CODE);
    });
  });

  describe("suspendIssuer / restoreIssuer / removeIssuer", function () {
    it("suspends, restores and removes, emitting the full record each time", async function () {
      const f = await loadFixture(deployWithIssuer);
      await expect(f.reg.suspendIssuer(f.issuer.address))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(
          f.issuer.address,
          Action.Suspended,
          tuple(rec({ status: IssuerStatus.Suspended })),
        );
      expect((await record(f.registry, f.issuer.address)).status).to.equal(IssuerStatus.Suspended);
      expect(await f.registry.isTrusted(f.issuer.address, KYC)).to.equal(false);

      await expect(f.reg.restoreIssuer(f.issuer.address))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.issuer.address, Action.Restored, tuple(rec()));
      expect(await f.registry.isTrusted(f.issuer.address, KYC)).to.equal(true);

      await expect(f.reg.removeIssuer(f.issuer.address))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.issuer.address, Action.Removed, tuple(rec({ status: IssuerStatus.Removed })));
      expect(await record(f.registry, f.issuer.address)).to.deep.equal(
        rec({ status: IssuerStatus.Removed }),
      );
      expect(await f.registry.historyLength(f.issuer.address)).to.equal(4n);
    });

    it("suspend needs Active; restore needs Suspended (IssuerRegistryWrongStatus)", async function () {
      const f = await loadFixture(deployWithIssuer);
      await expect(f.reg.suspendIssuer(f.other.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryWrongStatus")
        .withArgs(f.other.address, IssuerStatus.None, IssuerStatus.Active);
      await expect(f.reg.restoreIssuer(f.issuer.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryWrongStatus")
        .withArgs(f.issuer.address, IssuerStatus.Active, IssuerStatus.Suspended);
      await f.reg.suspendIssuer(f.issuer.address);
      await expect(f.reg.suspendIssuer(f.issuer.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryWrongStatus")
        .withArgs(f.issuer.address, IssuerStatus.Suspended, IssuerStatus.Active);
      await f.reg.removeIssuer(f.issuer.address);
      await expect(f.reg.restoreIssuer(f.issuer.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryWrongStatus")
        .withArgs(f.issuer.address, IssuerStatus.Removed, IssuerStatus.Suspended);
      await expect(f.reg.suspendIssuer(f.issuer.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryWrongStatus")
        .withArgs(f.issuer.address, IssuerStatus.Removed, IssuerStatus.Active);
    });

    it("remove works from Suspended and through a rotated key (the lineage); refuses None and Removed (IssuerRegistryNotLive)", async function () {
      const f = await loadFixture(deployWithIssuer);
      await expect(f.reg.removeIssuer(f.other.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
        .withArgs(f.other.address, IssuerStatus.None);

      await f.reg.suspendIssuer(f.issuer.address);
      await expect(f.reg.removeIssuer(f.issuer.address))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.issuer.address, Action.Removed, tuple(rec({ status: IssuerStatus.Removed })));
      await expect(f.reg.removeIssuer(f.issuer.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
        .withArgs(f.issuer.address, IssuerStatus.Removed);

      await f.reg.addIssuer(f.issuer2.address, [KYC], NO_CODE, 0, 0, META);
      await rotate(f, f.issuer2, f.newKey);
      // Naming the rotated key removes its lineage: the current key is Removed.
      await expect(f.reg.removeIssuer(f.issuer2.address))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(
          f.newKey.address,
          Action.Removed,
          tuple(rec({ status: IssuerStatus.Removed, jurisdiction: NO_CODE, typeBits: 1n })),
        );
      expect((await record(f.registry, f.issuer2.address)).status).to.equal(IssuerStatus.Rotated);
      await expect(f.reg.removeIssuer(f.issuer2.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
        .withArgs(f.newKey.address, IssuerStatus.Removed);
    });
  });

  describe("setIssuerTypes / setIssuerValidity / setIssuerJurisdiction", function () {
    it("setIssuerTypes replaces the type set and emits TypesSet with the full record", async function () {
      const f = await loadFixture(deployWithIssuer);
      await expect(f.reg.setIssuerTypes(f.issuer.address, [ACCREDITED]))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.issuer.address, Action.TypesSet, tuple(rec({ typeBits: 0b100n })));
      expect(await f.registry.isTrusted(f.issuer.address, KYC)).to.equal(false);
      expect(await f.registry.isTrusted(f.issuer.address, ACCREDITED)).to.equal(true);
      await expect(f.reg.setIssuerTypes(f.issuer.address, []))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.issuer.address, Action.TypesSet, tuple(rec({ typeBits: 0n })));
      await expect(f.reg.setIssuerTypes(f.issuer.address, [KYC, UNKNOWN]))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryUnknownType")
        .withArgs(UNKNOWN);
    });

    it("setIssuerValidity sets the window, emits ValiditySet, refuses an empty window", async function () {
      const f = await loadFixture(deployWithIssuer);
      const t = await now();
      await expect(f.reg.setIssuerValidity(f.issuer.address, t + 50n, t + 100n))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(
          f.issuer.address,
          Action.ValiditySet,
          tuple(rec({ validFrom: t + 50n, validUntil: t + 100n })),
        );
      expect(await f.registry.isTrusted(f.issuer.address, KYC)).to.equal(false);
      await expect(f.reg.setIssuerValidity(f.issuer.address, 10n, 10n))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryInvalidValidity")
        .withArgs(10n, 10n);
      await expect(f.reg.setIssuerValidity(f.issuer.address, 0n, 0n))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.issuer.address, Action.ValiditySet, tuple(rec()));
    });

    it("setIssuerJurisdiction sets the code, emits JurisdictionSet, refuses a bad code", async function () {
      const f = await loadFixture(deployWithIssuer);
      await expect(f.reg.setIssuerJurisdiction(f.issuer.address, code("LI")))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(
          f.issuer.address,
          Action.JurisdictionSet,
          tuple(rec({ jurisdiction: code("LI") })),
        );
      await expect(f.reg.setIssuerJurisdiction(f.issuer.address, NO_CODE))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.issuer.address, Action.JurisdictionSet, tuple(rec({ jurisdiction: NO_CODE })));
      await expect(f.reg.setIssuerJurisdiction(f.issuer.address, code("l1")))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryInvalidJurisdiction")
        .withArgs(code("l1"));
    });

    it("work on a suspended issuer and keep it suspended", async function () {
      const f = await loadFixture(deployWithIssuer);
      await f.reg.suspendIssuer(f.issuer.address);
      const s = IssuerStatus.Suspended;
      await expect(f.reg.setIssuerTypes(f.issuer.address, [KYC]))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.issuer.address, Action.TypesSet, tuple(rec({ status: s, typeBits: 1n })));
      await expect(f.reg.setIssuerValidity(f.issuer.address, 1n, 2n))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(
          f.issuer.address,
          Action.ValiditySet,
          tuple(rec({ status: s, typeBits: 1n, validFrom: 1n, validUntil: 2n })),
        );
      await expect(f.reg.setIssuerJurisdiction(f.issuer.address, code("FR")))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(
          f.issuer.address,
          Action.JurisdictionSet,
          tuple(
            rec({
              status: s,
              typeBits: 1n,
              validFrom: 1n,
              validUntil: 2n,
              jurisdiction: code("FR"),
            }),
          ),
        );
    });

    it("refuse an unknown, removed or rotated key (IssuerRegistryNotLive)", async function () {
      const f = await loadFixture(deployWithIssuer);
      await f.reg.addIssuer(f.issuer2.address, [KYC], CH, 0, 0, META);
      await rotate(f, f.issuer2, f.newKey);
      await f.reg.removeIssuer(f.issuer.address);
      for (const [key, status] of [
        [f.other.address, IssuerStatus.None],
        [f.issuer.address, IssuerStatus.Removed],
        [f.issuer2.address, IssuerStatus.Rotated],
      ] as const) {
        for (const call of [
          f.reg.setIssuerTypes(key, [KYC]),
          f.reg.setIssuerValidity(key, 0, 0),
          f.reg.setIssuerJurisdiction(key, CH),
        ]) {
          await expect(call)
            .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
            .withArgs(key, status);
        }
      }
    });
  });

  describe("updateMetadata", function () {
    it("lets a live issuer (Active or Suspended) publish a new metadata hash", async function () {
      const f = await loadFixture(deployWithIssuer);
      const length = await f.registry.historyLength(f.issuer.address);
      await expect(f.registry.connect(f.issuer).updateMetadata(META2))
        .to.emit(f.registry, "IssuerMetadataUpdated")
        .withArgs(f.issuer.address, META2);
      // Metadata lives in events only: no new checkpoint.
      expect(await f.registry.historyLength(f.issuer.address)).to.equal(length);
      await f.reg.suspendIssuer(f.issuer.address);
      await expect(f.registry.connect(f.issuer).updateMetadata(META))
        .to.emit(f.registry, "IssuerMetadataUpdated")
        .withArgs(f.issuer.address, META);
    });

    it("refuses an unknown, removed or rotated key", async function () {
      const f = await loadFixture(deployWithIssuer);
      await expect(f.registry.connect(f.other).updateMetadata(META2))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
        .withArgs(f.other.address, IssuerStatus.None);
      // A registrar is not an issuer either.
      await expect(f.reg.updateMetadata(META2))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
        .withArgs(f.registrar.address, IssuerStatus.None);
      await f.reg.addIssuer(f.issuer2.address, [KYC], CH, 0, 0, META);
      await rotate(f, f.issuer2, f.newKey);
      await expect(f.registry.connect(f.issuer2).updateMetadata(META2))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
        .withArgs(f.issuer2.address, IssuerStatus.Rotated);
      await f.reg.removeIssuer(f.issuer.address);
      await expect(f.registry.connect(f.issuer).updateMetadata(META2))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
        .withArgs(f.issuer.address, IssuerStatus.Removed);
    });
  });

  describe("rotateKey", function () {
    it("moves the record to the new key (Active) and marks the old key Rotated", async function () {
      const f = await loadFixture(deployWithIssuer);
      const t = await now();
      await f.reg.setIssuerValidity(f.issuer.address, t, t + 100_000n);
      const before = rec({ validFrom: t, validUntil: t + 100_000n });
      const tx = rotate(f, f.issuer, f.newKey);
      await expect(tx)
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.newKey.address, Action.KeyRotatedTo, tuple(before));
      await expect(tx)
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(
          f.issuer.address,
          Action.KeyRotatedFrom,
          tuple({ ...before, status: IssuerStatus.Rotated }),
        );
      await expect(tx)
        .to.emit(f.registry, "IssuerKeyRotated")
        .withArgs(f.issuer.address, f.newKey.address, f.issuer.address);
      expect(await f.registry.issuerLineage(f.issuer.address)).to.deep.equal([
        f.issuer.address,
        f.newKey.address,
      ]);
      expect(await f.registry.issuerLineage(f.newKey.address)).to.deep.equal([
        f.issuer.address,
        f.newKey.address,
      ]);

      expect(await record(f.registry, f.newKey.address)).to.deep.equal(before);
      expect(await record(f.registry, f.issuer.address)).to.deep.equal({
        ...before,
        status: IssuerStatus.Rotated,
      });
      expect(await f.registry.historyLength(f.newKey.address)).to.equal(1n);
      expect(await f.registry.isTrusted(f.newKey.address, KYC)).to.equal(true);
      expect(await f.registry.isTrusted(f.issuer.address, KYC)).to.equal(false);
    });

    it("lets the new key act and not the old one", async function () {
      const f = await loadFixture(deployWithIssuer);
      await rotate(f, f.issuer, f.newKey);
      await expect(f.registry.connect(f.newKey).updateMetadata(META2))
        .to.emit(f.registry, "IssuerMetadataUpdated")
        .withArgs(f.newKey.address, META2);
      await expect(f.registry.connect(f.issuer).updateMetadata(META2))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
        .withArgs(f.issuer.address, IssuerStatus.Rotated);
      await expect(rotate(f, f.issuer, f.other))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
        .withArgs(f.issuer.address, IssuerStatus.Rotated);
      // Governance now manages the new key.
      await expect(f.reg.suspendIssuer(f.newKey.address))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(
          f.newKey.address,
          Action.Suspended,
          tuple(rec({ status: IssuerStatus.Suspended })),
        );
      await f.reg.restoreIssuer(f.newKey.address);
      // The new key can rotate again.
      await expect(rotate(f, f.newKey, f.other))
        .to.emit(f.registry, "IssuerKeyRotated")
        .withArgs(f.newKey.address, f.other.address, f.issuer.address);
      // Every key of the lineage names the same first and current key.
      for (const key of [f.issuer, f.newKey, f.other])
        expect(await f.registry.issuerLineage(key.address)).to.deep.equal([
          f.issuer.address,
          f.other.address,
        ]);
      expect(await f.registry.issuerLineage(f.user.address)).to.deep.equal([
        ZERO_ADDRESS,
        ZERO_ADDRESS,
      ]);
      expect((await record(f.registry, f.other.address)).status).to.equal(IssuerStatus.Active);
    });

    it("refuses the zero address, a key in use and a caller that is not live", async function () {
      const f = await loadFixture(deployWithIssuer);
      await f.reg.addIssuer(f.issuer2.address, [KYC], CH, 0, 0, META);
      await expect(rotate(f, f.issuer, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        f.registry,
        "IssuerRegistryZeroAddress",
      );
      await expect(rotate(f, f.issuer, f.issuer2.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryKeyInUse")
        .withArgs(f.issuer2.address, IssuerStatus.Active);
      await expect(rotate(f, f.issuer, f.issuer.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryKeyInUse")
        .withArgs(f.issuer.address, IssuerStatus.Active);
      await f.reg.removeIssuer(f.issuer2.address);
      await expect(rotate(f, f.issuer, f.issuer2.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryKeyInUse")
        .withArgs(f.issuer2.address, IssuerStatus.Removed);
      await expect(rotate(f, f.other, f.newKey))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
        .withArgs(f.other.address, IssuerStatus.None);
      await expect(rotate(f, f.issuer2, f.newKey))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryNotLive")
        .withArgs(f.issuer2.address, IssuerStatus.Removed);
    });

    it("refuses a suspended key (IssuerRegistryWrongStatus): a suspension cannot be rotated away", async function () {
      const f = await loadFixture(deployWithIssuer);
      await f.reg.suspendIssuer(f.issuer.address);
      await expect(rotate(f, f.issuer, f.newKey))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryWrongStatus")
        .withArgs(f.issuer.address, IssuerStatus.Suspended, IssuerStatus.Active);
      expect((await record(f.registry, f.issuer.address)).status).to.equal(IssuerStatus.Suspended);
      expect((await record(f.registry, f.newKey.address)).status).to.equal(IssuerStatus.None);
    });
  });

  describe("isTrusted", function () {
    it("is true only when Active, accredited for the type and inside [validFrom, validUntil)", async function () {
      const f = await loadFixture(deployWithIssuer);
      const r = f.registry;
      expect(await r.isTrusted(f.issuer.address, KYC)).to.equal(true);
      expect(await r.isTrusted(f.issuer.address, AML)).to.equal(true);
      expect(await r.isTrusted(f.issuer.address, ACCREDITED)).to.equal(false); // not accredited
      expect(await r.isTrusted(f.issuer.address, UNKNOWN)).to.equal(false); // unknown type
      expect(await r.isTrusted(f.issuer.address, ZERO_HASH)).to.equal(false);
      expect(await r.isTrusted(f.other.address, KYC)).to.equal(false); // unknown issuer

      const t = await now();
      // Window in the future: not yet trusted; trusted from validFrom exactly; not at validUntil.
      await f.reg.setIssuerValidity(f.issuer.address, t + 10n, t + 20n);
      expect(await r.isTrusted(f.issuer.address, KYC)).to.equal(false);
      await time.increaseTo(t + 10n);
      expect(await r.isTrusted(f.issuer.address, KYC)).to.equal(true);
      await time.increaseTo(t + 19n);
      expect(await r.isTrusted(f.issuer.address, KYC)).to.equal(true);
      await time.increaseTo(t + 20n);
      expect(await r.isTrusted(f.issuer.address, KYC)).to.equal(false);
      await f.reg.setIssuerValidity(f.issuer.address, 0, 0);
      expect(await r.isTrusted(f.issuer.address, KYC)).to.equal(true);

      await f.reg.suspendIssuer(f.issuer.address);
      expect(await r.isTrusted(f.issuer.address, KYC)).to.equal(false);
      await f.reg.restoreIssuer(f.issuer.address);
      expect(await r.isTrusted(f.issuer.address, KYC)).to.equal(true);

      await rotate(f, f.issuer, f.newKey);
      expect(await r.isTrusted(f.issuer.address, KYC)).to.equal(false); // rotated
      expect(await r.isTrusted(f.newKey.address, KYC)).to.equal(true);
      await f.reg.removeIssuer(f.newKey.address);
      expect(await r.isTrusted(f.newKey.address, KYC)).to.equal(false); // removed
    });
  });

  describe("history: wasTrusted / getIssuerAt / historyLength", function () {
    it("answers at, before and between every checkpoint of a scripted history", async function () {
      const f = await loadFixture(deployRegistry);
      const base = (await now()) + 100n;
      const [t1, t2, t3, t4, t5] = [base, base + 100n, base + 200n, base + 300n, base + 400n];
      const key = f.issuer.address;

      await at(t1, () => f.reg.addIssuer(key, [KYC], CH, 0, 0, META));
      await at(t2, () => f.reg.suspendIssuer(key));
      await at(t3, () => f.reg.restoreIssuer(key));
      await at(t4, () => f.reg.setIssuerTypes(key, [AML]));
      await at(t5, () => f.reg.removeIssuer(key));
      expect(await f.registry.historyLength(key)).to.equal(5n);

      const kycActive = rec({ typeBits: 1n });
      const states: [bigint, Rec][] = [
        [t1, kycActive],
        [t2, rec({ typeBits: 1n, status: IssuerStatus.Suspended })],
        [t3, kycActive],
        [t4, rec({ typeBits: 2n })],
        [t5, rec({ typeBits: 2n, status: IssuerStatus.Removed })],
      ];
      const expected = (t: bigint): Rec => {
        let r = ZERO_REC;
        for (const [ct, cr] of states) if (ct <= t) r = cr;
        return r;
      };
      const probes = [0n, 1n, t1 - 1n];
      for (const [ct] of states) probes.push(ct - 1n, ct, ct + 1n, ct + 50n);
      probes.push(t5 + 10_000n, 2n ** 48n - 1n);
      for (const t of probes) {
        const e = expected(t);
        expect(plain(await f.registry.getIssuerAt(key, t)), `getIssuerAt(${t})`).to.deep.equal(e);
        expect(await f.registry.wasTrusted(key, KYC, t), `wasTrusted(KYC, ${t})`).to.equal(
          trustedIn(e, 0, t),
        );
        expect(await f.registry.wasTrusted(key, AML, t), `wasTrusted(AML, ${t})`).to.equal(
          trustedIn(e, 1, t),
        );
      }
      // Spot checks, spelled out.
      expect(await f.registry.wasTrusted(key, KYC, t1 - 1n)).to.equal(false);
      expect(await f.registry.wasTrusted(key, KYC, t1)).to.equal(true);
      expect(await f.registry.wasTrusted(key, KYC, t2 - 1n)).to.equal(true);
      expect(await f.registry.wasTrusted(key, KYC, t2)).to.equal(false);
      expect(await f.registry.wasTrusted(key, KYC, t3)).to.equal(true);
      expect(await f.registry.wasTrusted(key, KYC, t4)).to.equal(false);
      expect(await f.registry.wasTrusted(key, AML, t4)).to.equal(true);
      expect(await f.registry.wasTrusted(key, AML, t5)).to.equal(false);
      expect(await f.registry.wasTrusted(key, UNKNOWN, t3)).to.equal(false);
    });

    it("applies the latest record beyond uint48 timestamps", async function () {
      const f = await loadFixture(deployWithIssuer);
      const key = f.issuer.address;
      for (const t of [2n ** 48n, 2n ** 64n, 2n ** 256n - 1n]) {
        expect(plain(await f.registry.getIssuerAt(key, t))).to.deep.equal(rec());
        expect(await f.registry.wasTrusted(key, KYC, t)).to.equal(true);
      }
      // A validUntil (uint40) is always before such a timestamp.
      await f.reg.setIssuerValidity(key, 0, 2n ** 40n - 1n);
      expect(await f.registry.wasTrusted(key, KYC, 2n ** 48n)).to.equal(false);
      await f.reg.setIssuerValidity(key, 0, 0);
      await f.reg.suspendIssuer(key);
      expect(plain(await f.registry.getIssuerAt(key, 2n ** 48n))).to.deep.equal(
        rec({ status: IssuerStatus.Suspended }),
      );
      expect(await f.registry.wasTrusted(key, KYC, 2n ** 48n)).to.equal(false);
      expect(plain(await f.registry.getIssuerAt(f.other.address, 2n ** 48n))).to.deep.equal(
        ZERO_REC,
      );
    });

    it("keeps one checkpoint per timestamp: two changes in one block leave the last state", async function () {
      const f = await loadFixture(deployWithIssuer);
      const key = f.issuer.address;
      const length = await f.registry.historyLength(key);
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        await f.reg.suspendIssuer(key);
        await f.reg.setIssuerTypes(key, [ACCREDITED]);
        await ethers.provider.send("evm_mine", []);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      const t = await now();
      expect(await f.registry.historyLength(key)).to.equal(length + 1n);
      expect(plain(await f.registry.getIssuerAt(key, t))).to.deep.equal(
        rec({ status: IssuerStatus.Suspended, typeBits: 0b100n }),
      );
      expect(plain(await f.registry.getIssuerAt(key, t - 1n))).to.deep.equal(rec());
    });

    it("matches a JS model over a seeded random history", async function () {
      const f = await loadFixture(deployRegistry);
      const rand = prng(0x5eed1234);
      const key = f.issuer.address;
      const types = [KYC, AML, ACCREDITED];
      const codes = [NO_CODE, CH, code("DE"), code("US")];
      const t0 = (await now()) + 100n;
      const checkpoints: [bigint, Rec][] = [];
      let state: Rec = ZERO_REC;
      let t = t0;

      const randomTypes = () => {
        const chosen = types.filter(() => rand.next() < 0.5);
        const bits = chosen.reduce((b, ty) => b | (1n << BigInt(types.indexOf(ty))), 0n);
        return { chosen, bits };
      };
      const randomWindow = () => {
        const from = rand.next() < 0.3 ? 0n : t0 + BigInt(rand.int(-50, 900));
        const until = rand.next() < 0.3 ? 0n : from + BigInt(rand.int(1, 400));
        return { from, until };
      };

      for (let i = 0; i < 31; i++) {
        t += BigInt(rand.int(1, 40));
        await time.setNextBlockTimestamp(t);
        if (i === 0) {
          const { chosen, bits } = randomTypes();
          await f.reg.addIssuer(key, chosen, CH, 0, 0, META);
          state = rec({ typeBits: bits });
        } else if (i === 30) {
          await f.reg.removeIssuer(key);
          state = { ...state, status: IssuerStatus.Removed };
        } else {
          const choice = rand.int(0, 3);
          if (choice === 0) {
            if (state.status === IssuerStatus.Active) {
              await f.reg.suspendIssuer(key);
              state = { ...state, status: IssuerStatus.Suspended };
            } else {
              await f.reg.restoreIssuer(key);
              state = { ...state, status: IssuerStatus.Active };
            }
          } else if (choice === 1) {
            const { chosen, bits } = randomTypes();
            await f.reg.setIssuerTypes(key, chosen);
            state = { ...state, typeBits: bits };
          } else if (choice === 2) {
            const { from, until } = randomWindow();
            await f.reg.setIssuerValidity(key, from, until);
            state = { ...state, validFrom: from, validUntil: until };
          } else {
            const c = codes[rand.int(0, codes.length - 1)]!;
            await f.reg.setIssuerJurisdiction(key, c);
            state = { ...state, jurisdiction: c };
          }
        }
        checkpoints.push([t, state]);
      }
      expect(await f.registry.historyLength(key)).to.equal(BigInt(checkpoints.length));

      const model = (q: bigint): Rec => {
        let r = ZERO_REC;
        for (const [ct, cr] of checkpoints) if (ct <= q) r = cr;
        return r;
      };
      const probes: bigint[] = [0n, t0 - 1000n, checkpoints[0]![0] - 1n];
      for (const [ct] of checkpoints) probes.push(ct, ct - 1n, ct + 1n);
      for (let i = 0; i < 80; i++) probes.push(t0 + BigInt(rand.int(-200, 1600)));
      probes.push(t + 5_000n, 2n ** 48n + 7n);

      let trustedSeen = 0;
      for (const q of probes) {
        const e = model(q);
        expect(plain(await f.registry.getIssuerAt(key, q)), `getIssuerAt(${q})`).to.deep.equal(e);
        for (let bit = 0; bit < types.length; bit++) {
          const want = trustedIn(e, bit, q);
          if (want) trustedSeen++;
          expect(
            await f.registry.wasTrusted(key, types[bit]!, q),
            `wasTrusted(bit ${bit}, ${q})`,
          ).to.equal(want);
        }
        expect(await f.registry.wasTrusted(key, UNKNOWN, q)).to.equal(false);
      }
      // The random history must exercise both answers.
      expect(trustedSeen).to.be.greaterThan(0);
    });
  });

  describe("checkReceipt / receiptDigest", function () {
    it("receiptDigest equals the EIP-712 hash ethers computes", async function () {
      const f = await loadFixture(deployWithIssuer);
      const receipt = receiptFor(f, { issuedAt: f.addedAt });
      expect(await f.registry.receiptDigest(receipt)).to.equal(
        TypedDataEncoder.hash(f.domain, RECEIPT_TYPES, receipt),
      );
      const eip712 = await f.registry.eip712Domain();
      expect(eip712.name).to.equal("IssuerRegistry");
      expect(eip712.version).to.equal("1");
      expect(eip712.chainId).to.equal(f.chainId);
      expect(eip712.verifyingContract).to.equal(f.domain.verifyingContract);
    });

    it("Valid for a receipt signed by a trusted issuer inside its window", async function () {
      const f = await loadFixture(deployWithIssuer);
      const receipt = receiptFor(f, { issuedAt: f.addedAt });
      const sig = await sign(f.issuer, f.domain, receipt);
      expect(await f.registry.checkReceipt(receipt, sig)).to.equal(Check.Valid);
      // issuedAt == now and validUntil == now + 1 are both inside.
      const t = await now();
      const edge = receiptFor(f, { issuedAt: t, validUntil: t + 1n });
      expect(await f.registry.checkReceipt(edge, await sign(f.issuer, f.domain, edge))).to.equal(
        Check.Valid,
      );
    });

    it("BadSignature: wrong signer, tampered field, other chain or contract, malformed", async function () {
      const f = await loadFixture(deployWithIssuer);
      const receipt = receiptFor(f, { issuedAt: f.addedAt });
      const good = await sign(f.issuer, f.domain, receipt);
      const check = (r: CredentialReceipt, s: string) => f.registry.checkReceipt(r, s);

      expect(await check(receipt, await sign(f.other, f.domain, receipt))).to.equal(
        Check.BadSignature,
      );
      for (const tampered of [
        { ...receipt, owner: f.other.address },
        { ...receipt, dataHash: id("credential-2") },
        { ...receipt, credentialType: AML },
        { ...receipt, issuedAt: receipt.issuedAt + 1n },
        { ...receipt, validUntil: receipt.validUntil + 1n },
        { ...receipt, issuer: f.issuer2.address },
      ]) {
        expect(await check(tampered, good)).to.equal(Check.BadSignature);
      }
      expect(
        await check(receipt, await sign(f.issuer, { ...f.domain, chainId: 1n }, receipt)),
      ).to.equal(Check.BadSignature);
      expect(
        await check(
          receipt,
          await sign(f.issuer, { ...f.domain, verifyingContract: f.other.address }, receipt),
        ),
      ).to.equal(Check.BadSignature);
      expect(
        await check(receipt, await sign(f.issuer, { ...f.domain, version: "2" }, receipt)),
      ).to.equal(Check.BadSignature);
      expect(await check(receipt, "0x")).to.equal(Check.BadSignature);
      expect(await check(receipt, good.slice(0, -2))).to.equal(Check.BadSignature);
      // An EOA signature with trailing bytes is not a valid ECDSA signature.
      expect(await check(receipt, concat([good, "0x00"]))).to.equal(Check.BadSignature);
    });

    it("NotYetIssued and Expired", async function () {
      const f = await loadFixture(deployWithIssuer);
      const t = await now();
      const future = receiptFor(f, { issuedAt: t + 1000n });
      expect(
        await f.registry.checkReceipt(future, await sign(f.issuer, f.domain, future)),
      ).to.equal(Check.NotYetIssued);

      const expired = receiptFor(f, { issuedAt: f.addedAt, validUntil: t });
      expect(
        await f.registry.checkReceipt(expired, await sign(f.issuer, f.domain, expired)),
      ).to.equal(Check.Expired);

      // A receipt turns Expired at validUntil exactly.
      const soon = receiptFor(f, { issuedAt: f.addedAt, validUntil: t + 10n });
      const sig = await sign(f.issuer, f.domain, soon);
      expect(await f.registry.checkReceipt(soon, sig)).to.equal(Check.Valid);
      await time.increaseTo(t + 9n);
      expect(await f.registry.checkReceipt(soon, sig)).to.equal(Check.Valid);
      await time.increaseTo(t + 10n);
      expect(await f.registry.checkReceipt(soon, sig)).to.equal(Check.Expired);

      // validUntil 0 is not "no end" for receipts: it is always expired.
      const noEnd = receiptFor(f, { issuedAt: f.addedAt, validUntil: 0n });
      expect(await f.registry.checkReceipt(noEnd, await sign(f.issuer, f.domain, noEnd))).to.equal(
        Check.Expired,
      );
    });

    it("UnknownType for a type never registered", async function () {
      const f = await loadFixture(deployWithIssuer);
      const receipt = receiptFor(f, { issuedAt: f.addedAt, credentialType: UNKNOWN });
      expect(
        await f.registry.checkReceipt(receipt, await sign(f.issuer, f.domain, receipt)),
      ).to.equal(Check.UnknownType);
    });

    it("IssuerNotTrustedAtIssuance: before accreditation, suspended then, type not accredited, outside window, unknown issuer", async function () {
      const f = await loadFixture(deployWithIssuer);
      const check = async (r: CredentialReceipt, signer: Signer = f.issuer) =>
        f.registry.checkReceipt(r, await sign(signer, f.domain, r));

      expect(await check(receiptFor(f, { issuedAt: f.addedAt - 1n }))).to.equal(
        Check.IssuerNotTrustedAtIssuance,
      );
      expect(
        await check(receiptFor(f, { issuedAt: f.addedAt, credentialType: ACCREDITED })),
      ).to.equal(Check.IssuerNotTrustedAtIssuance);

      const base = (await now()) + 100n;
      await at(base, () => f.reg.suspendIssuer(f.issuer.address));
      await at(base + 100n, () => f.reg.restoreIssuer(f.issuer.address));
      expect(await check(receiptFor(f, { issuedAt: base }))).to.equal(
        Check.IssuerNotTrustedAtIssuance,
      );
      expect(await check(receiptFor(f, { issuedAt: base + 99n }))).to.equal(
        Check.IssuerNotTrustedAtIssuance,
      );
      expect(await check(receiptFor(f, { issuedAt: base - 1n }))).to.equal(Check.Valid);
      expect(await check(receiptFor(f, { issuedAt: base + 100n }))).to.equal(Check.Valid);

      // Accreditation window: issued outside [validFrom, validUntil) at the time.
      const t = await now();
      await at(t + 10n, () => f.reg.setIssuerValidity(f.issuer.address, t + 50n, t + 60n));
      await time.increaseTo(t + 100n);
      expect(await check(receiptFor(f, { issuedAt: t + 20n }))).to.equal(
        Check.IssuerNotTrustedAtIssuance,
      );
      expect(await check(receiptFor(f, { issuedAt: t + 60n }))).to.equal(
        Check.IssuerNotTrustedAtIssuance,
      );
      // An accreditation that ended later does not void a receipt issued inside it.
      expect(await check(receiptFor(f, { issuedAt: t + 55n }))).to.equal(Check.Valid);
      // Issued before the window change, under the old open window.
      expect(await check(receiptFor(f, { issuedAt: t + 5n }))).to.equal(Check.Valid);

      // A key never accredited, signing its own receipts.
      expect(
        await check(receiptFor(f, { issuedAt: t, issuer: f.other.address }), f.other),
      ).to.equal(Check.IssuerNotTrustedAtIssuance);
    });

    it("IssuerRevoked when the issuer is suspended or removed now", async function () {
      const f = await loadFixture(deployWithIssuer);
      const receipt = receiptFor(f, { issuedAt: f.addedAt });
      const sig = await sign(f.issuer, f.domain, receipt);
      await f.reg.suspendIssuer(f.issuer.address);
      expect(await f.registry.checkReceipt(receipt, sig)).to.equal(Check.IssuerRevoked);
      await f.reg.restoreIssuer(f.issuer.address);
      expect(await f.registry.checkReceipt(receipt, sig)).to.equal(Check.Valid);
      await f.reg.removeIssuer(f.issuer.address);
      expect(await f.registry.checkReceipt(receipt, sig)).to.equal(Check.IssuerRevoked);
    });

    it("a receipt signed before a key rotation stays Valid, until governance removes the lineage", async function () {
      const f = await loadFixture(deployWithIssuer);
      const old = receiptFor(f, { issuedAt: f.addedAt });
      const oldSig = await sign(f.issuer, f.domain, old);
      await rotate(f, f.issuer, f.newKey);
      const rotatedAt = await now();
      expect(await f.registry.checkReceipt(old, oldSig)).to.equal(Check.Valid);

      // The old key signing after the rotation is not trusted at issuance.
      const late = receiptFor(f, { issuedAt: rotatedAt });
      expect(await f.registry.checkReceipt(late, await sign(f.issuer, f.domain, late))).to.equal(
        Check.IssuerNotTrustedAtIssuance,
      );
      // The new key is trusted from the rotation on, not before.
      const fresh = receiptFor(f, { issuer: f.newKey.address, issuedAt: rotatedAt });
      expect(await f.registry.checkReceipt(fresh, await sign(f.newKey, f.domain, fresh))).to.equal(
        Check.Valid,
      );
      const backdated = receiptFor(f, { issuer: f.newKey.address, issuedAt: rotatedAt - 1n });
      expect(
        await f.registry.checkReceipt(backdated, await sign(f.newKey, f.domain, backdated)),
      ).to.equal(Check.IssuerNotTrustedAtIssuance);

      // Removing the lineage (named by its old key) refuses the receipts of both keys.
      await f.reg.removeIssuer(f.issuer.address);
      expect(await f.registry.checkReceipt(old, oldSig)).to.equal(Check.IssuerRevoked);
      expect(await f.registry.checkReceipt(fresh, await sign(f.newKey, f.domain, fresh))).to.equal(
        Check.IssuerRevoked,
      );
    });

    it("a suspended key cannot revive its backdated receipts by rotating", async function () {
      const f = await loadFixture(deployWithIssuer);
      const base = (await now()) + 100n;
      await at(base, () => f.reg.suspendIssuer(f.issuer.address));
      const backdated = receiptFor(f, { issuedAt: base - 50n });
      const sig = await sign(f.issuer, f.domain, backdated);
      expect(await f.registry.checkReceipt(backdated, sig)).to.equal(Check.IssuerRevoked);
      await expect(rotate(f, f.issuer, f.newKey)).to.be.revertedWithCustomError(
        f.registry,
        "IssuerRegistryWrongStatus",
      );
      expect(await f.registry.checkReceipt(backdated, sig)).to.equal(Check.IssuerRevoked);
    });

    it("ERC-1271 issuer: a longer-than-65-byte signature is Valid; a refusing wallet gives BadSignature", async function () {
      const f = await loadFixture(deployRegistry);
      const wallet = await ethers.deployContract("MockERC1271Wallet", [f.issuer.address]);
      const walletAddress = await wallet.getAddress();
      await f.reg.addIssuer(walletAddress, [KYC], CH, 0, 0, META);
      const addedAt = await now();
      const receipt = receiptFor(f, { issuer: walletAddress, issuedAt: addedAt });
      const ecdsa = await sign(f.issuer, f.domain, receipt);
      const long = concat([ecdsa, "0xdeadbeefcafe"]);
      expect(long.length).to.be.greaterThan(2 + 65 * 2);
      expect(await f.registry.checkReceipt(receipt, long)).to.equal(Check.Valid);
      expect(await f.registry.checkReceipt(receipt, ecdsa)).to.equal(Check.Valid);
      // Signed by someone else than the wallet's signer.
      expect(
        await f.registry.checkReceipt(receipt, await sign(f.other, f.domain, receipt)),
      ).to.equal(Check.BadSignature);
      await wallet.setRefuse(true);
      expect(await f.registry.checkReceipt(receipt, long)).to.equal(Check.BadSignature);
    });
  });

  describe("review findings (issue 11)", function () {
    it("R1: a rotated key's backdated receipt is refused while its successor is suspended, valid again when restored", async function () {
      const f = await loadFixture(deployWithIssuer);
      await time.increase(100);
      await rotate(f, f.issuer, f.newKey);
      const rotatedAt = await now();
      await f.reg.suspendIssuer(f.newKey.address);
      // Whoever holds the retired key signs a new receipt dated before the rotation.
      const backdated = receiptFor(f, {
        issuedAt: rotatedAt - 50n,
        validUntil: rotatedAt + YEAR / 2n,
      });
      const sig = await sign(f.issuer, f.domain, backdated);
      expect(await f.registry.checkReceipt(backdated, sig)).to.equal(Check.IssuerRevoked);
      await f.reg.restoreIssuer(f.issuer.address); // any key of the lineage names it
      expect(await f.registry.checkReceipt(backdated, sig)).to.equal(Check.Valid);
    });

    it("R1: suspend, restore and remove through a rotated key act on the lineage's current key", async function () {
      const f = await loadFixture(deployWithIssuer);
      await rotate(f, f.issuer, f.newKey);
      await rotate(f, f.newKey, f.other);
      const t = await now();
      const suspended = tuple(rec({ status: IssuerStatus.Suspended }));
      await expect(f.reg.suspendIssuer(f.issuer.address))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.other.address, Action.Suspended, suspended);
      await expect(f.reg.suspendIssuer(f.newKey.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryWrongStatus")
        .withArgs(f.other.address, IssuerStatus.Suspended, IssuerStatus.Active);
      // Every key's receipts are refused, the retired ones' included.
      for (const [key, issuedAt] of [
        [f.issuer, f.addedAt],
        [f.other, t],
      ] as const) {
        const r = receiptFor(f, { issuer: key.address, issuedAt });
        expect(await f.registry.checkReceipt(r, await sign(key, f.domain, r))).to.equal(
          Check.IssuerRevoked,
        );
      }
      await expect(f.reg.restoreIssuer(f.newKey.address))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.other.address, Action.Restored, tuple(rec()));
      await expect(f.reg.removeIssuer(f.issuer.address))
        .to.emit(f.registry, "IssuerUpdated")
        .withArgs(f.other.address, Action.Removed, tuple(rec({ status: IssuerStatus.Removed })));
      await expect(f.reg.restoreIssuer(f.issuer.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryWrongStatus")
        .withArgs(f.other.address, IssuerStatus.Removed, IssuerStatus.Suspended);
    });

    it("R1: a thief who rotates a stolen active key onto its own key stays in the lineage", async function () {
      const f = await loadFixture(deployWithIssuer);
      const honest = receiptFor(f, { issuedAt: f.addedAt });
      const honestSig = await sign(f.issuer, f.domain, honest);
      await rotate(f, f.issuer, f.user); // the thief's own key
      const stolenAt = await now();
      await f.reg.suspendIssuer(f.issuer.address); // governance names the key it knows
      const forged = receiptFor(f, { issuer: f.user.address, issuedAt: stolenAt });
      expect(await f.registry.checkReceipt(forged, await sign(f.user, f.domain, forged))).to.equal(
        Check.IssuerRevoked,
      );
      expect(await f.registry.checkReceipt(honest, honestSig)).to.equal(Check.IssuerRevoked);
      expect(await f.registry.isTrusted(f.user.address, KYC)).to.equal(false);
    });

    it("R2: a receipt may not state a lifetime over its type's maximum, which bounds backdating after a type is withdrawn", async function () {
      const f = await loadFixture(deployWithIssuer);
      await time.increase(100);
      const withdrawnAt = await now();
      await f.reg.setIssuerTypes(f.issuer.address, [AML]); // KYC withdrawn
      await time.increase(10n * YEAR);
      // Dated before the withdrawal, valid far into the future: refused.
      const far = receiptFor(f, {
        issuedAt: withdrawnAt - 1n,
        validUntil: withdrawnAt + 20n * YEAR,
      });
      expect(await f.registry.checkReceipt(far, await sign(f.issuer, f.domain, far))).to.equal(
        Check.LifetimeExceeded,
      );
      // Within the lifetime it must end within a year of the withdrawal: expired by now.
      const bounded = receiptFor(f, {
        issuedAt: withdrawnAt - 1n,
        validUntil: withdrawnAt - 1n + YEAR,
      });
      expect(
        await f.registry.checkReceipt(bounded, await sign(f.issuer, f.domain, bounded)),
      ).to.equal(Check.Expired);
      // The bound is exact: validUntil - issuedAt == lifetime passes, one second more does not.
      const t = await now();
      const edge = receiptFor(f, { credentialType: AML, issuedAt: t, validUntil: t + YEAR });
      expect(await f.registry.checkReceipt(edge, await sign(f.issuer, f.domain, edge))).to.equal(
        Check.Valid,
      );
      const over = { ...edge, validUntil: t + YEAR + 1n };
      expect(await f.registry.checkReceipt(over, await sign(f.issuer, f.domain, over))).to.equal(
        Check.LifetimeExceeded,
      );
    });

    it("R2: setCredentialTypeLifetime sets a type's maximum (registrar only, registered types only); 0 refuses every receipt of the type", async function () {
      const f = await loadFixture(deployWithIssuer);
      expect(await f.registry.DEFAULT_RECEIPT_LIFETIME()).to.equal(YEAR);
      expect(await f.registry.credentialTypeLifetime(KYC)).to.equal(YEAR);
      await expect(f.reg.setCredentialTypeLifetime(KYC, 30n * 86_400n))
        .to.emit(f.registry, "CredentialTypeLifetimeSet")
        .withArgs(KYC, 0, 30n * 86_400n);
      expect(await f.registry.credentialTypeLifetime(KYC)).to.equal(30n * 86_400n);
      expect(await f.registry.credentialTypeBit(KYC)).to.equal(0n);
      const r = receiptFor(f, { issuedAt: f.addedAt, validUntil: f.addedAt + 31n * 86_400n });
      const sig = await sign(f.issuer, f.domain, r);
      expect(await f.registry.checkReceipt(r, sig)).to.equal(Check.LifetimeExceeded);
      await f.reg.setCredentialTypeLifetime(KYC, 0n);
      const short = receiptFor(f, { issuedAt: f.addedAt, validUntil: f.addedAt + 1_000n });
      expect(await f.registry.checkReceipt(short, await sign(f.issuer, f.domain, short))).to.equal(
        Check.LifetimeExceeded,
      );
      await expect(f.reg.setCredentialTypeLifetime(UNKNOWN, 1n))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryUnknownType")
        .withArgs(UNKNOWN);
      await expect(f.registry.credentialTypeLifetime(UNKNOWN))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryUnknownType")
        .withArgs(UNKNOWN);
      await expect(f.registry.connect(f.issuer).setCredentialTypeLifetime(KYC, 1n))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.issuer.address, f.REGISTRAR_ROLE);
    });

    it("R6: an active issuer cannot claim a key it does not hold (front-running addIssuer)", async function () {
      const f = await loadFixture(deployWithIssuer);
      const deadline = (await now()) + 3600n;
      // The issuer signs the "proof" itself: it is not the new key's signature.
      const fake = await signKeyRotation(f.issuer, f.domain, {
        oldKey: f.issuer.address,
        newKey: f.issuer2.address,
        deadline,
      });
      await expect(f.registry.connect(f.issuer).rotateKey(f.issuer2.address, deadline, fake))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryInvalidKeyProof")
        .withArgs(f.issuer2.address);
      await expect(rotate(f, f.issuer, f.issuer2.address))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryInvalidKeyProof")
        .withArgs(f.issuer2.address);
      // So the registrar's accreditation of that key goes through.
      await expect(f.reg.addIssuer(f.issuer2.address, [AML], code("DE"), 0, 0, META2)).to.emit(
        f.registry,
        "IssuerUpdated",
      );
    });

    it("R6: the proof is bound to the old key, the new key, the registry, the chain and a deadline", async function () {
      const f = await loadFixture(deployWithIssuer);
      await f.reg.addIssuer(f.issuer2.address, [KYC], CH, 0, 0, META);
      const deadline = (await now()) + 3600n;
      const proofFor = (domain: typeof f.domain, oldKey: string, d = deadline) =>
        signKeyRotation(f.newKey, domain, { oldKey, newKey: f.newKey.address, deadline: d });
      const bad = async (proof: string, d = deadline) =>
        expect(f.registry.connect(f.issuer).rotateKey(f.newKey.address, d, proof))
          .to.be.revertedWithCustomError(f.registry, "IssuerRegistryInvalidKeyProof")
          .withArgs(f.newKey.address);
      await bad(await proofFor(f.domain, f.issuer2.address)); // made for another issuer's rotation
      await bad(
        await proofFor(registryDomain(1n, await f.registry.getAddress()), f.issuer.address),
      );
      await bad(await proofFor(registryDomain(f.chainId, f.user.address), f.issuer.address));
      await bad(await proofFor(f.domain, f.issuer.address), deadline + 1n); // another deadline
      await bad("0x");
      // After its deadline a good proof is refused; at its deadline it is accepted.
      const proof = await proofFor(f.domain, f.issuer.address);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(f.registry.connect(f.issuer).rotateKey(f.newKey.address, deadline, proof))
        .to.be.revertedWithCustomError(f.registry, "IssuerRegistryExpiredKeyProof")
        .withArgs(deadline);
      const later = deadline + 100n;
      const proof2 = await proofFor(f.domain, f.issuer.address, later);
      await time.setNextBlockTimestamp(later);
      await expect(f.registry.connect(f.issuer).rotateKey(f.newKey.address, later, proof2))
        .to.emit(f.registry, "IssuerKeyRotated")
        .withArgs(f.issuer.address, f.newKey.address, f.issuer.address);
    });

    it("R6: a smart-account new key proves possession with ERC-1271", async function () {
      const f = await loadFixture(deployWithIssuer);
      const wallet = await ethers.deployContract("MockERC1271Wallet", [f.newKey.address]);
      const w = await wallet.getAddress();
      const deadline = (await now()) + 3600n;
      const proof = await signKeyRotation(f.newKey, f.domain, {
        oldKey: f.issuer.address,
        newKey: w,
        deadline,
      });
      await expect(f.registry.connect(f.issuer).rotateKey(w, deadline, concat([proof, "0x01"])))
        .to.emit(f.registry, "IssuerKeyRotated")
        .withArgs(f.issuer.address, w, f.issuer.address);
    });

    it("Info: an issuer key with code (an EIP-7702 account) signs with its own key, as AccessGrants accepts", async function () {
      const f = await loadFixture(deployWithIssuer);
      await networkHelpers.setCode(f.issuer.address, "0x00");
      const receipt = receiptFor(f, { issuedAt: f.addedAt });
      expect(
        await f.registry.checkReceipt(receipt, await sign(f.issuer, f.domain, receipt)),
      ).to.equal(Check.Valid);
      expect(
        await f.registry.checkReceipt(receipt, await sign(f.other, f.domain, receipt)),
      ).to.equal(Check.BadSignature);
    });

    it("R7: the receipt's audience is signed: changing it breaks the signature", async function () {
      const f = await loadFixture(deployWithIssuer);
      const receipt = receiptFor(f, { issuedAt: f.addedAt, audience: f.other.address });
      const sig = await sign(f.issuer, f.domain, receipt);
      expect(await f.registry.checkReceipt(receipt, sig)).to.equal(Check.Valid);
      expect(await f.registry.checkReceipt({ ...receipt, audience: ZERO_ADDRESS }, sig)).to.equal(
        Check.BadSignature,
      );
    });
  });
});
