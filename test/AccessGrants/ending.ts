/**
 * AccessGrants: ending grants (revoke, revokeBatch, release).
 */
import { expect } from "chai";
import { keccak256 } from "ethers";

import { computeGrantId } from "../../scripts/lib/grants.js";
import {
  loadFixture,
  time,
  Status,
  DATA,
  DATA2,
  PURPOSE,
  deployGrants,
  params,
  key,
  now,
} from "./fixture.js";

describe("AccessGrants", function () {
  describe("revoke", function () {
    it("ends an unlocked grant and emits the full key and state", async function () {
      const f = await loadFixture(deployGrants);
      const expiresAt = (await now()) + 1000n;
      const p = params(f.grantee.address, { expiresAt });
      await f.grants.grant(p);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      await expect(f.grants.revoke(key(f.grantee.address)))
        .to.emit(f.grants, "GrantRevoked")
        .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, 0n, expiresAt, 1n);
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        false,
      );
      const state = await f.grants.getGrant(id);
      expect(state.status).to.equal(Status.Revoked);
      expect(state.expiresAt).to.equal(expiresAt);
    });

    it("refuses while locked, with the lock time, and works from the lock time on", async function () {
      const f = await loadFixture(deployGrants);
      const lockedUntil = (await now()) + 1000n;
      const p = params(f.grantee.address, { lockedUntil });
      await f.grants.grant(p);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      await expect(f.grants.revoke(key(f.grantee.address)))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsLocked")
        .withArgs(id, lockedUntil);
      await time.setNextBlockTimestamp(lockedUntil - 1n);
      await expect(f.grants.revoke(key(f.grantee.address))).to.be.revertedWithCustomError(
        f.grants,
        "AccessGrantsLocked",
      );
      await time.setNextBlockTimestamp(lockedUntil);
      await expect(f.grants.revoke(key(f.grantee.address))).to.emit(f.grants, "GrantRevoked");
    });

    it("refuses a grant that does not exist, is ended or expired", async function () {
      const f = await loadFixture(deployGrants);
      const id = computeGrantId({
        owner: f.owner.address,
        grantee: f.grantee.address,
        dataHash: DATA,
        purpose: PURPOSE,
      });
      await expect(f.grants.revoke(key(f.grantee.address)))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsNotActive")
        .withArgs(id);
      await f.grants.grant(params(f.grantee.address));
      await f.grants.revoke(key(f.grantee.address));
      await expect(f.grants.revoke(key(f.grantee.address)))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsNotActive")
        .withArgs(id);
      const expiresAt = (await now()) + 5n;
      await f.grants.grant(params(f.grantee.address, { expiresAt }));
      await time.increaseTo(expiresAt);
      await expect(f.grants.revoke(key(f.grantee.address)))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsNotActive")
        .withArgs(id);
    });

    it("only reaches the caller's own grants", async function () {
      const f = await loadFixture(deployGrants);
      await f.grants.grant(params(f.grantee.address));
      // The same key from another account names another grant id, which does not exist.
      await expect(
        f.grants.connect(f.other).revoke(key(f.grantee.address)),
      ).to.be.revertedWithCustomError(f.grants, "AccessGrantsNotActive");
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        true,
      );
    });
  });

  describe("revokeBatch", function () {
    it("revokes every grant of the batch, or none", async function () {
      const f = await loadFixture(deployGrants);
      const lockedUntil = (await now()) + 1000n;
      await f.grants.grantBatch([
        params(f.grantee.address),
        params(f.grantee.address, { dataHash: DATA2, lockedUntil }),
      ]);
      await expect(
        f.grants.revokeBatch([key(f.grantee.address), key(f.grantee.address, DATA2)]),
      ).to.be.revertedWithCustomError(f.grants, "AccessGrantsLocked");
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        true,
      );
      await f.grants.grant(params(f.grantee.address, { dataHash: keccak256("0x01") }));
      const tx = f.grants.revokeBatch([
        key(f.grantee.address),
        key(f.grantee.address, keccak256("0x01")),
      ]);
      await expect(tx).to.emit(f.grants, "GrantRevoked");
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        false,
      );
      expect(
        await f.grants.isGranted(f.owner.address, f.grantee.address, keccak256("0x01"), PURPOSE),
      ).to.equal(false);
    });
  });

  describe("release", function () {
    it("lets the grantee end a grant even while it is locked", async function () {
      const f = await loadFixture(deployGrants);
      const lockedUntil = (await now()) + 1000n;
      const p = params(f.grantee.address, { lockedUntil });
      await f.grants.grant(p);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      await expect(f.grants.connect(f.grantee).release(f.owner.address, DATA, PURPOSE))
        .to.emit(f.grants, "GrantReleased")
        .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, lockedUntil, 0n, 1n);
      expect((await f.grants.getGrant(id)).status).to.equal(Status.Released);
      expect((await f.grants.getGrant(id)).status).not.to.equal(Status.Active);
    });

    it("refuses anyone but the grantee (their call names a grant that does not exist)", async function () {
      const f = await loadFixture(deployGrants);
      await f.grants.grant(params(f.grantee.address));
      const idForOther = computeGrantId({
        owner: f.owner.address,
        grantee: f.other.address,
        dataHash: DATA,
        purpose: PURPOSE,
      });
      await expect(f.grants.connect(f.other).release(f.owner.address, DATA, PURPOSE))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsNotActive")
        .withArgs(idForOther);
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        true,
      );
    });
  });
});
