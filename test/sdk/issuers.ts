/**
 * The SDK's issuer functions against the deployed IssuerRegistry: registrar operations, decoded
 * errors, and the receipt hash.
 */
import { expect } from "chai";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import {
  addIssuer,
  getCredentialType,
  getIssuer,
  getIssuerLineage,
  hashReceipt,
  isContractError,
  isTrusted,
  jurisdictionCode,
  registerCredentialType,
  removeIssuer,
  restoreIssuer,
  rotateIssuerKey,
  setCredentialTypeLifetime,
  setIssuerJurisdiction,
  setIssuerTypes,
  setIssuerValidity,
  signKeyRotation,
  simulateRegisterCredentialType,
  suspendIssuer,
  updateIssuerMetadata,
  credentialTypeId,
  type CredentialReceipt,
} from "../../sdk/src/index.js";
import { issuerRegistryAbi } from "../../sdk/src/abi.js";
import { KYC_BASIC, chainNow, localAccount, publicClient, wallet } from "./fixture.js";
import { setup } from "./issuers-setup.js";

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
});
