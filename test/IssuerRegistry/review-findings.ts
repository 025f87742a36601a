/**
 * IssuerRegistry: the review findings of issue 11 (R1, R2, R6, R7 and an info finding), one test
 * each.
 */
import { expect } from "chai";
import { concat } from "ethers";

import { registryDomain, signKeyRotation } from "../../scripts/lib/receipts.js";
import {
  ethers,
  networkHelpers,
  loadFixture,
  time,
  IssuerStatus,
  Action,
  Check,
  code,
  KYC,
  AML,
  UNKNOWN,
  CH,
  META,
  META2,
  ZERO_ADDRESS,
  YEAR,
  rec,
  tuple,
  now,
  deployWithIssuer,
  receiptFor,
  sign,
  rotate,
} from "./fixture.js";

describe("IssuerRegistry", function () {
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
