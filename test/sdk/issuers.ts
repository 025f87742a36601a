import { expect } from "chai";
import fc from "fast-check";
import { getAddress, zeroAddress, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import {
  addIssuer,
  checkGate,
  checkReceipt,
  createDataReference,
  credentialGateArgs,
  getCredentialType,
  getIssuer,
  getIssuerLineage,
  grant,
  hashReceipt,
  isContractError,
  isTrusted,
  jurisdictionCode,
  purposeHash,
  receiptChecks,
  registerCredentialType,
  removeIssuer,
  restoreIssuer,
  rotateIssuerKey,
  setCredentialTypeLifetime,
  setIssuerJurisdiction,
  setIssuerTypes,
  setIssuerValidity,
  signKeyRotation,
  signReceipt,
  simulateRegisterCredentialType,
  suspendIssuer,
  updateIssuerMetadata,
  credentialTypeId,
  type CredentialReceipt,
} from "../../sdk/src/index.js";
import { issuerRegistryAbi } from "../../sdk/src/abi.js";
import {
  KYC_BASIC,
  KYC_FULL,
  chainNow,
  connection,
  deployFixture,
  localAccount,
  networkHelpers,
  publicClient,
  wallet,
} from "./fixture.js";

async function setup() {
  const f = await networkHelpers.loadFixture(deployFixture);
  const registry = f.deployment.issuerRegistry.address;
  const registrar = wallet(f.admin);
  const mined = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
  };
  return { ...f, registry, registrar, mined };
}

