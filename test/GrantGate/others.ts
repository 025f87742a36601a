/**
 * GrantGate (through KycVault): the deposit that needs a grant only, the ungated withdrawal, and
 * the review findings of issue 11.
 */
import { expect } from "chai";

import {
  ethers,
  loadFixture,
  KYC,
  ONBOARDING,
  DATA,
  DATA2,
  AMOUNT,
  deployVault,
  deployWithGrant,
  grantParams,
  signed,
} from "./fixture.js";

describe("GrantGate (through KycVault)", function () {
  describe("depositGrantOnly", function () {
    it("accepts a granted user without a receipt", async function () {
      const f = await loadFixture(deployWithGrant);
      const tx = f.vault.connect(f.user).depositGrantOnly(DATA, { value: AMOUNT });
      await expect(tx).to.emit(f.vault, "Deposited").withArgs(f.user.address, AMOUNT, DATA);
      await expect(tx).to.changeEtherBalances(ethers, [f.user, f.vault], [-AMOUNT, AMOUNT]);
      expect(await f.vault.balanceOf(f.user.address)).to.equal(AMOUNT);
    });

    it("refuses without a grant, or with a revoked one", async function () {
      const f = await loadFixture(deployVault);
      await expect(f.vault.connect(f.user).depositGrantOnly(DATA, { value: AMOUNT }))
        .to.be.revertedWithCustomError(f.vault, "GrantGateNotGranted")
        .withArgs(f.user.address, DATA);
      await f.grants.connect(f.user).grant(grantParams(f));
      await f.vault.connect(f.user).depositGrantOnly(DATA, { value: AMOUNT });
      await f.grants
        .connect(f.user)
        .revoke({ grantee: f.compliance.address, dataHash: DATA, purpose: ONBOARDING });
      await expect(f.vault.connect(f.user).depositGrantOnly(DATA, { value: AMOUNT }))
        .to.be.revertedWithCustomError(f.vault, "GrantGateNotGranted")
        .withArgs(f.user.address, DATA);
      // Another data item the user did not grant.
      await expect(f.vault.connect(f.user).depositGrantOnly(DATA2, { value: AMOUNT }))
        .to.be.revertedWithCustomError(f.vault, "GrantGateNotGranted")
        .withArgs(f.user.address, DATA2);
    });
  });

  describe("withdraw", function () {
    it("pays out and is not gated: works after the grant is revoked and the issuer removed", async function () {
      const f = await loadFixture(deployWithGrant);
      const { receipt, signature } = await signed(f);
      await f.vault.connect(f.user).deposit(DATA, receipt, signature, { value: 3n * AMOUNT });
      await f.grants
        .connect(f.user)
        .revoke({ grantee: f.compliance.address, dataHash: DATA, purpose: ONBOARDING });
      await f.reg.removeIssuer(f.issuer.address);

      const tx = f.vault.connect(f.user).withdraw(AMOUNT);
      await expect(tx).to.emit(f.vault, "Withdrawn").withArgs(f.user.address, AMOUNT);
      await expect(tx).to.changeEtherBalances(ethers, [f.user, f.vault], [AMOUNT, -AMOUNT]);
      expect(await f.vault.balanceOf(f.user.address)).to.equal(2n * AMOUNT);
      await f.vault.connect(f.user).withdraw(2n * AMOUNT);
      expect(await f.vault.balanceOf(f.user.address)).to.equal(0n);
    });

    it("refuses more than the balance: KycVaultInsufficientBalance(balance, requested)", async function () {
      const f = await loadFixture(deployWithGrant);
      await f.vault.connect(f.user).depositGrantOnly(DATA, { value: AMOUNT });
      await expect(f.vault.connect(f.user).withdraw(AMOUNT + 1n))
        .to.be.revertedWithCustomError(f.vault, "KycVaultInsufficientBalance")
        .withArgs(AMOUNT, AMOUNT + 1n);
      await expect(f.vault.connect(f.other).withdraw(1n))
        .to.be.revertedWithCustomError(f.vault, "KycVaultInsufficientBalance")
        .withArgs(0n, 1n);
      // Withdrawing zero is allowed.
      await expect(f.vault.connect(f.other).withdraw(0n))
        .to.emit(f.vault, "Withdrawn")
        .withArgs(f.other.address, 0n);
    });

    it("reverts with KycVaultTransferFailed when the depositor cannot receive ether", async function () {
      const f = await loadFixture(deployWithGrant);
      // A smart account without a receive function, acting as the user.
      const wallet = await ethers.deployContract("MockERC1271Wallet", [f.user.address]);
      const w = await wallet.getAddress();
      const grantCall = f.grants.interface.encodeFunctionData("grant", [
        {
          grantee: f.compliance.address,
          dataHash: DATA,
          purpose: ONBOARDING,
          lockedUntil: 0n,
          expiresAt: 0n,
        },
      ]);
      await wallet.execute(await f.grants.getAddress(), grantCall);
      const vaultAddress = await f.vault.getAddress();
      await wallet.execute(
        vaultAddress,
        f.vault.interface.encodeFunctionData("depositGrantOnly", [DATA]),
      );
      await expect(
        wallet.execute(vaultAddress, f.vault.interface.encodeFunctionData("withdraw", [0n])),
      )
        .to.be.revertedWithCustomError(f.vault, "KycVaultTransferFailed")
        .withArgs(w, 0n);
    });
  });

  describe("review findings (issue 11)", function () {
    it("Info: refuses a zero address for the grants, the registry or the grantee (GrantGateZeroAddress)", async function () {
      const f = await loadFixture(deployVault);
      const [g, r, c] = [
        await f.grants.getAddress(),
        await f.registry.getAddress(),
        f.compliance.address,
      ];
      const Z = ethers.ZeroAddress;
      const factory = await ethers.getContractFactory("KycVault");
      for (const args of [
        [Z, r, c],
        [g, Z, c],
        [g, r, Z],
      ] as const) {
        await expect(ethers.deployContract("KycVault", [...args]))
          .to.be.revertedWithCustomError(factory, "GrantGateZeroAddress")
          .withArgs(...args);
      }
    });

    it("R7: a receipt bound to the gate's grantee (audience) is accepted there and refused by another dApp's gate", async function () {
      const f = await loadFixture(deployWithGrant);
      // The user keeps a fresh data hash per grantee: the issuer signs one receipt per audience.
      const bound = await signed(f, { audience: f.compliance.address });
      await expect(
        f.vault.connect(f.user).deposit(DATA, bound.receipt, bound.signature, { value: AMOUNT }),
      ).to.emit(f.vault, "Deposited");
      // Another dApp (compliance address `stranger`) with a grant of the same item.
      const other = await ethers.deployContract("KycVault", [
        await f.grants.getAddress(),
        await f.registry.getAddress(),
        f.stranger.address,
      ]);
      await f.grants.connect(f.user).grant(grantParams(f, { grantee: f.stranger.address }));
      await expect(
        other.connect(f.user).deposit(DATA, bound.receipt, bound.signature, { value: AMOUNT }),
      )
        .to.be.revertedWithCustomError(other, "GrantGateReceiptMismatch")
        .withArgs(f.user.address, f.compliance.address, DATA, KYC);
    });
  });
});
