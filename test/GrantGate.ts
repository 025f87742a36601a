import { expect } from "chai";
import { network } from "hardhat";
import { hexlify, keccak256, toUtf8Bytes, type Signer } from "ethers";

import { purposeHash } from "../scripts/lib/grants.js";
import { receiptChecks } from "../sdk/src/constants.js";
import { registryDomain, signReceipt, type CredentialReceipt } from "../scripts/lib/receipts.js";
import { deployForTest, testConfig } from "./helpers/deploy.js";
import { enumOf } from "./helpers/enums.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const Check = enumOf(receiptChecks);

const id = (label: string) => keccak256(toUtf8Bytes(label));

const KYC = id("kyc.basic");
const AML = id("aml.screening");
const ONBOARDING = purposeHash("onboarding");
const DATA = id("kyc-credential-of-user");
const DATA2 = id("another-data-item");
const CH = hexlify(toUtf8Bytes("CH"));
const META = id("issuer-metadata");
const DELAY = 3n * 24n * 3600n;
const AMOUNT = ethers.parseEther("1");

async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

async function deployVault() {
  const [admin, registrar, issuer, compliance, user, other, amlIssuer, stranger] =
    await ethers.getSigners();
  // The deploy path: registrar, types and both issuers come from the constructor configuration.
  const { grants, registry } = await deployForTest(
    connection,
    testConfig(admin!.address, {
      adminDelaySeconds: Number(DELAY),
      registrars: [registrar!.address],
      credentialTypes: ["kyc.basic", "aml.screening"],
      issuers: [
        { address: issuer!.address, types: ["kyc.basic"], jurisdiction: "CH", metadataHash: META },
        {
          address: amlIssuer!.address,
          types: ["aml.screening"],
          jurisdiction: "CH",
          metadataHash: META,
        },
      ],
    }),
  );
  const reg = registry.connect(registrar!);
  const issuedAt = await now();
  const vault = await ethers.deployContract("KycVault", [
    await grants.getAddress(),
    await registry.getAddress(),
    compliance!.address,
  ]);
  const domain = registryDomain(
    (await ethers.provider.getNetwork()).chainId,
    await registry.getAddress(),
  );
  return {
    grants,
    registry,
    reg,
    vault,
    domain,
    issuedAt,
    admin: admin!,
    registrar: registrar!,
    issuer: issuer!,
    amlIssuer: amlIssuer!,
    compliance: compliance!,
    user: user!,
    other: other!,
    stranger: stranger!,
  };
}

type Fixture = Awaited<ReturnType<typeof deployVault>>;

/** The fixture plus the user's grant of DATA to the compliance address for "onboarding". */
async function deployWithGrant() {
  const f = await deployVault();
  await f.grants.connect(f.user).grant(grantParams(f));
  return f;
}

function grantParams(
  f: Fixture,
  over: Partial<{ grantee: string; dataHash: string; purpose: string; expiresAt: bigint }> = {},
) {
  return {
    grantee: over.grantee ?? f.compliance.address,
    dataHash: over.dataHash ?? DATA,
    purpose: over.purpose ?? ONBOARDING,
    lockedUntil: 0n,
    expiresAt: over.expiresAt ?? 0n,
  };
}

function receiptFor(f: Fixture, over: Partial<CredentialReceipt> = {}): CredentialReceipt {
  return {
    issuer: f.issuer.address,
    owner: f.user.address,
    audience: ethers.ZeroAddress,
    dataHash: DATA,
    credentialType: KYC,
    issuedAt: f.issuedAt,
    validUntil: f.issuedAt + 365n * 24n * 3600n,
    ...over,
  };
}

async function signed(
  f: Fixture,
  over: Partial<CredentialReceipt> = {},
  signer: Signer = f.issuer,
) {
  const receipt = receiptFor(f, over);
  const signature = await signReceipt(signer, f.domain, receipt);
  return { receipt, signature };
}

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

      await g.grant(grantParams(f, { purpose: purposeHash("marketing") }));
      await g.grant(grantParams(f, { purpose: purposeHash("") }));
      await g.grant(grantParams(f, { grantee: f.other.address }));
      await g.grant(grantParams(f, { dataHash: DATA2 }));
      await expect(deposit())
        .to.be.revertedWithCustomError(f.vault, "GrantGateNotGranted")
        .withArgs(f.user.address, DATA);

      await g.grant(grantParams(f));
      await expect(deposit()).to.emit(f.vault, "Deposited");
      await g.revoke({ grantee: f.compliance.address, dataHash: DATA, purpose: ONBOARDING });
      await expect(deposit())
        .to.be.revertedWithCustomError(f.vault, "GrantGateNotGranted")
        .withArgs(f.user.address, DATA);

      const expiresAt = (await now()) + 100n;
      await g.grant(grantParams(f, { expiresAt }));
      await expect(deposit()).to.emit(f.vault, "Deposited");
      await time.setNextBlockTimestamp(expiresAt);
      await expect(deposit())
        .to.be.revertedWithCustomError(f.vault, "GrantGateNotGranted")
        .withArgs(f.user.address, DATA);
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
