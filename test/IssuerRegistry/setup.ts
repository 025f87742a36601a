/**
 * IssuerRegistry: constructor configuration, roles, credential types and their bits.
 */
import { expect } from "chai";

import {
  ethers,
  loadFixture,
  time,
  IssuerStatus,
  Action,
  id,
  KYC,
  AML,
  ACCREDITED,
  UNKNOWN,
  CH,
  NO_CODE,
  META,
  DELAY,
  ZERO_HASH,
  YEAR,
  now,
  deployRegistry,
  deployWithIssuer,
  record,
  expectRevert,
} from "./fixture.js";

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
      for (const type of [ZERO_HASH, AML]) {
        await expectRevert(f, f.reg.registerCredentialType(type), "IssuerRegistryInvalidType", [
          type,
        ]);
      }
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
      for (const type of [UNKNOWN, ZERO_HASH]) {
        await expectRevert(f, f.registry.credentialTypeBit(type), "IssuerRegistryUnknownType", [
          type,
        ]);
      }
    });
  });
});
