import { expect } from "chai";
import { decodeFunctionData, type Address } from "viem";

import {
  canRelease,
  canRevoke,
  cancelNonces,
  ContractRevertError,
  createDataReference,
  DeploymentNotFoundError,
  extendExpiry,
  extendLock,
  getGrant,
  grant,
  grantBatch,
  grantIsActive,
  grantkitActions,
  InvalidParameterError,
  isActive,
  isContractError,
  isGranted,
  isNonceUsed,
  prepareGrant,
  prepareRevoke,
  release,
  replace,
  revoke,
  revokeBatch,
  simulateGrant,
  simulateRevoke,
  unlocksAt,
} from "../../sdk/src/index.js";
import { accessGrantsAbi } from "../../sdk/src/abi.js";
import {
  advanceTo,
  chainNow,
  loadGrants,
  localAccount,
  mined,
  networkHelpers,
  publicClient,
  PURPOSE,
  wallet,
} from "./fixture.js";

async function setup() {
  const f = await loadGrants();
  /** The admin's grant to the grantee for PURPOSE, of `dataHash` (the fixture's by default). */
  const readGrant = (dataHash = f.dataHash) =>
    getGrant(publicClient, {
      address: f.address,
      owner: f.admin,
      grantee: f.grantee,
      dataHash,
      purpose: PURPOSE,
    });
  return { ...f, owner: wallet(f.admin), mined, readGrant };
}

