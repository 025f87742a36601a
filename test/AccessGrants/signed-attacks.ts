/**
 * AccessGrants: signed requests under attack (other chain or contract, replay, deadline,
 * malleability, tampering) and signed by smart accounts (ERC-1271).
 */
import { expect } from "chai";
import { Signature } from "ethers";

import {
  REQUEST_TYPES,
  computeGrantId,
  grantsDomain,
  nonceToBitmap,
} from "../../scripts/lib/grants.js";
import {
  ethers,
  loadFixture,
  time,
  DATA,
  DATA2,
  PURPOSE,
  SECP256K1_N,
  deployGrants,
  params,
  key,
  now,
  authorize,
  grantMessage,
  isGranted,
  signGrant,
} from "./fixture.js";

describe("AccessGrants", function () {
  describe("signed requests", function () {
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
        const auth = await signGrant(f, p, 7n);
        await f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth);
        await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth))
          .to.be.revertedWithCustomError(f.grants, "AccessGrantsNonceUsed")
          .withArgs(f.owner.address, 7n);
        await f.grants.revoke(key(f.grantee.address));
        await expect(f.grants.connect(f.relayer).grantBySignature(f.owner.address, p, auth))
          .to.be.revertedWithCustomError(f.grants, "AccessGrantsNonceUsed")
          .withArgs(f.owner.address, 7n);
        expect(await isGranted(f)).to.equal(false);
      });

      it("refuses a cancelled nonce and emits the cancellation", async function () {
        const f = await loadFixture(deployGrants);
        const p = params(f.grantee.address);
        const nonce = 300n;
        const auth = await signGrant(f, p, nonce);
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
});
