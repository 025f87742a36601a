import { expect } from "chai";
import { Wallet } from "ethers";

import {
  createDataReference,
  isContractError,
  prepareRequest,
  signRequest,
  verifyRequest,
} from "../../sdk/src/index.js";
import { createGrantKitClient } from "../../sdk/src/ethers.js";
import {
  chainNow,
  connection,
  deployFixture,
  localAccount,
  networkHelpers,
  publicClient,
  PURPOSE,
} from "./fixture.js";

describe("sdk: ethers v6 adapter", function () {
  it("an ethers Wallet on an ethers provider grants, reads, and gets decoded reverts", async function () {
    const { deployment, grantee } = await networkHelpers.loadFixture(deployFixture);
    const provider = connection.ethers.provider;
    // The same key as the fixture's funded local account, held by ethers this time.
    const signer = new Wallet(
      "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
      provider,
    );
    const client = await createGrantKitClient({ provider, signer, deployment });
    const { dataHash } = createDataReference({ dataId: "passport-1", grantee });
    const lockedUntil = (await chainNow()) + 1000n;
    const hash = await client.grant({ grantee, dataHash, purpose: PURPOSE, lockedUntil });
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).to.equal("success");
    expect(
      await client.isGranted({
        owner: signer.address as `0x${string}`,
        grantee,
        dataHash,
        purpose: PURPOSE,
      }),
    ).to.equal(true);
    try {
      await client.revoke({ grantee, dataHash, purpose: PURPOSE });
      expect.fail("revoked while locked");
    } catch (error) {
      if (!isContractError(error, "AccessGrantsLocked")) throw error;
      expect(error.args.lockedUntil).to.equal(lockedUntil);
    }
  });

  it("a Hardhat ethers signer signs a request (eth_signTypedData_v4 through the signer) that verifies", async function () {
    const { deployment, grantee } = await networkHelpers.loadFixture(deployFixture);
    const [, , , , , , signer] = await connection.ethers.getSigners();
    const client = await createGrantKitClient({
      provider: connection.ethers.provider,
      signer: signer!,
      deployment,
    });
    const owner = signer!.address as `0x${string}`;
    const { dataHash } = createDataReference({ dataId: "passport-2", grantee });
    const request = await prepareRequest(client, {
      address: deployment.accessGrants.address,
      kind: "Grant",
      message: { owner, grantee, dataHash, purpose: PURPOSE, lockedUntil: 0n, expiresAt: 0n },
    });
    const signed = await signRequest({ request, signer: client });
    expect(await verifyRequest(publicClient, signed)).to.equal("Valid");
    // And a local viem account's signature of the same request is not the owner's.
    expect(
      await verifyRequest(publicClient, await signRequest({ request, signer: localAccount })),
    ).to.equal("BadSignature");
  });
});
