/**
 * AccessGrants: changing a live grant (extendLock, extendExpiry, replace).
 */
import { expect } from "chai";

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
  grantId,
  withGrant,
  isGranted,
  expectRevert,
} from "./fixture.js";

describe("AccessGrants", function () {
  describe("extendLock", function () {
    it("lengthens the lock and emits the new state", async function () {
      const { f, t, id } = await withGrant((t) => ({
        lockedUntil: t + 100n,
        expiresAt: t + 1000n,
      }));
      await expect(f.grants.extendLock(key(f.grantee.address), t + 500n))
        .to.emit(f.grants, "GrantLockExtended")
        .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, t + 500n, t + 1000n, 1n);
      expect((await f.grants.getGrant(id)).lockedUntil).to.equal(t + 500n);
    });

    it("refuses to shorten or keep the lock", async function () {
      const { f, t, id } = await withGrant((t) => ({ lockedUntil: t + 100n }));
      for (const asked of [t + 100n, t + 50n]) {
        await expectRevert(
          f,
          f.grants.extendLock(key(f.grantee.address), asked),
          "AccessGrantsLockNotExtended",
          [id, t + 100n, asked],
        );
      }
    });

    it("refuses a lock after the expiry", async function () {
      const { f, t, id } = await withGrant((t) => ({ expiresAt: t + 1000n }));
      await expectRevert(
        f,
        f.grants.extendLock(key(f.grantee.address), t + 1001n),
        "AccessGrantsLockAfterExpiry",
        [id, t + 1001n, t + 1000n],
      );
      await expect(f.grants.extendLock(key(f.grantee.address), t + 1000n)).to.emit(
        f.grants,
        "GrantLockExtended",
      );
    });

    it("refuses an inactive grant", async function () {
      const f = await loadFixture(deployGrants);
      await expectRevert(
        f,
        f.grants.extendLock(key(f.grantee.address), 1n),
        "AccessGrantsNotActive",
      );
    });
  });

  describe("extendExpiry", function () {
    it("lengthens a finite expiry, also to never (0)", async function () {
      const { f, t, id } = await withGrant((t) => ({ lockedUntil: t + 10n, expiresAt: t + 100n }));
      for (const expiresAt of [t + 200n, 0n]) {
        await expect(f.grants.extendExpiry(key(f.grantee.address), expiresAt))
          .to.emit(f.grants, "GrantExpiryExtended")
          .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, t + 10n, expiresAt, 1n);
      }
      expect((await f.grants.getGrant(id)).expiresAt).to.equal(0n);
    });

    it("refuses to shorten, keep, or extend a grant that never expires", async function () {
      const { f, t, id } = await withGrant((t) => ({ expiresAt: t + 100n }));
      const refuse = (current: bigint, asked: bigint) =>
        expectRevert(
          f,
          f.grants.extendExpiry(key(f.grantee.address), asked),
          "AccessGrantsExpiryNotExtended",
          [id, current, asked],
        );
      await refuse(t + 100n, t + 100n);
      await refuse(t + 100n, t + 99n);
      await f.grants.extendExpiry(key(f.grantee.address), 0n);
      await refuse(0n, t + 5000n);
    });

    it("cannot revive an expired grant", async function () {
      const { f, t } = await withGrant((t) => ({ expiresAt: t + 10n }));
      await time.increaseTo(t + 10n);
      await expectRevert(
        f,
        f.grants.extendExpiry(key(f.grantee.address), t + 110n),
        "AccessGrantsNotActive",
      );
    });
  });

  describe("replace", function () {
    it("re-points a locked grant at corrected data, keeping the lock, and links the ids", async function () {
      const { f, t, p, id: oldId } = await withGrant((t) => ({ lockedUntil: t + 100n }));
      const newId = grantId(f, { ...p, dataHash: DATA2 });
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
      expect(await isGranted(f)).to.equal(true);
      const state = await f.grants.getGrant(newId);
      expect(state.status).to.equal(Status.Active);
      expect(state.lockedUntil).to.equal(t + 100n);
      expect(state.expiresAt).to.equal(t + 500n);
      // The lock carried over protects the new grant.
      await expectRevert(f, f.grants.revoke(key(f.grantee.address, DATA2)), "AccessGrantsLocked");
    });

    it("refuses a shorter lock than the old grant's", async function () {
      const { f, t, id: oldId } = await withGrant((t) => ({ lockedUntil: t + 100n }));
      await expectRevert(
        f,
        f.grants.replace(key(f.grantee.address), DATA2, t + 99n, 0n),
        "AccessGrantsLockShortened",
        [oldId, t + 100n, t + 99n],
      );
    });

    it("refuses a zero, identical or already active new data hash, a bad expiry and an inactive grant", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      const k = key(f.grantee.address);
      await expectRevert(f, f.grants.replace(k, DATA2, 0n, 0n), "AccessGrantsNotActive");
      await f.grants.grant(params(f.grantee.address, { lockedUntil: t + 50n }));
      const refusals: [string, bigint, string, unknown[]][] = [
        [ZERO, 0n, "AccessGrantsInvalidDataHash", [ZERO]],
        [DATA, 0n, "AccessGrantsAlreadyActive", [grantId(f, k)]],
        [DATA2, t + 40n, "AccessGrantsInvalidExpiry", [t + 40n, t + 50n]],
      ];
      for (const [dataHash, expiresAt, error, args] of refusals) {
        await expectRevert(f, f.grants.replace(k, dataHash, t + 50n, expiresAt), error, args);
      }
      await f.grants.grant(params(f.grantee.address, { dataHash: DATA2 }));
      await expectRevert(f, f.grants.replace(k, DATA2, t + 50n, 0n), "AccessGrantsAlreadyActive", [
        grantId(f, key(f.grantee.address, DATA2)),
      ]);
    });
  });
});
