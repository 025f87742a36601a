import { expect } from "chai";
import { getAddress, type Address } from "viem";

import {
  buildRequest,
  cancelNonces,
  computeGrantId,
  createDataReference,
  deadlineAfter,
  getGrant,
  getRelayBatchOutcomes,
  hashRequest,
  isContractError,
  isGranted,
  parseRequest,
  pickNonce,
  prepareRelayRequest,
  prepareRequest,
  relayBatch,
  relayRequest,
  revoke,
  requestKinds,
  serializeRequest,
  signRequest,
  simulateRelayBatch,
  simulateRelayRequest,
  verifyRequest,
  grant,
  type SignedRequest,
} from "../../sdk/src/index.js";
import { accessGrantsAbi } from "../../sdk/src/abi.js";
import {
  advanceTo,
  chainNow,
  connection,
  loadGrants,
  localAccount,
  mined,
  publicClient,
  PURPOSE,
  wallet,
} from "./fixture.js";

async function setup() {
  const f = await loadGrants();
  return { ...f, relayer: wallet(f.relayer), owner: localAccount.address, mined };
}

describe("sdk: signed requests", function () {
  it("every request kind signed by a local account is accepted and relayed by the contract", async function () {
    const { address, relayer, owner, grantee, dataHash, mined } = await setup();
    const now = await chainNow();
    const newDataHash = createDataReference({ dataId: "passport-2", grantee }).dataHash;
    const key = { owner, grantee, dataHash, purpose: PURPOSE };
    const messages = {
      Grant: { ...key, lockedUntil: 0n, expiresAt: now + 5000n },
      ExtendLock: { ...key, lockedUntil: now + 100n },
      ExtendExpiry: { ...key, expiresAt: now + 9000n },
      Replace: { ...key, newDataHash, lockedUntil: now + 100n, expiresAt: now + 9000n },
      Revoke: { ...key, dataHash: newDataHash },
    };
    expect(Object.keys(messages).sort()).to.deep.equal([...requestKinds].sort());
    for (const kind of ["Grant", "ExtendLock", "ExtendExpiry", "Replace"] as const) {
      const request = await prepareRequest(publicClient, {
        address,
        kind,
        message: messages[kind],
      } as never);
      const signed = await signRequest({ request, signer: localAccount });
      expect(await verifyRequest(publicClient, signed)).to.equal("Valid");
      await mined(await relayRequest(relayer, { request: signed }));
      expect(await verifyRequest(publicClient, signed)).to.equal("NonceUsed");
    }
    let g = await getGrant(publicClient, { address, ...key, dataHash: newDataHash });
    expect(g).to.include({ status: "Active", lockedUntil: now + 100n, expiresAt: now + 9000n });
    await advanceTo(now + 100n);
    const revoke = await prepareRequest(publicClient, {
      address,
      kind: "Revoke",
      message: messages.Revoke,
    });
    await mined(
      await relayRequest(relayer, {
        request: await signRequest({ request: revoke, signer: localAccount }),
      }),
    );
    g = await getGrant(publicClient, { address, ...key, dataHash: newDataHash });
    expect(g.status).to.equal("Revoked");
  });

  it("signs with a wallet client (eth_signTypedData_v4) and relays a batch of several owners in one transaction; a refused item fails alone (tryMulticall), decoded", async function () {
    const { address, relayer, other, grantee, dataHash, mined } = await setup();
    const a = await prepareRequest(publicClient, {
      address,
      kind: "Grant",
      message: {
        owner: localAccount.address,
        grantee,
        dataHash,
        purpose: PURPOSE,
        lockedUntil: 0n,
        expiresAt: 0n,
      },
    });
    const b = await prepareRequest(publicClient, {
      address,
      kind: "Grant",
      message: {
        owner: other,
        grantee,
        dataHash,
        purpose: PURPOSE,
        lockedUntil: 0n,
        expiresAt: 0n,
      },
    });
    const signedA = await signRequest({ request: a, signer: localAccount });
    // The same request twice: the second finds its nonce used.
    const signed = [signedA, await signRequest({ request: b, signer: wallet(other) }), signedA];
    const { outcomes } = await simulateRelayBatch(relayer, { requests: signed });
    expect(outcomes.map((o) => o.success)).to.deep.equal([true, true, false]);
    expect(outcomes[0]).to.include({ index: 0, grantId: computeGrantId(a.message) });
    const refused = outcomes[2]!;
    if (refused.success) throw new Error("expected a refusal");
    expect(isContractError(refused.error, "AccessGrantsNonceUsed")).to.equal(true);
    // All or nothing: the atomic form (multicall) reverts with the refused item's error.
    try {
      await simulateRelayBatch(relayer, { requests: signed, atomic: true });
      expect.fail("atomic batch with a refused item succeeded");
    } catch (error) {
      expect(isContractError(error, "AccessGrantsNonceUsed")).to.equal(true);
    }
    const hash = await relayBatch(relayer, { requests: signed });
    await mined(hash);
    const receipt = await publicClient.getTransactionReceipt({ hash });
    const mined3 = getRelayBatchOutcomes({ requests: signed, logs: receipt.logs });
    expect(mined3.map((o) => o.success)).to.deep.equal([true, true, false]);
    const failed = mined3[2]!;
    if (failed.success) throw new Error("expected a refusal");
    expect(failed.error?.errorName).to.equal("AccessGrantsNonceUsed");
    for (const owner of [localAccount.address, other]) {
      expect(
        await isGranted(publicClient, { address, owner, grantee, dataHash, purpose: PURPOSE }),
      ).to.equal(true);
    }
  });

  it("a request signed for one life of a grant is refused in the next: verifyRequest says WrongGeneration, the contract InvalidSignature", async function () {
    const { address, relayer, owner, grantee, dataHash, mined } = await setup();
    const key = { address, grantee, dataHash, purpose: PURPOSE };
    const ownerWallet = wallet(localAccount);
    await mined(await grant(ownerWallet, key));
    const request = await prepareRequest(publicClient, {
      address,
      kind: "Revoke",
      message: { owner, grantee, dataHash, purpose: PURPOSE },
    });
    expect(request.message.generation).to.equal(1n);
    const signed = await signRequest({ request, signer: localAccount });
    expect(await verifyRequest(publicClient, signed)).to.equal("Valid");
    // The owner ends the grant and grants again: the signed revoke must not end the new grant.
    await mined(await revoke(ownerWallet, key));
    await mined(await grant(ownerWallet, key));
    expect(await verifyRequest(publicClient, signed)).to.equal("WrongGeneration");
    try {
      await simulateRelayRequest(relayer, { request: signed });
      expect.fail("a revoke of the previous life was relayed");
    } catch (error) {
      expect(isContractError(error, "AccessGrantsInvalidSignature")).to.equal(true);
    }
    const again = await prepareRequest(publicClient, {
      address,
      kind: "Revoke",
      message: { owner, grantee, dataHash, purpose: PURPOSE },
    });
    expect(again.message.generation).to.equal(2n);
    const signedAgain = await signRequest({ request: again, signer: localAccount });
    await mined(await relayRequest(relayer, { request: signedAgain }));
    expect((await getGrant(publicClient, { ...key, owner })).status).to.equal("Revoked");
    // Replace signs both ids' generations.
    const newDataHash = createDataReference({ dataId: "passport-9", grantee }).dataHash;
    await mined(await grant(ownerWallet, key));
    const replaceRequest = await prepareRequest(publicClient, {
      address,
      kind: "Replace",
      message: { ...key, owner, newDataHash, lockedUntil: 0n, expiresAt: 0n },
    });
    expect(replaceRequest.message).to.include({ generation: 3n, newGeneration: 0n });
    expect(() =>
      buildRequest({ ...replaceRequest, message: { ...replaceRequest.message, generation: -1n } }),
    ).to.throw(/generation/);
  });

  it("an ERC-1271 owner's request is verified off-chain and relayed", async function () {
    const { address, relayer, grantee, dataHash, mined } = await setup();
    const walletContract = await connection.ethers.deployContract("MockERC1271Wallet", [
      localAccount.address,
    ]);
    const owner = getAddress(await walletContract.getAddress());
    const request = await prepareRequest(publicClient, {
      address,
      kind: "Grant",
      message: { owner, grantee, dataHash, purpose: PURPOSE, lockedUntil: 0n, expiresAt: 0n },
    });
    // The smart account accepts its signer's signature over the digest, with any extra bytes after it.
    const inner = await signRequest({ request, signer: localAccount });
    const signed = { ...inner, signature: `${inner.signature}cafe` as const };
    expect(await verifyRequest(publicClient, signed)).to.equal("Valid");
    await (await walletContract.setRefuse(true)).wait();
    expect(await verifyRequest(publicClient, signed)).to.equal("BadSignature");
    await (await walletContract.setRefuse(false)).wait();
    await mined(await relayRequest(relayer, { request: signed }));
    expect(
      await isGranted(publicClient, { address, owner, grantee, dataHash, purpose: PURPOSE }),
    ).to.equal(true);
  });

  it("verifyRequest finds what the contract would refuse: wrong signer, expired deadline, cancelled nonce", async function () {
    const { address, relayer, owner, grantee, dataHash, other } = await setup();
    const request = await prepareRequest(publicClient, {
      address,
      kind: "Grant",
      validFor: 3600n,
      message: { owner, grantee, dataHash, purpose: PURPOSE, lockedUntil: 0n, expiresAt: 0n },
    });
    const forged = await signRequest({ request, signer: wallet(other) });
    expect(await verifyRequest(publicClient, forged)).to.equal("BadSignature");
    try {
      await simulateRelayRequest(relayer, { request: forged });
      expect.fail("forged request relayed");
    } catch (error) {
      expect(isContractError(error, "AccessGrantsInvalidSignature")).to.equal(true);
    }
    const signed = await signRequest({ request, signer: localAccount });
    expect(await verifyRequest(wallet(other), { ...signed, chainId: 1 })).to.equal("WrongChain");
    await cancelNonces(wallet(localAccount), { address, nonces: [signed.message.nonce] });
    expect(await verifyRequest(publicClient, signed)).to.equal("NonceUsed");
    const later = await prepareRequest(publicClient, {
      address,
      kind: "Grant",
      validFor: 3600n,
      message: { owner, grantee, dataHash, purpose: PURPOSE, lockedUntil: 0n, expiresAt: 0n },
    });
    const signedLater = await signRequest({ request: later, signer: localAccount });
    await advanceTo(later.message.deadline);
    expect(await verifyRequest(publicClient, signedLater)).to.equal("Expired");
    try {
      await relayRequest(relayer, { request: signedLater });
      expect.fail("expired request relayed");
    } catch (error) {
      expect(isContractError(error, "AccessGrantsExpiredSignature")).to.equal(true);
    }
  });

  it("pickNonce: sequential skips used, cancelled and excluded nonces; random ones are free", async function () {
    const { address, owner } = await setup();
    expect(await pickNonce(publicClient, { address, owner })).to.equal(0n);
    await cancelNonces(wallet(localAccount), { address, nonces: [0n, 1n, 3n] });
    expect(await pickNonce(publicClient, { address, owner })).to.equal(2n);
    expect(await pickNonce(publicClient, { address, owner, exclude: [2n] })).to.equal(4n);
    await cancelNonces(wallet(localAccount), {
      address,
      nonces: Array.from({ length: 256 }, (_, i) => BigInt(i)),
    });
    expect(await pickNonce(publicClient, { address, owner })).to.equal(256n);
    const random = await pickNonce(publicClient, { address, owner, strategy: "random" });
    expect(random).to.be.a("bigint");
    expect(
      await publicClient.readContract({
        address,
        abi: accessGrantsAbi,
        functionName: "isNonceUsed",
        args: [owner, random],
      }),
    ).to.equal(false);
  });

  it("a request survives JSON (serializeRequest/parseRequest); tampered JSON is refused", async function () {
    const { address, owner, grantee, dataHash } = await setup();
    const request = buildRequest({
      kind: "Revoke",
      chainId: 31337,
      verifyingContract: address,
      message: {
        owner,
        grantee,
        dataHash,
        purpose: PURPOSE,
        generation: 0n,
        nonce: 9n,
        deadline: deadlineAfter(600n),
      },
    });
    const signed = await signRequest({ request, signer: localAccount });
    const back = parseRequest(JSON.parse(JSON.stringify(serializeRequest(signed))));
    expect(back).to.deep.equal(signed);
    expect(hashRequest(back)).to.equal(hashRequest(signed));
    const json = serializeRequest(signed);
    expect(() => parseRequest({ ...json, message: { ...json.message, nonce: "-1" } })).to.throw(
      /decimal/,
    );
    expect(() => parseRequest({ ...json, kind: "Steal" })).to.throw(/kind/);
    expect(() =>
      parseRequest({ ...json, message: { ...json.message, grantee: "0xnope" } }),
    ).to.throw(/address/);
    const prepared = prepareRelayRequest({ request: signed as SignedRequest });
    expect(prepared.to).to.equal(address);
  });

  it("the relay of a grant that is already active fails with a decoded error", async function () {
    const { address, relayer, grantee, dataHash } = await setup();
    await grant(wallet(localAccount), { address, grantee, dataHash, purpose: PURPOSE });
    const request = await prepareRequest(publicClient, {
      address,
      kind: "Grant",
      message: {
        owner: localAccount.address as Address,
        grantee,
        dataHash,
        purpose: PURPOSE,
        lockedUntil: 0n,
        expiresAt: 0n,
      },
    });
    const signed = await signRequest({ request, signer: localAccount });
    try {
      await simulateRelayRequest(relayer, { request: signed });
      expect.fail("relayed on top of an active grant");
    } catch (error) {
      expect(isContractError(error, "AccessGrantsAlreadyActive")).to.equal(true);
    }
  });
});
