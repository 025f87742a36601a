/**
 * The SDK's tests run on Hardhat's in-process chain through viem clients over the connection's
 * EIP-1193 provider; the contracts come from the real deploy path (test/helpers/deploy.ts).
 */
import { expect } from "chai";
import { network } from "hardhat";
import {
  createPublicClient,
  createWalletClient,
  custom,
  getAddress,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
  type Transport,
  type Chain,
  type Account,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { deployForTest, testConfig } from "../helpers/deploy.js";
import {
  createDataReference,
  credentialTypeId,
  deploymentFromRecord,
  purposeHash,
  type GrantKitDeployment,
} from "../../sdk/src/index.js";

export const connection = await network.create();
export const { networkHelpers } = connection;

/** Hardhat's well-known development key #5 (a public test key), as a local viem account: it signs by itself and sends raw transactions. */
export const localAccount = privateKeyToAccount(
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
);

export const transport = custom(connection.provider);
export const publicClient: PublicClient = createPublicClient({ chain: hardhat, transport });

export type Wallet = WalletClient<Transport, Chain, Account>;

export function wallet(account: Address | ReturnType<typeof privateKeyToAccount>): Wallet {
  return createWalletClient({ chain: hardhat, transport, account }) as Wallet;
}

export const KYC_BASIC = credentialTypeId("kyc.basic");
export const KYC_FULL = credentialTypeId("kyc.full");
export const PURPOSE = purposeHash("onboarding");

/** Deploys AccessGrants and IssuerRegistry (admin and registrar: account 0; issuer: account 4). */
export async function deployFixture() {
  const accounts = (
    (await connection.provider.request({ method: "eth_accounts" })) as Address[]
  ).map((a) => getAddress(a));
  const [admin, grantee, relayer, other, issuer] = accounts as [
    Address,
    Address,
    Address,
    Address,
    Address,
  ];
  const { record, grants, registry } = await deployForTest(
    connection,
    testConfig(admin, {
      registrars: [admin],
      credentialTypes: ["kyc.basic", "kyc.full"],
      issuers: [
        {
          address: issuer,
          types: ["kyc.basic"],
          jurisdiction: "CH",
          metadataHash: "0x" + "11".repeat(32),
        },
      ],
    }),
  );
  const deployment: GrantKitDeployment = deploymentFromRecord(record);
  // Keep the local account funded whatever earlier tests spent.
  await networkHelpers.setBalance(localAccount.address, 10n ** 20n);
  return { record, deployment, grants, registry, admin, grantee, relayer, other, issuer };
}

export async function chainNow(): Promise<bigint> {
  return (await publicClient.getBlock({ blockTag: "latest" })).timestamp;
}

/**
 * Moves the chain's clock to `t` unless it is already past it: the in-process chain follows the wall
 * clock, which runs on between a test's steps (far, on a loaded machine).
 */
export async function advanceTo(t: bigint): Promise<void> {
  if ((await chainNow()) < t) await networkHelpers.time.increaseTo(t);
}

/** Waits for the transaction `hash` and expects it to have succeeded. */
export async function mined(hash: Hex) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).to.equal("success");
  return receipt;
}

/**
 * The deployed fixture with AccessGrants' address and the data hash of the reference
 * "passport-1" made for `grantee` (the fixture's grantee unless named).
 */
export async function loadGrants(grantee?: Address) {
  const f = await networkHelpers.loadFixture(deployFixture);
  const address = f.deployment.accessGrants.address;
  const { dataHash } = createDataReference({ dataId: "passport-1", grantee: grantee ?? f.grantee });
  return { ...f, address, dataHash };
}
