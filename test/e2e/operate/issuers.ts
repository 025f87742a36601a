/**
 * The operate commands that read and manage the registry: `list`, then the issuer commands in order
 * (add, set types, suspend, restore, show, remove) as the registrar, each refusal with its message.
 */
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";

import {
  ACCOUNT,
  describeOperate,
  grantkit,
  grantkitWith,
  issuerStatus,
  ok,
  record,
  refused,
} from "./setup.js";

describeOperate(function () {
  describe("list", function () {
    it("list: prints the record, the admin, registrars, types and issuers", async function () {
      const out = ok(await grantkit(["list"]));
      expect(out).to.include("chain 31337");
      for (const c of Object.values(record.contracts)) {
        expect(out).to.include(`${c.address} block ${c.blockNumber} tx ${c.txHash}`);
      }
      expect(out).to.include(`IssuerRegistry admin ${ACCOUNT[0]}, admin transfer delay 259200 s`);
      expect(out).to.include(`registrars: ${ACCOUNT[1]}`);
      expect(out).to.match(/bit +0 kyc\.basic/);
      expect(out).to.match(/bit +1 kyc\.enhanced/);
      expect(out).to.match(/bit +2 aml\.screening/);
      expect(out).to.include(`${ACCOUNT[2]} Active CH kyc.basic,aml.screening`);
    });
  });

  describe("issuers (as registrar, account 1)", function () {
    /** `command` as the registrar on account 3's issuer key. */
    const asRegistrar = (command: string, options: Record<string, string> = {}) =>
      grantkitWith(command, { from: "1", issuer: ACCOUNT[3], ...options });

    it("issuer-add without REGISTRAR_ROLE is refused, naming the role and who grants it", async function () {
      const line = refused(
        await grantkitWith("issuer-add", {
          issuer: ACCOUNT[3],
          types: "kyc.basic",
          jurisdiction: "CH",
        }),
      );
      expect(line).to.include(`account ${ACCOUNT[0]} does not have REGISTRAR_ROLE`);
      expect(line).to.include(`the default admin ${ACCOUNT[0]} grants it`);
      expect(line).to.include(`--from with a registrar (${ACCOUNT[1]})`);
      expect(await issuerStatus(ACCOUNT[3])).to.equal(0);
    });

    it("issuer-add accredits an issuer with types, jurisdiction, validity and metadata", async function () {
      const out = ok(
        await asRegistrar("issuer-add", {
          issuer: ACCOUNT[3].toLowerCase(),
          types: "kyc.basic,aml.screening",
          jurisdiction: "CH",
          validUntil: "+30d",
          metadata: "acme kyc v1",
        }),
      );
      expect(out).to.match(
        new RegExp(`added issuer ${ACCOUNT[3]} \\(kyc.basic, aml.screening; CH;`),
      );
      expect(out).to.match(/: tx 0x[0-9a-f]{64} block \d+ \(from 0x70997970/);
      expect(await issuerStatus(ACCOUNT[3])).to.equal(1);
    });

    it("issuer-add with a --valid-until in the past is refused with the chain time", async function () {
      const line = refused(
        await asRegistrar("issuer-add", {
          issuer: ACCOUNT[4],
          types: "kyc.basic",
          validUntil: "2020-01-01",
        }),
      );
      expect(line).to.match(
        /^error: --valid-until 2020-01-01T00:00:00Z is not in the future \(chain time \d{4}-.*Z\) \(pass a later --valid-until, e.g. \+365d, or none \(no end\)\)$/,
      );
      expect(await issuerStatus(ACCOUNT[4])).to.equal(0);
    });

    it("an unknown credential type label is refused with the registered ones", async function () {
      const line = refused(await asRegistrar("issuer-set-types", { types: "kyc.basic,kyc.gold" }));
      expect(line).to.equal(
        'error: unknown credential type "kyc.gold" (registered types: kyc.basic, kyc.enhanced, aml.screening; a registrar registers new ones (registerCredentialType))',
      );
    });

    it("issuer-set-types replaces the types", async function () {
      // A type named twice is one type, printed once.
      const out = ok(await asRegistrar("issuer-set-types", { types: "kyc.enhanced,kyc.enhanced" }));
      expect(out).to.match(
        /set types of issuer 0x90F79.* to kyc\.enhanced: tx 0x[0-9a-f]{64} block \d+/,
      );
    });

    it("issuer-suspend and issuer-restore", async function () {
      ok(await asRegistrar("issuer-suspend"));
      expect(await issuerStatus(ACCOUNT[3])).to.equal(2);
      const out = ok(
        await grantkit(["issuer-restore", "--from", ACCOUNT[1], "--issuer", ACCOUNT[3]]),
      );
      expect(out).to.match(
        /restored issuer 0x90F79.* \(was Suspended; every key of its lineage follows\): tx 0x[0-9a-f]{64} block \d+/,
      );
      expect(await issuerStatus(ACCOUNT[3])).to.equal(1);
    });

    it("issuer-show prints the record, trusted types now, metadata and history", async function () {
      const out = ok(await grantkit(["issuer-show", "--issuer", ACCOUNT[3]]));
      expect(out).to.include("status Active");
      expect(out).to.include("jurisdiction CH");
      expect(out).to.include(`lineage: first key ${ACCOUNT[3]}, current key ${ACCOUNT[3]}`);
      expect(out).to.include("accredited types: kyc.enhanced");
      expect(out).to.include("trusted now for: kyc.enhanced");
      expect(out).to.include(`metadata hash ${keccak256(toUtf8Bytes("acme kyc v1"))}`);
      expect(out).to.match(
        /Added -> Active[\s\S]*TypesSet[\s\S]*Suspended -> Suspended[\s\S]*Restored -> Active/,
      );
    });

    it("issuer-remove", async function () {
      const out = ok(await asRegistrar("issuer-remove"));
      expect(out).to.match(
        /removed issuer 0x90F79.* \(was Active; every key of its lineage follows\): tx 0x[0-9a-f]{64} block \d+/,
      );
      expect(await issuerStatus(ACCOUNT[3])).to.equal(3);
    });
  });
});
