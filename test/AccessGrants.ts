import { expect } from "chai";
import { network } from "hardhat";
import { Signature, keccak256, toUtf8Bytes, type Signer } from "ethers";

import {
  REQUEST_TYPES,
  computeGrantId,
  grantsDomain,
  nonceToBitmap,
  purposeHash,
  signRequest,
  type RequestKind,
} from "../scripts/lib/grants.js";
import { deployForTest, testConfig } from "./helpers/deploy.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

enum Status {
  None,
  Active,
  Revoked,
  Released,
  Replaced,
  Expired,
}

const DATA = keccak256(toUtf8Bytes("data-1"));
const DATA2 = keccak256(toUtf8Bytes("data-2"));
const PURPOSE = purposeHash("onboarding");
const ZERO = ethers.ZeroHash;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function deployGrants() {
  const [owner, grantee, relayer, other] = await ethers.getSigners();
  const { grants } = await deployForTest(connection, testConfig(owner!.address));
  const wallet = await ethers.deployContract("MockERC1271Wallet", [owner!.address]);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = grantsDomain(chainId, await grants.getAddress());
  return {
    grants,
    wallet,
    owner: owner!,
    grantee: grantee!,
    relayer: relayer!,
    other: other!,
    domain,
  };
}

type Fixture = Awaited<ReturnType<typeof deployGrants>>;

function params(
  grantee: string,
  over: Partial<{ dataHash: string; purpose: string; lockedUntil: bigint; expiresAt: bigint }> = {},
) {
  return {
    grantee,
    dataHash: over.dataHash ?? DATA,
    purpose: over.purpose ?? PURPOSE,
    lockedUntil: over.lockedUntil ?? 0n,
    expiresAt: over.expiresAt ?? 0n,
  };
}

function key(grantee: string, dataHash = DATA, purpose = PURPOSE) {
  return { grantee, dataHash, purpose };
}

async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

/**
 * Signs a request of `kind` and returns the Authorization struct. The message gets the grant's
 * current generation (and, for Replace, the new grant id's), as a client reads it before signing,
 * unless `opts.generation` names another life.
 */
async function authorize(
  f: Fixture,
  signer: Signer,
  kind: RequestKind,
  message: Record<string, unknown>,
  opts: {
    nonce?: bigint;
    deadline?: bigint;
    domain?: ReturnType<typeof grantsDomain>;
    generation?: bigint;
  } = {},
) {
  const nonce = opts.nonce ?? 0n;
  const deadline = opts.deadline ?? (await now()) + 3600n;
  const key = {
    owner: message.owner as string,
    grantee: message.grantee as string,
    dataHash: message.dataHash as string,
    purpose: message.purpose as string,
  };
  const generation = opts.generation ?? (await f.grants.getGrant(computeGrantId(key))).generation;
  const extra: Record<string, unknown> = { generation };
  if (kind === "Replace") {
    const newId = computeGrantId({ ...key, dataHash: message.newDataHash as string });
    extra.newGeneration = (await f.grants.getGrant(newId)).generation;
  }
  const signature = await signRequest(signer, opts.domain ?? f.domain, kind, {
    ...message,
    ...extra,
    nonce,
    deadline,
  });
  return { nonce, deadline, signature };
}

function grantMessage(owner: string, p: ReturnType<typeof params>) {
  return { owner, ...p };
}

