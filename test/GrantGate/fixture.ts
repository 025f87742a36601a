/**
 * What GrantGate's tests (test/GrantGate/*.ts, through KycVault) share: AccessGrants,
 * IssuerRegistry and a KycVault deployed through the deploy toolkit, the user's grant, and signed
 * receipts.
 */
import { network } from "hardhat";
import { hexlify, keccak256, toUtf8Bytes, type Signer } from "ethers";

import { purposeHash } from "../../scripts/lib/grants.js";
import { receiptChecks } from "../../sdk/src/constants.js";
import { registryDomain, signReceipt, type CredentialReceipt } from "../../scripts/lib/receipts.js";
import { deployForTest, testConfig } from "../helpers/deploy.js";
import { enumOf } from "../helpers/enums.js";

export const connection = await network.create();
export const { ethers, networkHelpers } = connection;
export const { loadFixture, time } = networkHelpers;

export const Check = enumOf(receiptChecks);

export const id = (label: string) => keccak256(toUtf8Bytes(label));

export const KYC = id("kyc.basic");
export const AML = id("aml.screening");
export const ONBOARDING = purposeHash("onboarding");
export const DATA = id("kyc-credential-of-user");
export const DATA2 = id("another-data-item");
export const CH = hexlify(toUtf8Bytes("CH"));
export const META = id("issuer-metadata");
export const DELAY = 3n * 24n * 3600n;
export const AMOUNT = ethers.parseEther("1");

export async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

export async function deployVault() {
  const [admin, registrar, issuer, compliance, user, other, amlIssuer, stranger] =
    await ethers.getSigners();
  // The deploy path: registrar, types and both issuers come from the constructor configuration.
  const { grants, registry } = await deployForTest(
    connection,
    testConfig(admin!.address, {
      adminDelaySeconds: Number(DELAY),
      registrars: [registrar!.address],
      credentialTypes: ["kyc.basic", "aml.screening"],
      issuers: [
        { address: issuer!.address, types: ["kyc.basic"], jurisdiction: "CH", metadataHash: META },
        {
          address: amlIssuer!.address,
          types: ["aml.screening"],
          jurisdiction: "CH",
          metadataHash: META,
        },
      ],
    }),
  );
  const reg = registry.connect(registrar!);
  const issuedAt = await now();
  const vault = await ethers.deployContract("KycVault", [
    await grants.getAddress(),
    await registry.getAddress(),
    compliance!.address,
  ]);
  const domain = registryDomain(
    (await ethers.provider.getNetwork()).chainId,
    await registry.getAddress(),
  );
  return {
    grants,
    registry,
    reg,
    vault,
    domain,
    issuedAt,
    admin: admin!,
    registrar: registrar!,
    issuer: issuer!,
    amlIssuer: amlIssuer!,
    compliance: compliance!,
    user: user!,
    other: other!,
    stranger: stranger!,
  };
}

export type Fixture = Awaited<ReturnType<typeof deployVault>>;

/** The fixture plus the user's grant of DATA to the compliance address for "onboarding". */
export async function deployWithGrant() {
  const f = await deployVault();
  await f.grants.connect(f.user).grant(grantParams(f));
  return f;
}

export function grantParams(
  f: Fixture,
  over: Partial<{ grantee: string; dataHash: string; purpose: string; expiresAt: bigint }> = {},
) {
  return {
    grantee: over.grantee ?? f.compliance.address,
    dataHash: over.dataHash ?? DATA,
    purpose: over.purpose ?? ONBOARDING,
    lockedUntil: 0n,
    expiresAt: over.expiresAt ?? 0n,
  };
}

export function receiptFor(f: Fixture, over: Partial<CredentialReceipt> = {}): CredentialReceipt {
  return {
    issuer: f.issuer.address,
    owner: f.user.address,
    audience: ethers.ZeroAddress,
    dataHash: DATA,
    credentialType: KYC,
    issuedAt: f.issuedAt,
    validUntil: f.issuedAt + 365n * 24n * 3600n,
    ...over,
  };
}

export async function signed(
  f: Fixture,
  over: Partial<CredentialReceipt> = {},
  signer: Signer = f.issuer,
) {
  const receipt = receiptFor(f, over);
  const signature = await signReceipt(signer, f.domain, receipt);
  return { receipt, signature };
}
