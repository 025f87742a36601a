/**
 * GrantGate (through KycVault): its configuration and the gated deposit (a grant and a receipt).
 */
import { expect } from "chai";

import { purposeHash } from "../../scripts/lib/grants.js";
import type { CredentialReceipt } from "../../scripts/lib/receipts.js";
import {
  ethers,
  loadFixture,
  time,
  Check,
  KYC,
  AML,
  ONBOARDING,
  DATA,
  DATA2,
  AMOUNT,
  now,
  deployVault,
  deployWithGrant,
  grantParams,
  signed,
} from "./fixture.js";

describe("GrantGate (through KycVault)", function () {
  it("exposes its configuration", async function () {
    const f = await loadFixture(deployVault);
    expect(await f.vault.ACCESS_GRANTS()).to.equal(await f.grants.getAddress());
    expect(await f.vault.ISSUER_REGISTRY()).to.equal(await f.registry.getAddress());
    expect(await f.vault.GATE_GRANTEE()).to.equal(f.compliance.address);
    expect(await f.vault.GATE_PURPOSE()).to.equal(ONBOARDING);
    expect(await f.vault.KYC_BASIC()).to.equal(KYC);
  });

  describe("deposit (grant + receipt)", function () {
    it("accepts a granted credential with a valid receipt: event and balance", async function () {
      const f = await loadFixture(deployWithGrant);
      const { receipt, signature } = await signed(f);
      const tx = f.vault.connect(f.user).deposit(DATA, receipt, signature, { value: AMOUNT });
      await expect(tx).to.emit(f.vault, "Deposited").withArgs(f.user.address, AMOUNT, DATA);
      await expect(tx).to.changeEtherBalances(ethers, [f.user, f.vault], [-AMOUNT, AMOUNT]);
      expect(await f.vault.balanceOf(f.user.address)).to.equal(AMOUNT);
      // A second deposit adds up.
      await f.vault.connect(f.user).deposit(DATA, receipt, signature, { value: AMOUNT });
      expect(await f.vault.balanceOf(f.user.address)).to.equal(2n * AMOUNT);
    });

    it("refuses without a grant: GrantGateNotGranted(owner, dataHash)", async function () {
      const f = await loadFixture(deployVault);
      const { receipt, signature } = await signed(f);
      await expect(f.vault.connect(f.user).deposit(DATA, receipt, signature, { value: AMOUNT }))
        .to.be.revertedWithCustomError(f.vault, "GrantGateNotGranted")
        .withArgs(f.user.address, DATA);
    });

    it("refuses a revoked, expired, wrong-purpose or wrong-grantee grant", async function () {
      const f = await loadFixture(deployVault);
      const { receipt, signature } = await signed(f);
      const deposit = () =>
        f.vault.connect(f.user).deposit(DATA, receipt, signature, { value: AMOUNT });
      const g = f.grants.connect(f.user);
      const refused = () =>
        expect(deposit())
          .to.be.revertedWithCustomError(f.vault, "GrantGateNotGranted")
          .withArgs(f.user.address, DATA);

      await g.grant(grantParams(f, { purpose: purposeHash("marketing") }));
      await g.grant(grantParams(f, { purpose: purposeHash("") }));
      await g.grant(grantParams(f, { grantee: f.other.address }));
      await g.grant(grantParams(f, { dataHash: DATA2 }));
      await refused();

      await g.grant(grantParams(f));
      await expect(deposit()).to.emit(f.vault, "Deposited");
      await g.revoke({ grantee: f.compliance.address, dataHash: DATA, purpose: ONBOARDING });
      await refused();

      const expiresAt = (await now()) + 100n;
      await g.grant(grantParams(f, { expiresAt }));
      await expect(deposit()).to.emit(f.vault, "Deposited");
      await time.setNextBlockTimestamp(expiresAt);
      await refused();
    });

    it("checks the grant of the caller, not of the receipt's owner", async function () {
      const f = await loadFixture(deployWithGrant);
      const { receipt, signature } = await signed(f);
      await expect(f.vault.connect(f.other).deposit(DATA, receipt, signature, { value: AMOUNT }))
        .to.be.revertedWithCustomError(f.vault, "GrantGateNotGranted")
        .withArgs(f.other.address, DATA);
    });

    it("refuses a receipt about another owner, data item or credential type, or for another audience: GrantGateReceiptMismatch", async function () {
      const f = await loadFixture(deployWithGrant);
      for (const over of [
        { owner: f.other.address },
        { dataHash: DATA2 },
        { credentialType: AML, issuer: f.amlIssuer.address },
        { audience: f.other.address },
      ]) {
        // Each receipt is validly signed by an issuer trusted for its type: only the mismatch fails.
        const signer = over.issuer ? f.amlIssuer : f.issuer;
        const { receipt, signature } = await signed(f, over, signer);
        expect(await f.registry.checkReceipt(receipt, signature)).to.equal(Check.Valid);
        await expect(f.vault.connect(f.user).deposit(DATA, receipt, signature, { value: AMOUNT }))
          .to.be.revertedWithCustomError(f.vault, "GrantGateReceiptMismatch")
          .withArgs(receipt.owner, receipt.audience, receipt.dataHash, receipt.credentialType);
      }
    });

    it("refuses receipts the registry rejects: GrantGateReceiptRejected(issuer, reason)", async function () {
      const f = await loadFixture(deployWithGrant);
      const deposit = (r: { receipt: CredentialReceipt; signature: string }) =>
        f.vault.connect(f.user).deposit(DATA, r.receipt, r.signature, { value: AMOUNT });
      const t = await now();

      // Expired receipt.
      const expired = await signed(f, { validUntil: t });
      await expect(deposit(expired))
        .to.be.revertedWithCustomError(f.vault, "GrantGateReceiptRejected")
        .withArgs(f.issuer.address, Check.Expired);

      // Not yet issued.
      const future = await signed(f, { issuedAt: t + 1000n });
      await expect(deposit(future))
        .to.be.revertedWithCustomError(f.vault, "GrantGateReceiptRejected")
        .withArgs(f.issuer.address, Check.NotYetIssued);

      // An issuer trusted for another type (AML) signing a KYC receipt.
      const wrongType = await signed(f, { issuer: f.amlIssuer.address }, f.amlIssuer);
      await expect(deposit(wrongType))
        .to.be.revertedWithCustomError(f.vault, "GrantGateReceiptRejected")
        .withArgs(f.amlIssuer.address, Check.IssuerNotTrustedAtIssuance);

      // A key never accredited, signing as itself.
      const untrusted = await signed(f, { issuer: f.stranger.address }, f.stranger);
      await expect(deposit(untrusted))
        .to.be.revertedWithCustomError(f.vault, "GrantGateReceiptRejected")
        .withArgs(f.stranger.address, Check.IssuerNotTrustedAtIssuance);

      // Forged: signed by a non-issuer key while naming the trusted issuer.
      const forged = await signed(f, {}, f.stranger);
      await expect(deposit(forged))
        .to.be.revertedWithCustomError(f.vault, "GrantGateReceiptRejected")
        .withArgs(f.issuer.address, Check.BadSignature);

      // A valid receipt, refused while its issuer is suspended, accepted again once restored.
      const good = await signed(f);
      await f.reg.suspendIssuer(f.issuer.address);
      await expect(deposit(good))
        .to.be.revertedWithCustomError(f.vault, "GrantGateReceiptRejected")
        .withArgs(f.issuer.address, Check.IssuerRevoked);
      await f.reg.restoreIssuer(f.issuer.address);
      await expect(deposit(good)).to.emit(f.vault, "Deposited");

      // Removed issuer.
      await f.reg.removeIssuer(f.issuer.address);
      await expect(deposit(good))
        .to.be.revertedWithCustomError(f.vault, "GrantGateReceiptRejected")
        .withArgs(f.issuer.address, Check.IssuerRevoked);
    });

    it("checks the grant before the receipt", async function () {
      const f = await loadFixture(deployVault);
      const forged = await signed(f, { owner: f.other.address }, f.stranger);
      await expect(
        f.vault.connect(f.user).deposit(DATA, forged.receipt, forged.signature, { value: AMOUNT }),
      )
        .to.be.revertedWithCustomError(f.vault, "GrantGateNotGranted")
        .withArgs(f.user.address, DATA);
    });
  });
});