describe("sdk: grant actions", function () {
  it("grant: simulate returns the id, write stores it, reads and time helpers agree", async function () {
    const { address, owner, admin, grantee, dataHash, mined, readGrant } = await setup();
    const now = await chainNow();
    const terms = {
      address,
      grantee,
      dataHash,
      purpose: PURPOSE,
      lockedUntil: now + 100n,
      expiresAt: now + 1000n,
    };
    const { result } = await simulateGrant(owner, terms);
    await mined(await grant(owner, terms));
    const g = await readGrant();
    expect(g).to.deep.equal({
      grantId: result,
      status: "Active",
      lockedUntil: now + 100n,
      expiresAt: now + 1000n,
      generation: 1n,
    });
    expect(await getGrant(publicClient, { address, grantId: result })).to.deep.equal(g);
    expect(await grantIsActive(publicClient, { address, grantId: result })).to.equal(true);
    expect(
      await isGranted(publicClient, { address, owner: admin, grantee, dataHash, purpose: PURPOSE }),
    ).to.equal(true);
    expect(isActive(g, now + 999n)).to.equal(true);
    expect(isActive(g, now + 1000n)).to.equal(false);
    expect(canRevoke(g, now + 99n)).to.equal(false);
    expect(canRevoke(g, now + 100n)).to.equal(true);
    expect(canRelease(g, now + 1n)).to.equal(true);
    expect(unlocksAt(g)).to.equal(now + 100n);
    expect(unlocksAt({ ...g, lockedUntil: 0n })).to.equal(null);
  });

  it("revoke while locked: the revert is decoded with its arguments and a hint; canRevoke agrees with the chain", async function () {
    const { address, owner, grantee, dataHash, mined } = await setup();
    const lockedUntil = (await chainNow()) + 1000n;
    await mined(await grant(owner, { address, grantee, dataHash, purpose: PURPOSE, lockedUntil }));
    const key = { address, grantee, dataHash, purpose: PURPOSE };
    let caught: unknown;
    try {
      await simulateRevoke(owner, key);
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(ContractRevertError);
    if (!isContractError(caught, "AccessGrantsLocked"))
      throw new Error("expected AccessGrantsLocked");
    expect(caught.args.lockedUntil).to.equal(lockedUntil);
    expect(caught.hint).to.match(/release/);
    expect(caught.shortMessage).to.match(/locked until/);
    // The write form decodes the same revert (gas estimation fails first).
    let written: unknown;
    try {
      await revoke(owner, key);
    } catch (error) {
      written = error;
    }
    expect(isContractError(written, "AccessGrantsLocked")).to.equal(true);
    await networkHelpers.time.setNextBlockTimestamp(lockedUntil);
    await mined(await revoke(owner, key));
    const g = await getGrant(publicClient, { address, grantId: caught.args.grantId });
    expect(g.status).to.equal("Revoked");
  });

  it("grantBatch and revokeBatch act on every item", async function () {
    const { address, owner, admin, grantee, other, mined } = await setup();
    const a = createDataReference({ dataId: "a", grantee }).dataHash;
    const b = createDataReference({ dataId: "b", grantee: other }).dataHash;
    const keys = [
      { grantee, dataHash: a, purpose: PURPOSE },
      { grantee: other, dataHash: b, purpose: PURPOSE },
    ];
    const granted = (k: (typeof keys)[number]) =>
      isGranted(publicClient, { address, owner: admin, ...k });
    await mined(await grantBatch(owner, { address, grants: keys }));
    expect(await granted(keys[1]!)).to.equal(true);
    await mined(await revokeBatch(owner, { address, keys }));
    expect(await granted(keys[0]!)).to.equal(false);
    expect(await granted(keys[1]!)).to.equal(false);
  });

  it("release by the grantee works while locked", async function () {
    const { address, owner, admin, grantee, dataHash, mined, readGrant } = await setup();
    await mined(
      await grant(owner, {
        address,
        grantee,
        dataHash,
        purpose: PURPOSE,
        lockedUntil: (await chainNow()) + 10_000n,
      }),
    );
    await mined(
      await release(wallet(grantee), { address, owner: admin, dataHash, purpose: PURPOSE }),
    );
    expect((await readGrant()).status).to.equal("Released");
  });

  it("extendLock, extendExpiry and replace change the grant; a shorter lock is a decoded error; a locked grant replaced stays in force until its lock", async function () {
    const { address, owner, grantee, dataHash, mined, readGrant } = await setup();
    const now = await chainNow();
    const key = { address, grantee, dataHash, purpose: PURPOSE };
    await mined(await grant(owner, { ...key, lockedUntil: now + 100n, expiresAt: now + 1000n }));
    await mined(await extendExpiry(owner, { ...key, expiresAt: now + 2000n }));
    await mined(await extendLock(owner, { ...key, lockedUntil: now + 500n }));
    let g = await readGrant();
    expect([g.lockedUntil, g.expiresAt]).to.deep.equal([now + 500n, now + 2000n]);
    try {
      await extendLock(owner, { ...key, lockedUntil: now + 200n });
      expect.fail("extendLock to an earlier time succeeded");
    } catch (error) {
      expect(isContractError(error, "AccessGrantsLockNotExtended")).to.equal(true);
    }
    const newDataHash = createDataReference({ dataId: "passport-2", grantee }).dataHash;
    await mined(
      await replace(owner, {
        ...key,
        newDataHash,
        lockedUntil: now + 500n,
        expiresAt: now + 2000n,
      }),
    );
    g = await readGrant();
    // Replaced while locked: the old grant stays active until its lock, which becomes its expiry.
    expect(g).to.deep.include({
      status: "Active",
      lockedUntil: now + 500n,
      expiresAt: now + 500n,
      generation: 1n,
    });
    const replacement = await readGrant(newDataHash);
    expect(replacement).to.deep.include({ status: "Active", generation: 1n });
    await advanceTo(now + 500n);
    expect(await grantIsActive(publicClient, { address, grantId: g.grantId })).to.equal(false);
    expect(await grantIsActive(publicClient, { address, grantId: replacement.grantId })).to.equal(
      true,
    );
    // Unlocked, a replacement ends the old grant at once.
    const third = createDataReference({ dataId: "passport-3", grantee }).dataHash;
    await mined(
      await replace(owner, {
        ...key,
        dataHash: newDataHash,
        newDataHash: third,
        lockedUntil: now + 500n,
      }),
    );
    expect(
      (await getGrant(publicClient, { address, grantId: replacement.grantId })).status,
    ).to.equal("Replaced");
  });

  it("each new life of a grant id has the next generation", async function () {
    const { address, owner, admin, grantee, dataHash, mined } = await setup();
    const key = { address, grantee, dataHash, purpose: PURPOSE };
    const read = () => getGrant(publicClient, { ...key, owner: admin });
    expect(await read()).to.deep.include({ status: "None", generation: 0n });
    await mined(await grant(owner, key));
    expect(await read()).to.deep.include({ status: "Active", generation: 1n });
    await mined(await revoke(owner, key));
    expect(await read()).to.deep.include({ status: "Revoked", generation: 1n });
    await mined(await grant(owner, key));
    expect(await read()).to.deep.include({ status: "Active", generation: 2n });
  });

  it("an expired grant reads as Expired and is not active", async function () {
    const { address, owner, grantee, dataHash, mined, readGrant } = await setup();
    const expiresAt = (await chainNow()) + 1000n;
    await mined(await grant(owner, { address, grantee, dataHash, purpose: PURPOSE, expiresAt }));
    await advanceTo(expiresAt);
    const g = await readGrant();
    expect(g.status).to.equal("Expired");
    expect(isActive(g, expiresAt)).to.equal(false);
    expect(isActive(g, expiresAt - 1n)).to.equal(true);
  });

  it("cancelNonces marks nonces of one or several words used (multicall)", async function () {
    const { address, owner, admin, mined } = await setup();
    await mined(await cancelNonces(owner, { address, nonces: [3n] }));
    await mined(await cancelNonces(owner, { address, nonces: [5n, 300n, 70000n] }));
    for (const nonce of [3n, 5n, 300n, 70000n]) {
      expect(await isNonceUsed(publicClient, { address, owner: admin, nonce })).to.equal(true);
    }
    expect(await isNonceUsed(publicClient, { address, owner: admin, nonce: 4n })).to.equal(false);
  });

  it("prepare forms return calldata a multisig or a plain sendTransaction can send", async function () {
    const { address, owner, admin, grantee, dataHash, mined } = await setup();
    const call = prepareGrant({ address, grantee, dataHash, purpose: PURPOSE });
    expect(call.to).to.equal(address);
    const decoded = decodeFunctionData({ abi: accessGrantsAbi, data: call.data });
    expect(decoded.functionName).to.equal("grant");
    await mined(await owner.sendTransaction({ to: call.to, data: call.data }));
    expect(
      await isGranted(publicClient, { address, owner: admin, grantee, dataHash, purpose: PURPOSE }),
    ).to.equal(true);
    const byChain = prepareRevoke({
      grantee,
      dataHash,
      purpose: PURPOSE,
      chainId: 31337,
      deployments: { 31337: (await setup()).deployment },
    });
    expect(byChain.to).to.equal(address);
    expect(() => prepareRevoke({ grantee, dataHash, purpose: PURPOSE, chainId: 999 })).to.throw(
      DeploymentNotFoundError,
    );
  });

  it("refuses milliseconds and malformed input before sending", async function () {
    const { address, owner, grantee, dataHash } = await setup();
    const ms = BigInt(Date.now());
    try {
      await grant(owner, { address, grantee, dataHash, purpose: PURPOSE, lockedUntil: ms });
      expect.fail("milliseconds accepted");
    } catch (error) {
      expect(error).to.be.instanceOf(InvalidParameterError);
      expect((error as InvalidParameterError).parameter).to.equal("lockedUntil");
      expect((error as Error).message).to.match(/milliseconds/);
    }
    expect(() =>
      prepareGrant({
        address,
        grantee,
        dataHash,
        purpose: PURPOSE,
        expiresAt: 5 as unknown as bigint,
      }),
    ).to.throw(/bigint/);
    expect(() =>
      prepareGrant({ address, grantee: "0x1234" as Address, dataHash, purpose: PURPOSE }),
    ).to.throw(InvalidParameterError);
    expect(() =>
      prepareGrant({ address, grantee, dataHash: `0x${"00".repeat(32)}`, purpose: PURPOSE }),
    ).to.throw(/zero/);
  });

  it("client.extend(grantkitActions({ deployment })) binds every action to the deployment, with a local account", async function () {
    const { deployment, grantee, dataHash, mined } = await setup();
    const client = wallet(localAccount).extend(grantkitActions({ deployment }));
    await mined(await client.grant({ grantee, dataHash, purpose: PURPOSE }));
    expect(
      await client.isGranted({ owner: localAccount.address, grantee, dataHash, purpose: PURPOSE }),
    ).to.equal(true);
    const g = await client.getGrant({
      owner: localAccount.address,
      grantee,
      dataHash,
      purpose: PURPOSE,
    });
    expect(g.status).to.equal("Active");
    expect(await client.grantIsActive({ grantId: g.grantId })).to.equal(true);
    await mined(await client.revoke({ grantee, dataHash, purpose: PURPOSE }));
    expect((await client.getGrant({ grantId: g.grantId })).status).to.equal("Revoked");
    const prepared = client.prepareRevoke({ grantee, dataHash, purpose: PURPOSE });
    expect(prepared.to).to.equal(deployment.accessGrants.address);
  });

  it("without an address or a known deployment, actions say so", async function () {
    const { grantee, dataHash } = await setup();
    try {
      await isGranted(publicClient, { owner: grantee, grantee, dataHash, purpose: PURPOSE });
      expect.fail("no error");
    } catch (error) {
      expect(error).to.be.instanceOf(DeploymentNotFoundError);
      expect((error as DeploymentNotFoundError).chainId).to.equal(31337);
    }
  });
});
