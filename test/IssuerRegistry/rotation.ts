/**
 * IssuerRegistry: key rotation and the current trust answer (isTrusted).
 */
import { expect } from "chai";

import {
  ethers,
  loadFixture,
  time,
  IssuerStatus,
  Action,
  KYC,
  AML,
  ACCREDITED,
  UNKNOWN,
  CH,
  META,
  META2,
  ZERO_HASH,
  ZERO_ADDRESS,
  rec,
  tuple,
  now,
  deployWithIssuer,
  record,
  rotate,
} from "./fixture.js";

describe("IssuerRegistry", function () {
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
});