describe("sdk: issuers and receipts", function () {
  it("registrar operations change the record; wrong-status operations are decoded errors", async function () {
    const { registry, registrar, other, mined } = await setup();
    const issuer = localAccount.address;
    const type = credentialTypeId("kyc.extra");
    const { result: bit } = await simulateRegisterCredentialType(registrar, {
      address: registry,
      credentialType: type,
    });
    expect(bit).to.equal(2);
    await mined(
      await registerCredentialType(registrar, { address: registry, credentialType: type }),
    );
    expect(
      await getCredentialType(publicClient, { address: registry, credentialType: type }),
    ).to.deep.equal({ credentialType: type, bit: 2, maxReceiptLifetime: 365n * 86_400n });
    await mined(
      await setCredentialTypeLifetime(registrar, {
        address: registry,
        credentialType: type,
        maxReceiptLifetime: 3600n,
      }),
    );
    expect(
      (await getCredentialType(publicClient, { address: registry, credentialType: type }))
        ?.maxReceiptLifetime,
    ).to.equal(3600n);
    expect(
      await getCredentialType(publicClient, {
        address: registry,
        credentialType: credentialTypeId("never.registered"),
      }),
    ).to.equal(null);
    await mined(
      await addIssuer(registrar, {
        address: registry,
        issuer,
        credentialTypes: [KYC_BASIC],
        jurisdiction: jurisdictionCode("CH"),
      }),
    );
    expect(await getIssuer(publicClient, { address: registry, issuer })).to.deep.include({
      status: "Active",
      jurisdiction: "0x4348",
      typeBits: 1n,
      lineage: { root: issuer, head: issuer },
    });
    await mined(
      await setIssuerTypes(registrar, {
        address: registry,
        issuer,
        credentialTypes: [KYC_BASIC, type],
      }),
    );
    expect(
      await isTrusted(publicClient, { address: registry, issuer, credentialType: type }),
    ).to.equal(true);
    const now = await chainNow();
    await mined(
      await setIssuerValidity(registrar, {
        address: registry,
        issuer,
        validFrom: 0n,
        validUntil: now + 1000n,
      }),
    );
    await mined(
      await setIssuerJurisdiction(registrar, {
        address: registry,
        issuer,
        jurisdiction: jurisdictionCode("DE"),
      }),
    );
    await mined(await suspendIssuer(registrar, { address: registry, issuer }));
    expect((await getIssuer(publicClient, { address: registry, issuer })).status).to.equal(
      "Suspended",
    );
    try {
      await suspendIssuer(registrar, { address: registry, issuer });
      expect.fail("suspended twice");
    } catch (error) {
      if (!isContractError(error, "IssuerRegistryWrongStatus")) throw error;
      expect(error.args.status).to.equal(2);
      expect(error.shortMessage).to.match(/is Suspended, this needs Active/);
    }
    await mined(await restoreIssuer(registrar, { address: registry, issuer }));
    await mined(
      await updateIssuerMetadata(wallet(localAccount), {
        address: registry,
        metadataHash: `0x${"22".repeat(32)}`,
      }),
    );
    // Key rotation: the new key proves possession by signing the rotation.
    const next = privateKeyToAccount(generatePrivateKey());
    const newKey = next.address;
    const rotate = async (
      deadline: bigint,
      signer: Parameters<typeof signKeyRotation>[0]["signer"],
    ) =>
      rotateIssuerKey(wallet(localAccount), {
        address: registry,
        newKey,
        deadline,
        proof: await signKeyRotation({
          chainId: 31337,
          registry,
          signer,
          rotation: { oldKey: issuer, newKey, deadline },
        }),
      });
    const refusal = async (attempt: Promise<unknown>) => {
      try {
        await attempt;
      } catch (error) {
        return error;
      }
      expect.fail("rotation with a bad proof accepted");
    };
    const deadline = (await chainNow()) + 600n;
    const forged = await refusal(rotate(deadline, wallet(other)));
    if (!isContractError(forged, "IssuerRegistryInvalidKeyProof")) throw forged;
    expect(forged.args.newKey).to.equal(newKey);
    const late = await refusal(rotate((await chainNow()) - 1n, next));
    expect(isContractError(late, "IssuerRegistryExpiredKeyProof")).to.equal(true);
    await mined(await rotate(deadline, next));
    expect(await getIssuer(publicClient, { address: registry, issuer })).to.deep.include({
      status: "Rotated",
      lineage: { root: issuer, head: newKey },
    });
    expect((await getIssuer(publicClient, { address: registry, issuer: newKey })).status).to.equal(
      "Active",
    );
    expect(
      await getIssuerLineage(publicClient, { address: registry, issuer: newKey }),
    ).to.deep.equal({ root: issuer, head: newKey });
    // Any key names the lineage: removing it by its first key removes its current key.
    await mined(await removeIssuer(registrar, { address: registry, issuer }));
    expect((await getIssuer(publicClient, { address: registry, issuer: newKey })).status).to.equal(
      "Removed",
    );
    // A past record stays readable.
    expect((await getIssuer(publicClient, { address: registry, issuer, at: now })).status).to.equal(
      "Active",
    );
  });

  it("an account without REGISTRAR_ROLE gets a decoded AccessControl error", async function () {
    const { registry, other } = await setup();
    try {
      await addIssuer(wallet(other), {
        address: registry,
        issuer: localAccount.address,
        credentialTypes: [KYC_BASIC],
      });
      expect.fail("added without the role");
    } catch (error) {
      if (!isContractError(error, "AccessControlUnauthorizedAccount")) throw error;
      expect(error.args.account).to.equal(other);
    }
  });

  it("hashReceipt equals the registry's receiptDigest", async function () {
    const { registry, issuer } = await setup();
    const receipt: CredentialReceipt = {
      issuer,
      owner: localAccount.address,
      audience: getAddress("0x000000000000000000000000000000000000beef"),
      dataHash: `0x${"ab".repeat(32)}`,
      credentialType: KYC_BASIC,
      issuedAt: 1n,
      validUntil: 2n,
    };
    const digest = await publicClient.readContract({
      address: registry,
      abi: issuerRegistryAbi,
      functionName: "receiptDigest",
      args: [receipt],
    });
    expect(hashReceipt({ receipt, chainId: 31337, registry })).to.equal(digest);
  });

  it("checkReceipt answers as the registry's checkReceipt for random receipts, issuers, lifetimes, rotations and histories (60 cases)", async function () {
    const { registry, registrar, issuer, grantee, other, mined } = await setup();
    const walletContract = await connection.ethers.deployContract("MockERC1271Wallet", [
      localAccount.address,
    ]);
    const contractIssuer = getAddress(await walletContract.getAddress());
    await mined(
      await addIssuer(registrar, {
        address: registry,
        issuer: contractIssuer,
        credentialTypes: [KYC_BASIC, KYC_FULL],
      }),
    );
    const t0 = await chainNow();
    await networkHelpers.time.increaseTo(t0 + 100n);
    const issuers = [issuer, contractIssuer];
    const signers = { [issuer]: wallet(issuer), [contractIssuer]: localAccount } as const;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          who: fc.integer({ min: 0, max: 1 }),
          type: fc.constantFrom(KYC_BASIC, KYC_FULL, credentialTypeId("unregistered")),
          issuedOffset: fc.integer({ min: -150, max: 50 }),
          lifetime: fc.integer({ min: 0, max: 300 }),
          forge: fc.boolean(),
          audience: fc.constantFrom(zeroAddress, grantee, other),
          // The type's maximum receipt lifetime, when set (default: a year).
          cap: fc.constantFrom(undefined, 10n, 100n),
          change: fc.constantFrom(
            "none",
            "suspend",
            "remove",
            "types",
            "rotate",
            "rotateSuspend",
            "rotateRemove",
          ),
        }),
        async (c) => {
          const snapshot = await networkHelpers.takeSnapshot();
          const who = issuers[c.who]!;
          const now = await chainNow();
          const issuedAt = BigInt(Math.max(0, Number(now) + c.issuedOffset));
          const receipt: CredentialReceipt = {
            issuer: who,
            owner: grantee,
            audience: c.audience,
            dataHash: createDataReference({ dataId: "x", grantee }).dataHash,
            credentialType: c.type,
            issuedAt,
            validUntil: issuedAt + BigInt(c.lifetime),
          };
          const signature = await signReceipt({
            receipt,
            chainId: 31337,
            registry,
            signer: c.forge ? wallet(grantee) : signers[who]!,
          });
          if (c.change === "suspend")
            await suspendIssuer(registrar, { address: registry, issuer: who });
          if (c.change === "remove")
            await removeIssuer(registrar, { address: registry, issuer: who });
          if (c.change === "types")
            await setIssuerTypes(registrar, {
              address: registry,
              issuer: who,
              credentialTypes: [KYC_FULL],
            });
          if (c.cap !== undefined && c.type !== credentialTypeId("unregistered"))
            await setCredentialTypeLifetime(registrar, {
              address: registry,
              credentialType: c.type,
              maxReceiptLifetime: c.cap,
            });
          // The key account 4 rotates to a fresh key; the lineage is then suspended or removed by
          // its old key's name, which must refuse the old key's receipts too.
          if (c.change.startsWith("rotate") && who === issuer) {
            const next = privateKeyToAccount(generatePrivateKey());
            const deadline = (await chainNow()) + 600n;
            const proof = await signKeyRotation({
              chainId: 31337,
              registry,
              signer: next,
              rotation: { oldKey: who, newKey: next.address, deadline },
            });
            await rotateIssuerKey(wallet(who), {
              address: registry,
              newKey: next.address,
              deadline,
              proof,
            });
            if (c.change === "rotateSuspend")
              await suspendIssuer(registrar, { address: registry, issuer: who });
            if (c.change === "rotateRemove")
              await removeIssuer(registrar, { address: registry, issuer: who });
          }
          const expected =
            receiptChecks[
              await publicClient.readContract({
                address: registry,
                abi: issuerRegistryAbi,
                functionName: "checkReceipt",
                args: [receipt, signature],
              })
            ];
          const actual = await checkReceipt(publicClient, {
            address: registry,
            receipt,
            signature,
          });
          seen.add(actual);
          await snapshot.restore();
          expect(actual).to.equal(expected);
        },
      ),
      { numRuns: 60, seed: 12 },
    );
    // The cases cover refusals as well as acceptance, the lifetime cap and the lineage's suspension.
    expect(seen.has("Valid")).to.equal(true);
    expect([...seen]).to.include.members(["LifetimeExceeded", "IssuerRevoked"]);
    expect(seen.size).to.be.greaterThan(4);
  });

  it("checkGate predicts KycVault's deposit: refusals are the gate's decoded errors, the accepted call goes through", async function () {
    const { registry, issuer, grantee, other, deployment, mined } = await setup();
    const vault = await connection.ethers.deployContract("KycVault", [
      deployment.accessGrants.address,
      registry,
      grantee,
    ]);
    const gate = getAddress(await vault.getAddress());
    const user = wallet(localAccount);
    const { dataHash } = createDataReference({ dataId: "kyc-doc", grantee });
    const now = await chainNow();
    const receipt: CredentialReceipt = {
      issuer,
      owner: localAccount.address,
      audience: grantee,
      dataHash,
      credentialType: KYC_BASIC,
      issuedAt: now,
      validUntil: now + 3600n,
    };
    const signature = await signReceipt({
      receipt,
      chainId: 31337,
      registry,
      signer: wallet(issuer),
    });
    const credential = { credentialType: KYC_BASIC, receipt, signature };
    const gateError = async () => {
      try {
        await checkGate(publicClient, { gate, owner: localAccount.address, dataHash, credential });
        return undefined;
      } catch (error) {
        return error;
      }
    };
    expect(isContractError(await gateError(), "GrantGateNotGranted")).to.equal(true);
    await mined(
      await grant(user, {
        address: deployment.accessGrants.address,
        grantee,
        dataHash,
        purpose: purposeHash("onboarding"),
      }),
    );
    expect(await gateError()).to.equal(undefined);
    const vaultAbi = [
      {
        type: "function",
        name: "deposit",
        stateMutability: "payable",
        inputs: [
          { name: "dataHash", type: "bytes32" },
          {
            name: "receipt",
            type: "tuple",
            components: [
              { name: "issuer", type: "address" },
              { name: "owner", type: "address" },
              { name: "audience", type: "address" },
              { name: "dataHash", type: "bytes32" },
              { name: "credentialType", type: "bytes32" },
              { name: "issuedAt", type: "uint64" },
              { name: "validUntil", type: "uint64" },
            ],
          },
          { name: "signature", type: "bytes" },
        ],
        outputs: [],
      },
    ] as const;
    await mined(
      await user.writeContract({
        address: gate,
        abi: vaultAbi,
        functionName: "deposit",
        args: credentialGateArgs({ dataHash, receipt, signature }),
        value: 1000n,
      }),
    );
    try {
      await checkGate(publicClient, {
        gate,
        owner: localAccount.address,
        dataHash,
        credential: { ...credential, credentialType: KYC_FULL },
      });
      expect.fail("mismatch accepted");
    } catch (error) {
      expect(isContractError(error, "GrantGateReceiptMismatch")).to.equal(true);
    }
    // A receipt for another grantee (audience) is not proof for this gate; one for any (zero) is.
    const forOther = { ...receipt, audience: other };
    try {
      await checkGate(publicClient, {
        gate,
        owner: localAccount.address,
        dataHash,
        credential: {
          ...credential,
          receipt: forOther,
          signature: await signReceipt({
            receipt: forOther,
            chainId: 31337,
            registry,
            signer: wallet(issuer),
          }),
        },
      });
      expect.fail("a receipt for another audience accepted");
    } catch (error) {
      if (!isContractError(error, "GrantGateReceiptMismatch")) throw error;
      expect(error.args.audience).to.equal(other);
    }
    const forAny = { ...receipt, audience: zeroAddress };
    await checkGate(publicClient, {
      gate,
      owner: localAccount.address,
      dataHash,
      credential: {
        ...credential,
        receipt: forAny,
        signature: await signReceipt({
          receipt: forAny,
          chainId: 31337,
          registry,
          signer: wallet(issuer),
        }),
      },
    });
    const forged = await signReceipt({ receipt, chainId: 31337, registry, signer: localAccount });
    try {
      await checkGate(publicClient, {
        gate,
        owner: localAccount.address,
        dataHash,
        credential: { ...credential, signature: forged },
      });
      expect.fail("forged receipt accepted");
    } catch (error) {
      if (!isContractError(error, "GrantGateReceiptRejected")) throw error;
      expect(receiptChecks[error.args.reason]).to.equal("BadSignature");
    }
  });
});
