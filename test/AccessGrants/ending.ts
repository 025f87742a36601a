/**
 * AccessGrants: ending grants (revoke, revokeBatch, release).
 */
import { expect } from "chai";
import { keccak256 } from "ethers";

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
  grantId,
  withGrant,
  isGranted,
  expectRevert,
} from "./fixture.js";

describe("AccessGrants", function () {
  describe("revoke", function () {
    it("ends an unlocked grant and emits the full key and state", async function () {
      const { f, p, id } = await withGrant((t) => ({ expiresAt: t + 1000n }));
      const { expiresAt } = p;
      await expect(f.grants.revoke(key(f.grantee.address)))
        .to.emit(f.grants, "GrantRevoked")
        .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, 0n, expiresAt, 1n);
      expect(await isGranted(f)).to.equal(false);
      const state = await f.grants.getGrant(id);
      expect(state.status).to.equal(Status.Revoked);
      expect(state.expiresAt).to.equal(expiresAt);
    });

    it("refuses while locked, with the lock time, and works from the lock time on", async function () {
      const { f, p, id } = await withGrant((t) => ({ lockedUntil: t + 1000n }));
      const { lockedUntil } = p;
      await expectRevert(f, f.grants.revoke(key(f.grantee.address)), "AccessGrantsLocked", [
        id,
        lockedUntil,
      ]);
      await time.setNextBlockTimestamp(lockedUntil - 1n);
      await expectRevert(f, f.grants.revoke(key(f.grantee.address)), "AccessGrantsLocked");
      await time.setNextBlockTimestamp(lockedUntil);
      await expect(f.grants.revoke(key(f.grantee.address))).to.emit(f.grants, "GrantRevoked");
    });

    it("refuses a grant that does not exist, is ended or expired", async function () {
      const f = await loadFixture(deployGrants);
      const k = key(f.grantee.address);
      const refused = () =>
        expectRevert(f, f.grants.revoke(k), "AccessGrantsNotActive", [grantId(f, k)]);
      await refused();
      await f.grants.grant(params(f.grantee.address));
      await f.grants.revoke(k);
      await refused();
      const expiresAt = (await now()) + 5n;
      await f.grants.grant(params(f.grantee.address, { expiresAt }));
      await time.increaseTo(expiresAt);
      await refused();
    });

    it("only reaches the caller's own grants", async function () {
      const f = await loadFixture(deployGrants);
      await f.grants.grant(params(f.grantee.address));
      // The same key from another account names another grant id, which does not exist.
      await expectRevert(
        f,
        f.grants.connect(f.other).revoke(key(f.grantee.address)),
        "AccessGrantsNotActive",
      );
      expect(await isGranted(f)).to.equal(true);
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
      await expectRevert(
        f,
        f.grants.revokeBatch([key(f.grantee.address), key(f.grantee.address, DATA2)]),
        "AccessGrantsLocked",
      );
      expect(await isGranted(f)).to.equal(true);
      const data3 = keccak256("0x01");
      await f.grants.grant(params(f.grantee.address, { dataHash: data3 }));
      const tx = f.grants.revokeBatch([key(f.grantee.address), key(f.grantee.address, data3)]);
      await expect(tx).to.emit(f.grants, "GrantRevoked");
      expect(await isGranted(f)).to.equal(false);
      expect(await isGranted(f, data3)).to.equal(false);
    });
  });

  describe("release", function () {
    it("lets the grantee end a grant even while it is locked", async function () {
      const { f, p, id } = await withGrant((t) => ({ lockedUntil: t + 1000n }));
      const { lockedUntil } = p;
      await expect(f.grants.connect(f.grantee).release(f.owner.address, DATA, PURPOSE))
        .to.emit(f.grants, "GrantReleased")
        .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, lockedUntil, 0n, 1n);
      expect((await f.grants.getGrant(id)).status).to.equal(Status.Released);
      expect((await f.grants.getGrant(id)).status).not.to.equal(Status.Active);
    });

    it("refuses anyone but the grantee (their call names a grant that does not exist)", async function () {
      const f = await loadFixture(deployGrants);
      await f.grants.grant(params(f.grantee.address));
      await expectRevert(
        f,
        f.grants.connect(f.other).release(f.owner.address, DATA, PURPOSE),
        "AccessGrantsNotActive",
        [grantId(f, key(f.other.address))],
      );
      expect(await isGranted(f)).to.equal(true);
    });
  });
});
