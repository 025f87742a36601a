import { expect } from "chai";
import fc from "fast-check";
import { getAddress, type Hex } from "viem";

import {
  addIssuer,
  checkGate,
  checkReceipt,
  createDataReference,
  credentialGateArgs,
  getIssuer,
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
  setIssuerJurisdiction,
  setIssuerTypes,
  setIssuerValidity,
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
    const { registry, registrar, mined } = await setup();
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
    const newKey = getAddress("0x000000000000000000000000000000000000beef");
    await mined(await rotateIssuerKey(wallet(localAccount), { address: registry, newKey }));
    expect((await getIssuer(publicClient, { address: registry, issuer })).status).to.equal(
      "Rotated",
    );
    expect((await getIssuer(publicClient, { address: registry, issuer: newKey })).status).to.equal(
      "Active",
    );
    await mined(await removeIssuer(registrar, { address: registry, issuer: newKey }));
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

  it("checkReceipt answers as the registry's checkReceipt for random receipts, issuers and histories (40 cases)", async function () {
    const { registry, registrar, issuer, grantee, mined } = await setup();
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
          change: fc.constantFrom("none", "suspend", "remove", "types"),
        }),
        async (c) => {
          const snapshot = await networkHelpers.takeSnapshot();
          const who = issuers[c.who]!;
          const now = await chainNow();
          const issuedAt = BigInt(Math.max(0, Number(now) + c.issuedOffset));
          const receipt: CredentialReceipt = {
            issuer: who,
            owner: grantee,
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
      { numRuns: 40, seed: 12 },
    );
    // The cases cover refusals as well as acceptance.
    expect(seen.has("Valid")).to.equal(true);
    expect(seen.size).to.be.greaterThan(3);
  });

  it("checkGate predicts KycVault's deposit: refusals are the gate's decoded errors, the accepted call goes through", async function () {
    const { registry, issuer, grantee, deployment, mined } = await setup();
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