describe("AccessGrants", function () {
  describe("grant", function () {
    it("creates an active grant, emits the full key and state, and returns the id", async function () {
      const f = await loadFixture(deployGrants);
      const lockedUntil = (await now()) + 1000n;
      const expiresAt = lockedUntil + 1000n;
      const p = params(f.grantee.address, { lockedUntil, expiresAt });
      const id = computeGrantId({ owner: f.owner.address, ...p });

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

      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        true,
      );
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
      expect(
        await f.grants.isGranted(
          f.owner.address,
          f.grantee.address,
          DATA,
          purposeHash("marketing"),
        ),
      ).to.equal(false);
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, ZERO)).to.equal(
        false,
      );
      await f.grants.grant(params(f.grantee.address, { purpose: ZERO }));
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, ZERO)).to.equal(
        true,
      );
    });

    it("refuses to grant an active grant again, naming its id", async function () {
      const f = await loadFixture(deployGrants);
      const p = params(f.grantee.address);
      await f.grants.grant(p);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      await expect(f.grants.grant(p))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsAlreadyActive")
        .withArgs(id);
    });

    it("re-grants after revoke, release, replace and expiry", async function () {
      const f = await loadFixture(deployGrants);
      const p = params(f.grantee.address);
      const k = key(f.grantee.address);
      const id = computeGrantId({ owner: f.owner.address, ...p });

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
      await expect(f.grants.grant(params(ethers.ZeroAddress)))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidGrantee")
        .withArgs(ethers.ZeroAddress);
      await expect(f.grants.grant(params(f.owner.address)))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidGrantee")
        .withArgs(f.owner.address);
    });

    it("rejects a zero data hash", async function () {
      const f = await loadFixture(deployGrants);
      await expect(f.grants.grant(params(f.grantee.address, { dataHash: ZERO })))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidDataHash")
        .withArgs(ZERO);
    });

    it("rejects an expiry before the lock or not in the future, naming the minimum", async function () {
      const f = await loadFixture(deployGrants);
      const t = await now();
      const lockedUntil = t + 100n;
      await expect(
        f.grants.grant(params(f.grantee.address, { lockedUntil, expiresAt: lockedUntil - 1n })),
      )
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidExpiry")
        .withArgs(lockedUntil - 1n, lockedUntil);
      await time.setNextBlockTimestamp(t + 10n);
      await expect(f.grants.grant(params(f.grantee.address, { expiresAt: t + 10n })))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidExpiry")
        .withArgs(t + 10n, t + 11n);
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
        const id = computeGrantId({ owner: f.owner.address, ...p });
        await expect(tx)
          .to.emit(f.grants, "GrantCreated")
          .withArgs(id, f.owner.address, f.grantee.address, p.dataHash, PURPOSE, 0n, 0n, 1n);
      }
      for (const p of batch) {
        expect(
          await f.grants.isGranted(f.owner.address, f.grantee.address, p.dataHash, PURPOSE),
        ).to.equal(true);
      }
    });

    it("reverts the whole batch when one item is invalid", async function () {
      const f = await loadFixture(deployGrants);
      const good = params(f.grantee.address);
      await expect(
        f.grants.grantBatch([good, params(ethers.ZeroAddress, { dataHash: DATA2 })]),
      ).to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidGrantee");
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        false,
      );
    });
  });

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

  describe("signed requests", function () {
    it("grantBySignature: a relayer submits the owner's signed grant", async function () {
      const f = await loadFixture(deployGrants);
      const p = params(f.grantee.address, { lockedUntil: (await now()) + 100n });
      const auth = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p), {
        nonce: 42n,
      });
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
      const p1 = params(f.grantee.address);
      const p2 = params(f.grantee.address, { dataHash: DATA2 });
      const a1 = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p1), {
        nonce: 1000n,
      });
      const a2 = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p2), {
        nonce: 3n,
      });
      await f.grants.connect(f.relayer).grantBySignature(f.owner.address, p2, a2);
      await f.grants.connect(f.relayer).grantBySignature(f.owner.address, p1, a1);
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        true,
      );
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA2, PURPOSE)).to.equal(
        true,
      );
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

      const lockAuth = await authorize(
        f,
        f.owner,
        "ExtendLock",
        { owner: o, ...k, lockedUntil: t + 200n },
        { nonce: 1n },
      );
      await expect(f.grants.connect(f.relayer).extendLockBySignature(o, k, t + 200n, lockAuth))
        .to.emit(f.grants, "GrantLockExtended")
        .withArgs(id, o, f.grantee.address, DATA, PURPOSE, t + 200n, t + 1000n, 1n);

      const expAuth = await authorize(
        f,
        f.owner,
        "ExtendExpiry",
        { owner: o, ...k, expiresAt: t + 2000n },
        { nonce: 2n },
      );
      await expect(f.grants.connect(f.relayer).extendExpiryBySignature(o, k, t + 2000n, expAuth))
        .to.emit(f.grants, "GrantExpiryExtended")
        .withArgs(id, o, f.grantee.address, DATA, PURPOSE, t + 200n, t + 2000n, 1n);

      const newId = computeGrantId({ owner: o, ...k, dataHash: DATA2 });
      const repAuth = await authorize(
        f,
        f.owner,
        "Replace",
        { owner: o, ...k, newDataHash: DATA2, lockedUntil: t + 200n, expiresAt: t + 2000n },
        { nonce: 3n },
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
      const p1 = params(f.grantee.address);
      const p2 = params(f.grantee.address, { dataHash: DATA2 });
      const a1 = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p1), {
        nonce: 1n,
      });
      const a2 = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p2), {
        nonce: 2n,
      });
      const calls = [
        f.grants.interface.encodeFunctionData("grantBySignature", [f.owner.address, p1, a1]),
        f.grants.interface.encodeFunctionData("grantBySignature", [f.owner.address, p2, a2]),
      ];
      await expect(f.grants.connect(f.relayer).multicall(calls)).to.emit(f.grants, "GrantCreated");
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        true,
      );
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA2, PURPOSE)).to.equal(
        true,
      );
    });

    it("R4: refuses a signature made for an earlier life of the grant (generation)", async function () {
      const f = await loadFixture(deployGrants);
      const p = params(f.grantee.address);
      const id = computeGrantId({ owner: f.owner.address, ...p });
      const auth = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p), {
        nonce: 5n,
      });
      // The owner grants directly: the relayer's copy fails and its signature is now public.
      await f.grants.grant(p);
      expect((await f.grants.getGrant(id)).generation).to.equal(1n);
      await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidSignature")
        .withArgs(f.owner.address);
      await f.grants.revoke(key(f.grantee.address));
      await expect(f.grants.connect(f.other).grantBySignature(f.owner.address, p, auth))
        .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidSignature")
        .withArgs(f.owner.address);
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        false,
      );
      // A request signed for the current life (generation 1) is accepted.
      const fresh = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p), {
        nonce: 6n,
      });
      await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, fresh))
        .to.emit(f.grants, "GrantCreated")
        .withArgs(id, f.owner.address, f.grantee.address, DATA, PURPOSE, 0n, 0n, 2n);
    });

    it("R5: tryMulticall lets a front-run request fail alone, with BatchItemFailed and its result", async function () {
      const f = await loadFixture(deployGrants);
      const p1 = params(f.grantee.address);
      const p2 = params(f.grantee.address, { dataHash: DATA2 });
      const a1 = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p1), {
        nonce: 1n,
      });
      const a2 = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p2), {
        nonce: 2n,
      });
      const calls = [
        f.grants.interface.encodeFunctionData("grantBySignature", [f.owner.address, p1, a1]),
        f.grants.interface.encodeFunctionData("grantBySignature", [f.owner.address, p2, a2]),
      ];
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
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA2, PURPOSE)).to.equal(
        true,
      );
    });

    describe("attacks", function () {
      it("refuses a signature made for another chain id", async function () {
        const f = await loadFixture(deployGrants);
        const p = params(f.grantee.address);
        const domain = grantsDomain(1n, await f.grants.getAddress());
        const auth = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p), {
          domain,
        });
        await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth))
          .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidSignature")
          .withArgs(f.owner.address);
      });

      it("refuses a signature made for another AccessGrants contract", async function () {
        const f = await loadFixture(deployGrants);
        const other = await ethers.deployContract("AccessGrants");
        const p = params(f.grantee.address);
        const auth = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p));
        await f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth);
        await expect(other.connect(f.relayer).grantBySignature(f.owner.address, p, auth))
          .to.be.revertedWithCustomError(other, "AccessGrantsInvalidSignature")
          .withArgs(f.owner.address);
      });

      it("refuses a reused nonce, also after the grant was revoked", async function () {
        const f = await loadFixture(deployGrants);
        const p = params(f.grantee.address);
        const auth = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p), {
          nonce: 7n,
        });
        await f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth);
        await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth))
          .to.be.revertedWithCustomError(f.grants, "AccessGrantsNonceUsed")
          .withArgs(f.owner.address, 7n);
        await f.grants.revoke(key(f.grantee.address));
        await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth))
          .to.be.revertedWithCustomError(f.grants, "AccessGrantsNonceUsed")
          .withArgs(f.owner.address, 7n);
        expect(
          await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE),
        ).to.equal(false);
      });

      it("refuses a cancelled nonce and emits the cancellation", async function () {
        const f = await loadFixture(deployGrants);
        const p = params(f.grantee.address);
        const nonce = 300n;
        const auth = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p), {
          nonce,
        });
        const { wordPos, mask } = nonceToBitmap(nonce);
        await expect(f.grants.invalidateNonces(wordPos, mask))
          .to.emit(f.grants, "NoncesInvalidated")
          .withArgs(f.owner.address, wordPos, mask);
        expect(await f.grants.isNonceUsed(f.owner.address, nonce)).to.equal(true);
        await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth))
          .to.be.revertedWithCustomError(f.grants, "AccessGrantsNonceUsed")
          .withArgs(f.owner.address, nonce);
      });

      it("refuses a signature after its deadline, and accepts it at the deadline", async function () {
        const f = await loadFixture(deployGrants);
        const p = params(f.grantee.address);
        const deadline = (await now()) + 100n;
        const auth = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p), {
          deadline,
        });
        await time.setNextBlockTimestamp(deadline + 1n);
        await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth))
          .to.be.revertedWithCustomError(f.grants, "AccessGrantsExpiredSignature")
          .withArgs(deadline);
        const f2 = await loadFixture(deployGrants);
        const auth2 = await authorize(f2, f2.owner, "Grant", grantMessage(f2.owner.address, p), {
          deadline,
        });
        await time.setNextBlockTimestamp(deadline);
        await expect(
          f2.grants.connect(f2.relayer).grantBySignature(f2.owner.address, p, auth2),
        ).to.emit(f2.grants, "GrantCreated");
      });

      it("refuses the high-s twin of a valid signature (malleability)", async function () {
        const f = await loadFixture(deployGrants);
        const p = params(f.grantee.address);
        const auth = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p));
        const sig = Signature.from(auth.signature);
        const highS = "0x" + (SECP256K1_N - BigInt(sig.s)).toString(16).padStart(64, "0");
        const flippedV = sig.v === 27 ? 28 : 27;
        const twin = ethers.concat([sig.r, highS, ethers.toBeHex(flippedV, 1)]);
        // The twin recovers the same address on a raw ecrecover, so only the low-s rule stops it.
        expect(
          ethers.recoverAddress(
            ethers.TypedDataEncoder.hash(
              f.domain,
              { Grant: [...REQUEST_TYPES.Grant] },
              {
                ...grantMessage(f.owner.address, p),
                generation: 0n,
                nonce: auth.nonce,
                deadline: auth.deadline,
              },
            ),
            { r: sig.r, s: sig.s, v: sig.v },
          ),
        ).to.equal(f.owner.address);
        await expect(
          f.grants
            .connect(f.relayer)
            .grantBySignature(f.owner.address, p, { ...auth, signature: twin }),
        )
          .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidSignature")
          .withArgs(f.owner.address);
      });

      it("refuses a signature by someone other than the owner", async function () {
        const f = await loadFixture(deployGrants);
        const p = params(f.grantee.address);
        const auth = await authorize(f, f.other, "Grant", grantMessage(f.owner.address, p));
        await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth))
          .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidSignature")
          .withArgs(f.owner.address);
      });

      it("refuses a request whose parameters differ from what was signed", async function () {
        const f = await loadFixture(deployGrants);
        const p = params(f.grantee.address, { lockedUntil: (await now()) + 100n });
        const auth = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p));
        // A relayer (or the grantee) tries to stretch the lock the owner agreed to.
        await expect(
          f.grants
            .connect(f.relayer)
            .grantBySignature(f.owner.address, { ...p, lockedUntil: p.lockedUntil + 1000n }, auth),
        ).to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidSignature");
        // A Revoke signature cannot be used as an ExtendLock request (type separation).
        await f.grants.grant(params(f.grantee.address, { dataHash: DATA2 }));
        const k = key(f.grantee.address, DATA2);
        const revAuth = await authorize(
          f,
          f.owner,
          "Revoke",
          { owner: f.owner.address, ...k },
          { nonce: 9n },
        );
        await expect(
          f.grants.connect(f.relayer).extendLockBySignature(f.owner.address, k, 0n, revAuth),
        ).to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidSignature");
      });

      it("refuses the zero address as signing owner", async function () {
        const f = await loadFixture(deployGrants);
        const p = params(f.grantee.address);
        const auth = await authorize(f, f.owner, "Grant", grantMessage(ethers.ZeroAddress, p));
        await expect(
          f.grants
            .connect(f.relayer)
            .grantBySignature(ethers.ZeroAddress, p, { ...auth, signature: "0x" }),
        )
          .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidOwner")
          .withArgs(ethers.ZeroAddress);
      });

      it("refuses a garbage signature for an EOA", async function () {
        const f = await loadFixture(deployGrants);
        const p = params(f.grantee.address);
        const auth = await authorize(f, f.owner, "Grant", grantMessage(f.owner.address, p));
        for (const signature of ["0x", "0x1234", auth.signature + "00"]) {
          await expect(
            f.grants
              .connect(f.relayer)
              .grantBySignature(f.owner.address, p, { ...auth, signature }),
          )
            .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidSignature")
            .withArgs(f.owner.address);
        }
      });
    });

    describe("smart accounts (ERC-1271)", function () {
      it("accepts a signature longer than 65 bytes that the wallet accepts", async function () {
        const f = await loadFixture(deployGrants);
        const w = await f.wallet.getAddress();
        const p = params(f.grantee.address);
        const auth = await authorize(f, f.owner, "Grant", grantMessage(w, p));
        const long = ethers.concat([auth.signature, ethers.randomBytes(63)]);
        expect(ethers.dataLength(long)).to.equal(128);
        const id = computeGrantId({ owner: w, ...p });
        await expect(
          f.grants.connect(f.relayer).grantBySignature(w, p, { ...auth, signature: long }),
        )
          .to.emit(f.grants, "GrantCreated")
          .withArgs(id, w, f.grantee.address, DATA, PURPOSE, 0n, 0n, 1n);
      });

      it("refuses when the wallet refuses", async function () {
        const f = await loadFixture(deployGrants);
        const w = await f.wallet.getAddress();
        const p = params(f.grantee.address);
        const auth = await authorize(f, f.owner, "Grant", grantMessage(w, p));
        await f.wallet.setRefuse(true);
        await expect(f.grants.connect(f.relayer).grantBySignature(w, p, auth))
          .to.be.revertedWithCustomError(f.grants, "AccessGrantsInvalidSignature")
          .withArgs(w);
      });

      it("bubbles up the revert of a call it makes as owner", async function () {
        const f = await loadFixture(deployGrants);
        const data = f.grants.interface.encodeFunctionData("revoke", [key(f.grantee.address)]);
        await expect(
          f.wallet.execute(await f.grants.getAddress(), data),
        ).to.be.revertedWithCustomError(f.grants, "AccessGrantsNotActive");
      });

      it("lets the wallet act directly as owner", async function () {
        const f = await loadFixture(deployGrants);
        const w = await f.wallet.getAddress();
        const data = f.grants.interface.encodeFunctionData("grant", [params(f.grantee.address)]);
        await f.wallet.execute(await f.grants.getAddress(), data);
        expect(await f.grants.isGranted(w, f.grantee.address, DATA, PURPOSE)).to.equal(true);
      });
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
      const id = computeGrantId({ owner: f.owner.address, ...p });
      await time.setNextBlockTimestamp(expiresAt - 1n);
      await networkHelpers.mine();
      expect((await f.grants.getGrant(id)).status).to.equal(Status.Active);
      await time.setNextBlockTimestamp(expiresAt);
      await networkHelpers.mine();
      expect((await f.grants.getGrant(id)).status).not.to.equal(Status.Active);
      expect(await f.grants.isGranted(f.owner.address, f.grantee.address, DATA, PURPOSE)).to.equal(
        false,
      );
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
