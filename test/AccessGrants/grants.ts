/**
 * AccessGrants: creating grants, one or a batch, and the views.
 */
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";

import { computeGrantId, purposeHash } from "../../scripts/lib/grants.js";
import {
  ethers,
  networkHelpers,
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
  describe("grant", function () {
    it("creates an active grant, emits the full key and state, and returns the id", async function () {
      const f = await loadFixture(deployGrants);
      const lockedUntil = (await now()) + 1000n;
      const expiresAt = lockedUntil + 1000n;
      const p = params(f.grantee.address, { lockedUntil, expiresAt });
      const id = grantId(f, p);

      expect(await f.grants.grant.staticCall(p)).to.equal(id);
      await expect(f.grants.grant(p))
        .to.emit(f.grants, "GrantCreated")
        .withArgs(
          id,
          f.owner.address,
          f.grantee.address,
          DATA,
          PURPOSE,
          lockedUntil,
          expiresAt,
          1n,
        );

      expect(await isGranted(f)).to.equal(true);
      expect((await f.grants.getGrant(id)).status).to.equal(Status.Active);
      const state = await f.grants.getGrant(id);
      expect(state.status).to.equal(Status.Active);
      expect(state.lockedUntil).to.equal(lockedUntil);
      expect(state.expiresAt).to.equal(expiresAt);
    });

    it("computes the same id on-chain and in the toolkit", async function () {
      const f = await loadFixture(deployGrants);
      const k = {
        owner: f.owner.address,
        grantee: f.grantee.address,
        dataHash: DATA,
        purpose: PURPOSE,
      };
      expect(await f.grants.computeGrantId(k.owner, k.grantee, k.dataHash, k.purpose)).to.equal(
        computeGrantId(k),
      );
    });

    it("keeps grants with different purposes apart (purpose limitation)", async function () {
      const f = await loadFixture(deployGrants);
      await f.grants.grant(params(f.grantee.address));
      expect(await isGranted(f, DATA, purposeHash("marketing"))).to.equal(false);
      expect(await isGranted(f, DATA, ZERO)).to.equal(false);
      await f.grants.grant(params(f.grantee.address, { purpose: ZERO }));
      expect(await isGranted(f, DATA, ZERO)).to.equal(true);
    });

    it("refuses to grant an active grant again, naming its id", async function () {
      const { f, p, id } = await withGrant();
      await expectRevert(f, f.grants.grant(p), "AccessGrantsAlreadyActive", [id]);
    });

    it("re-grants after revoke, release, replace and expiry", async function () {
      const f = await loadFixture(deployGrants);
      const p = params(f.grantee.address);
      const k = key(f.grantee.address);
      const id = grantId(f, p);

      await f.grants.grant(p);
      await f.grants.revoke(k);
      await expect(f.grants.grant(p)).to.emit(f.grants, "GrantCreated");

      await f.grants.connect(f.grantee).release(f.owner.address, DATA, PURPOSE);
      await expect(f.grants.grant(p)).to.emit(f.grants, "GrantCreated");

      await f.grants.replace(k, DATA2, 0n, 0n);
      await expect(f.grants.grant(p)).to.emit(f.grants, "GrantCreated");
      await f.grants.revoke(k);

      const expiresAt = (await now()) + 10n;
      await f.grants.grant({ ...p, expiresAt });
      await time.increaseTo(expiresAt);
      expect((await f.grants.getGrant(id)).status).to.equal(Status.Expired);
      await expect(f.grants.grant(p)).to.emit(f.grants, "GrantCreated");
      expect((await f.grants.getGrant(id)).status).to.equal(Status.Active);
    });

    it("rejects the zero address and the owner itself as grantee", async function () {
      const f = await loadFixture(deployGrants);
      for (const grantee of [ethers.ZeroAddress, f.owner.address]) {
        await expectRevert(f, f.grants.grant(params(grantee)), "AccessGrantsInvalidGrantee", [
          grantee,
        ]);
      }
    });

    it("rejects a zero data hash", async function () {
      const f = await loadFixture(deployGrants);
      await expectRevert(
        f,
        f.grants.grant(params(f.grantee.address, { dataHash: ZERO })),
        "AccessGrantsInvalidDataHash",
        [ZERO],
      );
    });

    it("rejects an expiry before the lock or not in the future, naming the minimum", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      const lockedUntil = t + 100n;
      await expectRevert(
        f,
        f.grants.grant(params(f.grantee.address, { lockedUntil, expiresAt: lockedUntil - 1n })),
        "AccessGrantsInvalidExpiry",
        [lockedUntil - 1n, lockedUntil],
      );
      await time.setNextBlockTimestamp(t + 10n);
      await expectRevert(
        f,
        f.grants.grant(params(f.grantee.address, { expiresAt: t + 10n })),
        "AccessGrantsInvalidExpiry",
        [t + 10n, t + 11n],
      );
      // An expiry equal to the lock is allowed.
      await expect(
        f.grants.grant(params(f.grantee.address, { lockedUntil, expiresAt: lockedUntil })),
      ).to.emit(f.grants, "GrantCreated");
    });
  });

  describe("grantBatch", function () {
    it("creates every grant of the batch with one event each", async function () {
      const f = await loadFixture(deployGrants);
      const batch = [0, 1, 2].map((i) =>
        params(f.grantee.address, { dataHash: keccak256(toUtf8Bytes(`d${i}`)) }),
      );
      const tx = f.grants.grantBatch(batch);
      for (const p of batch) {
        const id = grantId(f, p);
        await expect(tx)
          .to.emit(f.grants, "GrantCreated")
          .withArgs(id, f.owner.address, f.grantee.address, p.dataHash, PURPOSE, 0n, 0n, 1n);
      }
      for (const p of batch) {
        expect(await isGranted(f, p.dataHash)).to.equal(true);
      }
    });

    it("reverts the whole batch when one item is invalid", async function () {
      const f = await loadFixture(deployGrants);
      const good = params(f.grantee.address);
      await expectRevert(
        f,
        f.grants.grantBatch([good, params(ethers.ZeroAddress, { dataHash: DATA2 })]),
        "AccessGrantsInvalidGrantee",
      );
      expect(await isGranted(f)).to.equal(false);
    });
  });

  describe("views", function () {
    it("getGrant reports None for an unknown id and derives Expired from time", async function () {
      const f = await loadFixture(deployGrants);
      const unknown = await f.grants.getGrant(ZERO);
      expect(unknown.status).to.equal(Status.None);
      const expiresAt = (await now()) + 10n;
      const p = params(f.grantee.address, { expiresAt });
      await f.grants.grant(p);
      const id = grantId(f, p);
      await time.setNextBlockTimestamp(expiresAt - 1n);
      await networkHelpers.mine();
      expect((await f.grants.getGrant(id)).status).to.equal(Status.Active);
      await time.setNextBlockTimestamp(expiresAt);
      await networkHelpers.mine();
      expect((await f.grants.getGrant(id)).status).not.to.equal(Status.Active);
      expect(await isGranted(f)).to.equal(false);
      expect((await f.grants.getGrant(id)).status).to.equal(Status.Expired);
    });

    it("reports its version and EIP-712 domain", async function () {
      const f = await loadFixture(deployGrants);
      expect(await f.grants.version()).to.equal("2.0.0");
      const d = await f.grants.eip712Domain();
      expect(d.name).to.equal("AccessGrants");
      expect(d.version).to.equal("1");
      expect(d.chainId).to.equal(BigInt(f.domain.chainId!));
      expect(d.verifyingContract).to.equal(await f.grants.getAddress());
    });
  });
});
