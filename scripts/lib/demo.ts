/**
 * Demo data for a local chain: a few issuers and a few hundred grants, revocations, releases,
 * replacements and lock extensions, spread over simulated months (evm_increaseTime + evm_mine, never
 * hardhat_mine, which Ponder cannot follow).
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { keccak256, toBeHex, toUtf8Bytes } from "ethers";

import type { DeploymentRecord } from "./deployment.js";
import { purposeHash } from "./grants.js";

const DAY = 86_400n;
const PURPOSES = ["onboarding", "aml.monitoring", "travel-rule", ""].map(purposeHash);

/** A deterministic pseudo-random generator, so a demo is the same every time. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoSummary {
  grants: number;
  revoked: number;
  released: number;
  replaced: number;
  extended: number;
  issuers: number;
}

export async function seedDemo(
  ethers: HardhatEthers,
  record: DeploymentRecord,
  log: (line: string) => void = () => {},
): Promise<DemoSummary> {
  const signers = await ethers.getSigners();
  const registrar = signers[1]!;
  const owners = signers.slice(5, 15);
  const grantees = signers.slice(15, 18);
  const grants = await ethers.getContractAt("AccessGrants", record.contracts.AccessGrants!.address);
  const registry = await ethers.getContractAt(
    "IssuerRegistry",
    record.contracts.IssuerRegistry!.address,
  );
  const provider = ethers.provider;
  const random = prng(42);
  const summary: DemoSummary = {
    grants: 0,
    revoked: 0,
    released: 0,
    replaced: 0,
    extended: 0,
    issuers: 0,
  };
  const advance = async (days: bigint) => {
    await provider.send("evm_increaseTime", [Number(days * DAY)]);
    await provider.send("evm_mine", []);
  };
  const now = async () => BigInt((await provider.getBlock("latest"))!.timestamp);

  // Issuers: two more providers, one suspended later.
  const kyc = keccak256(toUtf8Bytes("kyc.basic"));
  const enhanced = keccak256(toUtf8Bytes("kyc.enhanced"));
  const extra = [signers[3]!, signers[4]!];
  for (const [i, s] of extra.entries()) {
    await (
      await registry
        .connect(registrar)
        .addIssuer(
          s.address,
          i === 0 ? [kyc, enhanced] : [kyc],
          i === 0 ? "0x4445" : "0x4652",
          0,
          0,
          keccak256(toBeHex(i + 1, 32)),
        )
    ).wait();
    summary.issuers++;
  }
  log(`demo: ${summary.issuers} more issuers`);

  // Grants in batches, over three simulated months.
  type Live = {
    owner: number;
    grantee: string;
    dataHash: string;
    purpose: string;
    lockedUntil: bigint;
  };
  const live: Live[] = [];
  for (let month = 0; month < 3; month++) {
    const t = await now();
    for (const [o, owner] of owners.entries()) {
      const batch = [];
      for (let k = 0; k < 10; k++) {
        const dataHash = keccak256(toBeHex(month * 100_000 + o * 1000 + k + 1, 32));
        const grantee = grantees[Math.floor(random() * grantees.length)]!.address;
        const purpose = PURPOSES[Math.floor(random() * PURPOSES.length)]!;
        const locked = random() < 0.3;
        const lockedUntil = locked ? t + BigInt(30 + Math.floor(random() * 365)) * DAY : 0n;
        const expiresAt =
          random() < 0.3
            ? (locked ? lockedUntil : t) + BigInt(10 + Math.floor(random() * 200)) * DAY
            : 0n;
        batch.push({ grantee, dataHash, purpose, lockedUntil, expiresAt });
        live.push({ owner: o, grantee, dataHash, purpose, lockedUntil });
      }
      await (await grants.connect(owner).grantBatch(batch)).wait();
      summary.grants += batch.length;
    }
    log(`demo: month ${month + 1}: ${summary.grants} grants so far`);
    await advance(30n);

    // Some owners revoke what is no longer locked; some grantees release; some rectify.
    const t2 = await now();
    for (const g of live.splice(0, live.length)) {
      const r = random();
      const owner = owners[g.owner]!;
      const key = { grantee: g.grantee, dataHash: g.dataHash, purpose: g.purpose };
      try {
        if (r < 0.15 && g.lockedUntil <= t2) {
          await (await grants.connect(owner).revoke(key)).wait();
          summary.revoked++;
        } else if (r < 0.2) {
          const grantee = grantees.find((s) => s.address === g.grantee)!;
          await (
            await grants.connect(grantee).release(owner.address, g.dataHash, g.purpose)
          ).wait();
          summary.released++;
        } else if (r < 0.25) {
          const corrected = keccak256(toUtf8Bytes(`${g.dataHash}-corrected`));
          await (await grants.connect(owner).replace(key, corrected, g.lockedUntil, 0n)).wait();
          summary.replaced++;
        } else if (r < 0.3) {
          await (await grants.connect(owner).extendLock(key, t2 + 400n * DAY)).wait();
          summary.extended++;
        }
      } catch {
        // expired in the meantime, or a lock after the expiry: the demo skips it
      }
    }
  }
  await (await registry.connect(registrar).suspendIssuer(extra[1]!.address)).wait();
  log(
    `demo: ${summary.grants} grants, ${summary.revoked} revoked, ${summary.released} released, ${summary.replaced} replaced, ${summary.extended} locks extended; one issuer suspended`,
  );
  return summary;
}
