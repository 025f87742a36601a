/**
 * AccessGrants: signed requests submitted by a relayer, alone, in any order and batched.
 */
import { expect } from "chai";

import { computeGrantId, type RequestKind } from "../../scripts/lib/grants.js";
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
  authorize,
  isGranted,
  expectRevert,
  signGrant,
  twoSignedGrants,
} from "./fixture.js";

describe("AccessGrants", function () {
  describe("signed requests", function () {
    it("grantBySignature: a relayer submits the owner's signed grant", async function () {
      const f = await loadFixture(deployGrants);
      const p = params(f.grantee.address, { lockedUntil: (await now()) + 100n });
      const auth = await signGrant(f, p, 42n);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth))
        .to.emit(f.grants, "GrantCreated")
        .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, p.lockedUntil, 0n, 1n);
      expect(await f.grants.isNonceUsed(f.owner.address, 42n)).to.equal(true);
      expect(await f.grants.isNonceUsed(f.owner.address, 41n)).to.equal(false);
      expect(await f.grants.nonceBitmap(f.owner.address, 0n)).to.equal(1n << 42n);
    });

    it("accepts nonces in any order (parallel requests)", async function () {
      const f = await loadFixture(deployGrants);
      const { p1, p2, a1, a2 } = await twoSignedGrants(f, [1000n, 3n]);
      await f.grants.connect(f.relayer).grantBySignature(f.owner.address, p2, a2);
      await f.grants.connect(f.relayer).grantBySignature(f.owner.address, p1, a1);
      expect(await isGranted(f)).to.equal(true);
      expect(await isGranted(f, DATA2)).to.equal(true);
      expect(await f.grants.nonceBitmap(f.owner.address, 1000n >> 8n)).to.equal(
        1n << (1000n & 255n),
      );
    });

    it("revokeBySignature, extendLockBySignature, extendExpiryBySignature and replaceBySignature act for the signer", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      const o = f.owner.address;
      const k = key(f.grantee.address);
      await f.grants.grant(
        params(f.grantee.address, { lockedUntil: t + 100n, expiresAt: t + 1000n }),
      );
      const id = computeGrantId({ owner: o, ...k });
      // Each request names the grant's key and its own fields, under its own nonce.
      const sign = (kind: RequestKind, fields: Record<string, unknown>, nonce: bigint) =>
        authorize(f, f.owner, kind, { owner: o, ...k, ...fields }, { nonce });

      const lockAuth = await sign("ExtendLock", { lockedUntil: t + 200n }, 1n);
      await expect(f.grants.connect(f.relayer).extendLockBySignature(o, k, t + 200n, lockAuth))
        .to.emit(f.grants, "GrantLockExtended")
        .withArgs(id, o, f.grantee.address, DATA, PURPOSE, t + 200n, t + 1000n, 1n);

      const expAuth = await sign("ExtendExpiry", { expiresAt: t + 2000n }, 2n);
      await expect(f.grants.connect(f.relayer).extendExpiryBySignature(o, k, t + 2000n, expAuth))
        .to.emit(f.grants, "GrantExpiryExtended")
        .withArgs(id, o, f.grantee.address, DATA, PURPOSE, t + 200n, t + 2000n, 1n);

      const newId = computeGrantId({ owner: o, ...k, dataHash: DATA2 });
      const repAuth = await sign(
        "Replace",
        { newDataHash: DATA2, lockedUntil: t + 200n, expiresAt: t + 2000n },
        3n,
      );
      expect(
        await f.grants
          .connect(f.relayer)
          .replaceBySignature.staticCall(o, k, DATA2, t + 200n, t + 2000n, repAuth),
      ).to.equal(newId);
      await expect(
        f.grants.connect(f.relayer).replaceBySignature(o, k, DATA2, t + 200n, t + 2000n, repAuth),
      )
        .to.emit(f.grants, "GrantReplaced")
        .withArgs(
          id,
          newId,
          o,
          f.grantee.address,
          DATA,
          DATA2,
          PURPOSE,
          Status.Active,
          t + 200n,
          t + 200n,
          1n,
          t + 200n,
          t + 2000n,
          1n,
        );

      await time.increaseTo(t + 200n);
      const k2 = key(f.grantee.address, DATA2);
      const revAuth = await authorize(f, f.owner, "Revoke", { owner: o, ...k2 }, { nonce: 4n });
      await expect(f.grants.connect(f.relayer).revokeBySignature(o, k2, revAuth))
        .to.emit(f.grants, "GrantRevoked")
        .withArgs(newId, o, f.grantee.address, DATA2, PURPOSE, t + 200n, t + 2000n, 1n);
    });

    it("lets a relayer batch several signed requests with multicall", async function () {
      const f = await loadFixture(deployGrants);
      const { calls } = await twoSignedGrants(f, [1n, 2n]);
      await expect(f.grants.connect(f.relayer).multicall(calls)).to.emit(f.grants, "GrantCreated");
      expect(await isGranted(f)).to.equal(true);
      expect(await isGranted(f, DATA2)).to.equal(true);
    });

    it("R4: refuses a signature made for an earlier life of the grant (generation)", async function () {
      const f = await loadFixture(deployGrants);
      const p = params(f.grantee.address);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      const auth = await signGrant(f, p, 5n);
      // The owner grants directly: the relayer's copy fails and its signature is now public.
      await f.grants.grant(p);
      expect((await f.grants.getGrant(id)).generation).to.equal(1n);
      const refused = (by: typeof f.other) =>
        expectRevert(
          f,
          f.grants.connect(by).grantBySignature(f.owner.address, p, auth),
          "AccessGrantsInvalidSignature",
          [f.owner.address],
        );
      await refused(f.relayer);
      await f.grants.revoke(key(f.grantee.address));
      await refused(f.other);
      expect(await isGranted(f)).to.equal(false);
      // A request signed for the current life (generation 1) is accepted.
      const fresh = await signGrant(f, p, 6n);
      await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, fresh))
        .to.emit(f.grants, "GrantCreated")
        .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, 0n, 0n, 2n);
    });

    it("R5: tryMulticall lets a front-run request fail alone, with BatchItemFailed and its result", async function () {
      const f = await loadFixture(deployGrants);
      const { p1, p2, a1, calls } = await twoSignedGrants(f, [1n, 2n]);
      // Someone copies the first request from the mempool and lands it first.
      await f.grants.connect(f.other).grantBySignature(f.owner.address, p1, a1);
      await expect(f.grants.connect(f.relayer).multicall(calls))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsNonceUsed")
        .withArgs(f.owner.address, 1n);
      const reason = f.grants.interface.encodeErrorResult("AccessGrantsNonceUsed", [
        f.owner.address,
        1n,
      ]);
      const results = await f.grants.connect(f.relayer).tryMulticall.staticCall(calls);
      expect(results.map((r) => r.success)).to.deep.equal([false, true]);
      expect(results[0]!.returnData).to.equal(reason);
      const tx = f.grants.connect(f.relayer).tryMulticall(calls);
      await expect(tx).to.emit(f.grants, "BatchItemFailed").withArgs(f.relayer.address, 0n, reason);
      await expect(tx)
        .to.emit(f.grants, "GrantCreated")
        .withArgs(
          computeGrantId({ owner: f.owner.address, ...p2 }),
          f.owner.address,
          f.grantee.address,
          DATA2,
          PURPOSE,
          0n,
          0n,
          1n,
        );
      expect(await isGranted(f, DATA2)).to.equal(true);
    });
  });
});
