/**
 * IssuerRegistry: credential receipts (checkReceipt, receiptDigest), every answer of the check.
 */
import { expect } from "chai";
import { TypedDataEncoder, concat, type Signer } from "ethers";

import { RECEIPT_TYPES, type CredentialReceipt } from "../../scripts/lib/receipts.js";
import {
  ethers,
  loadFixture,
  time,
  Check,
  id,
  KYC,
  AML,
  ACCREDITED,
  UNKNOWN,
  CH,
  META,
  now,
  at,
  deployRegistry,
  deployWithIssuer,
  receiptFor,
  sign,
  rotate,
} from "./fixture.js";

describe("IssuerRegistry", function () {
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
});
