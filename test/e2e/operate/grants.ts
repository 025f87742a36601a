/**
 * The operate commands of grants: grant, check, revoke and release from the command line, then
 * signed requests (sign-grant, relay) and each request relay refuses before sending.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import {
  computeGrantId,
  deriveDataHash,
  grantsDomain,
  purposeHash,
  signRequest,
} from "../../../scripts/lib/grants.js";
import {
  ACCOUNT,
  describeOperate,
  grantkit,
  grantkitWith,
  grants,
  node,
  ok,
  record,
  refused,
  scratch,
} from "./setup.js";

const SALT = "0x" + "5a".repeat(32);
const DATA_ID = "passport-2f9c";
const LOCK_ISO = "2099-01-01T00:00:00Z";

describeOperate(function () {
  describe("grants", function () {
    const dataHash = deriveDataHash({ dataId: DATA_ID, salt: SALT });
    const purpose = purposeHash("onboarding");

    it("a malformed address is refused", async function () {
      const line = refused(
        await grantkitWith("check", { owner: "0x1234", grantee: ACCOUNT[1], dataHash }),
      );
      expect(line).to.equal(
        'error: --owner "0x1234" is not an address (pass 0x and 40 hex digits, e.g. 0x70997970C51812dc3A010C7d01b50e0d17dc79C8)',
      );
    });

    it("a malformed 32-byte hash is refused", async function () {
      const line = refused(
        await grantkitWith("check", { owner: ACCOUNT[0], grantee: ACCOUNT[1], dataHash: "0xabc" }),
      );
      expect(line).to.match(/^error: --data-hash "0xabc" is not a 32-byte hash \(pass --data-hash/);
    });

    it("grant (data id + salt, locked) as account 0", async function () {
      const out = ok(
        await grantkitWith("grant", {
          grantee: ACCOUNT[1],
          dataId: DATA_ID,
          salt: SALT,
          purpose: "onboarding",
          lockedUntil: LOCK_ISO,
        }),
      );
      const id = computeGrantId({ owner: ACCOUNT[0], grantee: ACCOUNT[1], dataHash, purpose });
      expect(out).to.include(
        `access to ${dataHash} for purpose onboarding, locked until ${LOCK_ISO}`,
      );
      expect(out).to.match(new RegExp(`grant id ${id}: tx 0x[0-9a-f]{64} block \\d+`));
      expect(
        await grants.getFunction("isGranted")(ACCOUNT[0], ACCOUNT[1], dataHash, purpose),
      ).to.equal(true);
    });

    /** `check` of the grant these steps make, its output. */
    const checkGrant = async () =>
      ok(
        await grantkitWith("check", {
          owner: ACCOUNT[0],
          grantee: ACCOUNT[1],
          dataHash,
          purpose: "onboarding",
        }),
      );

    it("check prints granted yes and the state with ISO dates", async function () {
      const out = await checkGrant();
      expect(out).to.match(/^granted: yes$/m);
      expect(out).to.include("status Active");
      expect(out).to.include(`locked until ${LOCK_ISO} (in force)`);
      expect(out).to.include("expires never");
    });

    it("revoke of a locked grant is refused with its unlock time", async function () {
      const line = refused(
        await grantkitWith("revoke", { grantee: ACCOUNT[1], dataHash, purpose: "onboarding" }),
      );
      expect(line).to.match(
        new RegExp(`^error: grant 0x[0-9a-f]{64} is locked until ${LOCK_ISO} `),
      );
      expect(line).to.include(`the grantee ${ACCOUNT[1]} can release it any time`);
    });

    it("release as the grantee (account 1)", async function () {
      const out = ok(
        await grantkitWith("release", {
          from: "1",
          owner: ACCOUNT[0],
          dataId: DATA_ID,
          salt: SALT,
          purpose: "onboarding",
        }),
      );
      expect(out).to.match(
        /released grant 0x[0-9a-f]{64} as grantee 0x70997970.*: tx 0x[0-9a-f]{64} block \d+/,
      );
      expect(
        await grants.getFunction("isGranted")(ACCOUNT[0], ACCOUNT[1], dataHash, purpose),
      ).to.equal(false);
    });

    it("check of the released grant says its lock no longer binds", async function () {
      const out = await checkGrant();
      expect(out).to.match(/^granted: no$/m);
      expect(out).to.include("status Released");
      expect(out).to.include(`locked until ${LOCK_ISO} (no longer binding: the grant is released)`);
      expect(out).not.to.include("(in force)");
    });
  });

  describe("signed requests (owner account 2, relayer account 3)", function () {
    const dataHash = "0x" + "c4".repeat(32);
    const purpose = purposeHash("kyc-check");
    let requestFile: string;
    /** `command` as the owner (account 2) on its grant to account 1. */
    const asOwner = (command: string, options: Record<string, string> = {}) =>
      grantkitWith(command, {
        from: "2",
        grantee: ACCOUNT[1],
        dataHash,
        purpose: "kyc-check",
        ...options,
      });

    it("sign-grant writes a signed request without sending anything", async function () {
      requestFile = path.join(scratch, "requests", "grant.json");
      const before = await node.provider.getBlockNumber();
      const out = ok(
        await asOwner("sign-grant", {
          nonce: "7",
          deadline: "+1h",
          out: requestFile,
        }),
      );
      expect(out).to.include(`signed a Grant request as owner ${ACCOUNT[2]}`);
      expect(out).to.include("no transaction sent");
      expect(await node.provider.getBlockNumber()).to.equal(before);
      const request = JSON.parse(readFileSync(requestFile, "utf8"));
      expect(request.owner).to.equal(ACCOUNT[2]);
      expect(request.params).to.deep.include({ grantee: ACCOUNT[1], dataHash, purpose });
      expect(request.authorization.nonce).to.equal("7");
      expect(request.generation).to.equal("0"); // read from the chain: never granted
      expect(request.authorization.signature).to.match(/^0x[0-9a-f]{130}$/);
    });

    it("relay submits it from the relayer", async function () {
      const out = ok(await grantkit(["relay", "--request", requestFile, "--from", "3"]));
      const id = computeGrantId({ owner: ACCOUNT[2], grantee: ACCOUNT[1], dataHash, purpose });
      expect(out).to.match(
        new RegExp(
          `relayed Grant of owner ${ACCOUNT[2]} .*grant id ${id}: tx 0x[0-9a-f]{64} block \\d+ \\(from ${ACCOUNT[3]}\\)`,
        ),
      );
      expect(
        await grants.getFunction("isGranted")(ACCOUNT[2], ACCOUNT[1], dataHash, purpose),
      ).to.equal(true);
    });

    it("relay of a used request is refused before sending", async function () {
      const line = refused(await grantkit(["relay", "--request", requestFile, "--from", "3"]));
      expect(line).to.equal(
        `error: nonce 7 of owner ${ACCOUNT[2]} is already used (the request was relayed already or cancelled) (ask the owner to sign a new request with another nonce)`,
      );
    });

    it("relay of an expired request is refused before sending", async function () {
      const now = (await node.provider.getBlock("latest"))!.timestamp;
      const deadline = BigInt(now - 60);
      const owner = await node.provider.getSigner(2);
      const params = {
        grantee: ACCOUNT[4],
        dataHash,
        purpose,
        lockedUntil: "0",
        expiresAt: "0",
      };
      const signature = await signRequest(
        owner,
        grantsDomain(31337, record.contracts.AccessGrants!.address),
        "Grant",
        {
          owner: ACCOUNT[2],
          ...params,
          generation: 0n,
          nonce: 8n,
          deadline,
        },
      );
      const file = path.join(scratch, "expired.json");
      writeFileSync(
        file,
        JSON.stringify({
          kind: "Grant",
          chainId: 31337,
          accessGrants: record.contracts.AccessGrants!.address,
          owner: ACCOUNT[2],
          params,
          generation: "0",
          authorization: { nonce: "8", deadline: deadline.toString(), signature },
        }),
      );
      const line = refused(await grantkit(["relay", "--request", file, "--from", "3"]));
      const expiredAt = new Date(Number(deadline) * 1000).toISOString().replace(".000Z", "Z");
      expect(line).to.include(`error: the signed request expired at ${expiredAt}`);
      expect(line).to.include("ask the owner to sign a new request with a later --deadline");
      expect(await grants.getFunction("isNonceUsed")(ACCOUNT[2], 8n)).to.equal(false);
    });

    it("revoke by the owner of the relayed (unlocked) grant", async function () {
      const out = ok(await asOwner("revoke"));
      expect(out).to.match(
        /revoked grant 0x[0-9a-f]{64} .*: tx 0x[0-9a-f]{64} block \d+ \(from 0x3C44/,
      );
      expect(
        await grants.getFunction("isGranted")(ACCOUNT[2], ACCOUNT[1], dataHash, purpose),
      ).to.equal(false);
    });

    it("relay of a request signed for an earlier life of the grant is refused before sending", async function () {
      const file = path.join(scratch, "requests", "stale.json");
      ok(
        await asOwner("sign-grant", {
          generation: "0",
          out: file,
        }),
      );
      const id = computeGrantId({ owner: ACCOUNT[2], grantee: ACCOUNT[1], dataHash, purpose });
      const line = refused(await grantkit(["relay", "--request", file, "--from", "3"]));
      expect(line).to.equal(
        `error: grant ${id} is in generation 1, the request was signed for generation 0 (the grant was made or replaced since) (ask the owner to sign a new request (sign-grant reads the current generation))`,
      );
    });
  });
});
