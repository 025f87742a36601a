/**
 * The SDK's receipt and gate checks against the contracts: checkReceipt on random receipts and
 * histories, checkGate against KycVault's deposit.
 */
import { expect } from "chai";
import fc from "fast-check";
import { getAddress, zeroAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import {
  addIssuer,
  checkGate,
  checkReceipt,
  createDataReference,
  credentialGateArgs,
  grant,
  isContractError,
  purposeHash,
  receiptChecks,
  removeIssuer,
  rotateIssuerKey,
  setCredentialTypeLifetime,
  setIssuerTypes,
  signKeyRotation,
  signReceipt,
  suspendIssuer,
  credentialTypeId,
  type CredentialReceipt,
} from "../../sdk/src/index.js";
import { issuerRegistryAbi } from "../../sdk/src/abi.js";
import {
  KYC_BASIC,
  KYC_FULL,
  chainNow,
  connection,
  localAccount,
  networkHelpers,
  publicClient,
  wallet,
} from "./fixture.js";
import { setup } from "./issuers-setup.js";

describe("sdk: issuers and receipts", function () {
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

  it("checkReceipt accepts, as the registry does, an issuer's own ECDSA signature when its address has code (an EIP-7702 account)", async function () {
    const { registry, issuer, grantee } = await setup();
    await networkHelpers.setCode(issuer, "0x00");
    const now = await chainNow();
    const receipt: CredentialReceipt = {
      issuer,
      owner: grantee,
      audience: zeroAddress,
      dataHash: createDataReference({ dataId: "x", grantee }).dataHash,
      credentialType: KYC_BASIC,
      issuedAt: now,
      validUntil: now + 3600n,
    };
    const answers: string[] = [];
    for (const signer of [wallet(issuer), wallet(grantee)]) {
      const signature = await signReceipt({ receipt, chainId: 31337, registry, signer });
      const onChain = await publicClient.readContract({
        address: registry,
        abi: issuerRegistryAbi,
        functionName: "checkReceipt",
        args: [receipt, signature],
      });
      const actual = await checkReceipt(publicClient, { address: registry, receipt, signature });
      expect(actual).to.equal(receiptChecks[onChain]);
      answers.push(actual);
    }
    expect(answers).to.deep.equal(["Valid", "BadSignature"]);
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
    // What checkGate throws for this credential (the issuer's valid one unless named), if anything.
    const gateError = async (cred: typeof credential = credential) => {
      try {
        await checkGate(publicClient, {
          gate,
          owner: localAccount.address,
          dataHash,
          credential: cred,
        });
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
    expect(
      isContractError(
        await gateError({ ...credential, credentialType: KYC_FULL }),
        "GrantGateReceiptMismatch",
      ),
    ).to.equal(true);
    // The credential for `r` signed by the issuer.
    const issued = async (r: typeof receipt) => ({
      ...credential,
      receipt: r,
      signature: await signReceipt({
        receipt: r,
        chainId: 31337,
        registry,
        signer: wallet(issuer),
      }),
    });
    // A receipt for another grantee (audience) is not proof for this gate; one for any (zero) is.
    const forOther = await gateError(await issued({ ...receipt, audience: other }));
    if (!isContractError(forOther, "GrantGateReceiptMismatch")) {
      expect.fail(`a receipt for another audience: ${String(forOther)}`);
    }
    expect(forOther.args.audience).to.equal(other);
    expect(await gateError(await issued({ ...receipt, audience: zeroAddress }))).to.equal(
      undefined,
    );
    const forged = await signReceipt({ receipt, chainId: 31337, registry, signer: localAccount });
    const forgedError = await gateError({ ...credential, signature: forged });
    if (!isContractError(forgedError, "GrantGateReceiptRejected")) {
      expect.fail(`a forged receipt: ${String(forgedError)}`);
    }
    expect(receiptChecks[forgedError.args.reason]).to.equal("BadSignature");
  });
});
