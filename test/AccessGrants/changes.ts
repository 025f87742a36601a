/**
 * AccessGrants: changing a live grant (extendLock, extendExpiry, replace).
 */
import { expect } from "chai";

import { computeGrantId } from "../../scripts/lib/grants.js";
import {
  loadFixture,
  time,
  Status,
  DATA,
  DATA2,
  PURPOSE,
  ZERO,
  deployGrants,
  params,
  key,
  now,
} from "./fixture.js";

describe("AccessGrants", function () {
  describe("extendLock", function () {
    it("lengthens the lock and emits the new state", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      const p = params(f.grantee.address, { lockedUntil: t + 100n, expiresAt: t + 1000n });
      await f.grants.grant(p);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      await expect(f.grants.extendLock(key(f.grantee.address), t + 500n))
        .to.emit(f.grants, "GrantLockExtended")
        .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, t + 500n, t + 1000n, 1n);
      expect((await f.grants.getGrant(id)).lockedUntil).to.equal(t + 500n);
    });

    it("refuses to shorten or keep the lock", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      const p = params(f.grantee.address, { lockedUntil: t + 100n });
      await f.grants.grant(p);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      await expect(f.grants.extendLock(key(f.grantee.address), t + 100n))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsLockNotExtended")
        .withArgs(id, t + 100n, t + 100n);
      await expect(f.grants.extendLock(key(f.grantee.address), t + 50n))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsLockNotExtended")
        .withArgs(id, t + 100n, t + 50n);
    });

    it("refuses a lock after the expiry", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      const p = params(f.grantee.address, { expiresAt: t + 1000n });
      await f.grants.grant(p);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      await expect(f.grants.extendLock(key(f.grantee.address), t + 1001n))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsLockAfterExpiry")
        .withArgs(id, t + 1001n, t + 1000n);
      await expect(f.grants.extendLock(key(f.grantee.address), t + 1000n)).to.emit(
        f.grants,
        "GrantLockExtended",
      );
    });

    it("refuses an inactive grant", async function () {
      const f = await loadFixture(deployGrants);
      await expect(f.grants.extendLock(key(f.grantee.address), 1n)).to.be.revertedWithCustomError(
        f.grants,
        "AccessGrantsNotActive",
      );
    });
  });

  describe("extendExpiry", function () {
    it("lengthens a finite expiry, also to never (0)", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      const p = params(f.grantee.address, { lockedUntil: t + 10n, expiresAt: t + 100n });
      await f.grants.grant(p);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      await expect(f.grants.extendExpiry(key(f.grantee.address), t + 200n))
        .to.emit(f.grants, "GrantExpiryExtended")
        .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, t + 10n, t + 200n, 1n);
      await expect(f.grants.extendExpiry(key(f.grantee.address), 0n))
        .to.emit(f.grants, "GrantExpiryExtended")
        .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, t + 10n, 0n, 1n);
      expect((await f.grants.getGrant(id)).expiresAt).to.equal(0n);
    });

    it("refuses to shorten, keep, or extend a grant that never expires", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      const p = params(f.grantee.address, { expiresAt: t + 100n });
      await f.grants.grant(p);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      await expect(f.grants.extendExpiry(key(f.grantee.address), t + 100n))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsExpiryNotExtended")
        .withArgs(id, t + 100n, t + 100n);
      await expect(f.grants.extendExpiry(key(f.grantee.address), t + 99n))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsExpiryNotExtended")
        .withArgs(id, t + 100n, t + 99n);
      await f.grants.extendExpiry(key(f.grantee.address), 0n);
      await expect(f.grants.extendExpiry(key(f.grantee.address), t + 5000n))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsExpiryNotExtended")
        .withArgs(id, 0n, t + 5000n);
    });

    it("cannot revive an expired grant", async function () {
      const f = await loadFixture(deployGrants);
      const expiresAt = (await now()) + 10n;
      await f.grants.grant(params(f.grantee.address, { expiresAt }));
      await time.increaseTo(expiresAt);
      await expect(
        f.grants.extendExpiry(key(f.grantee.address), expiresAt + 100n),
      ).to.be.revertedWithCustomError(f.grants, "AccessGrantsNotActive");
    });
  });

  describe("replace", function () {
    it("re-points a locked grant at corrected data, keeping the lock, and links the ids", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      const p = params(f.grantee.address, { lockedUntil: t + 100n });
      await f.grants.grant(p);
      const oldId = computeGrantId({ owner: f.owner.address, ...p });
      const newId = computeGrantId({ owner: f.owner.address, ...p, dataHash: DATA2 });
      expect(
        await f.grants.replace.staticCall(key(f.grantee.address), DATA2, t + 100n, t + 500n),
      ).to.equal(newId);
      await expect(f.grants.replace(key(f.grantee.address), DATA2, t + 100n, t + 500n))
        .to.emit(f.grants, "GrantReplaced")
        .withArgs(
          oldId,
          newId,
          f.owner.address,
          f.grantee.address,
          DATA,
          DATA2,
          PURPOSE,
          Status.Active,
          t + 100n,
          t + 100n,
          1n,
          t + 100n,
          t + 500n,
          1n,
        );
      // The old grant stays in force until its lock ends (its expiry becomes its lock).
      const old = await f.grants.getGrant(oldId);
      expect(old.status).to.equal(Status.Active);
      expect(old.expiresAt).to.equal(t + 100n);
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        true,
      );
      const state = await f.grants.getGrant(newId);
      expect(state.status).to.equal(Status.Active);
      expect(state.lockedUntil).to.equal(t + 100n);
      expect(state.expiresAt).to.equal(t + 500n);
      // The lock carried over protects the new grant.
      await expect(f.grants.revoke(key(f.grantee.address, DATA2))).to.be.revertedWithCustomError(
        f.grants,
        "AccessGrantsLocked",
      );
    });

    it("refuses a shorter lock than the old grant's", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      const p = params(f.grantee.address, { lockedUntil: t + 100n });
      await f.grants.grant(p);
      const oldId = computeGrantId({ owner: f.owner.address, ...p });
      await expect(f.grants.replace(key(f.grantee.address), DATA2, t + 99n, 0n))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsLockShortened")
        .withArgs(oldId, t + 100n, t + 99n);
    });

    it("refuses a zero, identical or already active new data hash, a bad expiry and an inactive grant", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      await expect(
        f.grants.replace(key(f.grantee.address), DATA2, 0n, 0n),
      ).to.be.revertedWithCustomError(f.grants, "AccessGrantsNotActive");
      await f.grants.grant(params(f.grantee.address, { lockedUntil: t + 50n }));
      await expect(f.grants.replace(key(f.grantee.address), ZERO, t + 50n, 0n))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidDataHash")
        .withArgs(ZERO);
      const sameId = computeGrantId({
        owner: f.owner.address,
        grantee: f.grantee.address,
        dataHash: DATA,
        purpose: PURPOSE,
      });
      await expect(f.grants.replace(key(f.grantee.address), DATA, t + 50n, 0n))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsAlreadyActive")
        .withArgs(sameId);
      await expect(f.grants.replace(key(f.grantee.address), DATA2, t + 50n, t + 40n))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidExpiry")
        .withArgs(t + 40n, t + 50n);
      await f.grants.grant(params(f.grantee.address, { dataHash: DATA2 }));
      const id2 = computeGrantId({
        owner: f.owner.address,
        grantee: f.grantee.address,
        dataHash: DATA2,
        purpose: PURPOSE,
      });
      await expect(f.grants.replace(key(f.grantee.address), DATA2, t + 50n, 0n))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsAlreadyActive")
        .withArgs(id2);
    });
  });
});
