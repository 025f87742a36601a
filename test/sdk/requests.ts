import { expect } from "chai";
import { getAddress, type Address } from "viem";

import {
  buildRequest,
  cancelNonces,
  createDataReference,
  deadlineAfter,
  getGrant,
  hashRequest,
  isContractError,
  isGranted,
  parseRequest,
  pickNonce,
  prepareRelayRequest,
  prepareRequest,
  purposeHash,
  relayBatch,
  relayRequest,
  requestKinds,
  serializeRequest,
  signRequest,
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
  deployFixture,
  localAccount,
  networkHelpers,
  publicClient,
  wallet,
} from "./fixture.js";

const PURPOSE = purposeHash("onboarding");

async function setup() {
  const f = await networkHelpers.loadFixture(deployFixture);
  const address = f.deployment.accessGrants.address;
  const relayer = wallet(f.relayer);
  const owner = localAccount.address;
  const { dataHash } = createDataReference({ dataId: "passport-1", grantee: f.grantee });
  const mined = async (hash: `0x${string}`) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
  };
  return { ...f, address, relayer, owner, dataHash, mined };
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

  it("signs with a wallet client (eth_signTypedData_v4) and relays a batch of several owners in one transaction", async function () {
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
    const signed = [
      await signRequest({ request: a, signer: localAccount }),
      await signRequest({ request: b, signer: wallet(other) }),
    ];
    await mined(await relayBatch(relayer, { requests: signed }));
    for (const owner of [localAccount.address, other]) {
      expect(
        await isGranted(publicClient, { address, owner, grantee, dataHash, purpose: PURPOSE }),
      ).to.equal(true);
    }
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
