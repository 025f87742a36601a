/**
 * IssuerRegistry: adding issuers, their status changes (suspend, restore, remove), their types,
 * validity, jurisdiction and metadata.
 */
import { expect } from "chai";

import {
  ethers,
  loadFixture,
  IssuerStatus,
  Action,
  code,
  KYC,
  AML,
  ACCREDITED,
  UNKNOWN,
  CH,
  NO_CODE,
  META,
  META2,
  ZERO_HASH,
  rec,
  tuple,
  now,
  deployRegistry,
  deployWithIssuer,
  record,
  rotate,
  expectRevert,
} from "./fixture.js";

describe("IssuerRegistry", function () {
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
      const refused = (tx: Promise<unknown>, key: string, status: number, needs: number) =>
        expectRevert(f, tx, "IssuerRegistryWrongStatus", [key, status, needs]);
      const { None, Active, Suspended, Removed } = IssuerStatus;
      await refused(f.reg.suspendIssuer(f.other.address), f.other.address, None, Active);
      await refused(f.reg.restoreIssuer(f.issuer.address), f.issuer.address, Active, Suspended);
      await f.reg.suspendIssuer(f.issuer.address);
      await refused(f.reg.suspendIssuer(f.issuer.address), f.issuer.address, Suspended, Active);
      await f.reg.removeIssuer(f.issuer.address);
      await refused(f.reg.restoreIssuer(f.issuer.address), f.issuer.address, Removed, Suspended);
      await refused(f.reg.suspendIssuer(f.issuer.address), f.issuer.address, Removed, Active);
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
});
