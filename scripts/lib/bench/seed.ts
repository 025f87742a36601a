/**
 * The API benchmark's data (`npm run bench:api`): `count` grants from 10 owners to 5 grantees, 500 per
 * `grantBatch` transaction (100,000 grants are 200 transactions), a few revoked in every fourth
 * batch, and 20 issuer keys. Every grant's id, owner and grantee is kept, so that the benchmark can
 * draw keys uniformly over all of them.
 */
import { getAddress, keccak256, toBeHex } from "ethers";
import { network } from "hardhat";

import { jurisdictionCode, typeId } from "../deployment.js";
import { computeGrantId, purposeHash } from "../grants.js";
import type { IndexerStack } from "../harness/indexer.js";

const PER_TX = 500;
const DAY = 86_400n;
const PURPOSES = ["onboarding", "aml-check", "marketing"];
const TYPES = ["kyc.basic", "kyc.enhanced", "aml.screening"];

export interface Seeded {
  /** Every grant's id (lower-case hex), in the order they were granted. */
  ids: string[];
  /** Index into `owners` / `grantees` of each grant in `ids`. */
  ownerOf: Uint8Array;
  granteeOf: Uint8Array;
  /** Lower-case addresses (as the API answers them). */
  owners: string[];
  grantees: string[];
  issuers: string[];
  /** The AccessGrants contract, lower-case: part of each grant's row id (the API's cursor). */
  contract: string;
  midBlock: number;
  midTime: bigint;
  seconds: number;
}

/** The database row id of grant `i` (`${chainId}-${contract}-${grantId}`), what a cursor encodes. */
export function rowId(s: Seeded, chainId: number, i: number): string {
  return `${chainId}-${s.contract}-${s.ids[i]}`;
}

/** Seeds `count` grants and 20 issuer keys through the stack's node. */
export async function seed(stack: IndexerStack, count: number): Promise<Seeded> {
  const t0 = performance.now();
  const connection = await network.create({
    network: "localhost",
    override: { url: stack.node.url },
  });
  try {
    const { ethers } = connection;
    const signers = await ethers.getSigners();
    const address = stack.record.contracts.AccessGrants!.address;
    const grants = await ethers.getContractAt("AccessGrants", address);
    const owners = signers.slice(5, 15);
    const grantees = signers.slice(15, 20).map((s) => s.address);
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const ids: string[] = [];
    const ownerOf = new Uint8Array(count);
    const granteeOf = new Uint8Array(count);
    let midBlock = 0;
    let midTime = 0n;
    const batches = Math.ceil(count / PER_TX);
    for (let b = 0; b < batches; b++) {
      const o = b % owners.length;
      const owner = owners[o]!;
      const params = Array.from({ length: Math.min(PER_TX, count - b * PER_TX) }, (_, k) => {
        const n = b * PER_TX + k;
        granteeOf[n] = (b + k) % grantees.length;
        ownerOf[n] = o;
        return {
          grantee: grantees[granteeOf[n]]!,
          dataHash: keccak256(toBeHex(n + 1, 32)),
          purpose: purposeHash(PURPOSES[k % PURPOSES.length]!),
          // Every tenth grant is under a retention lock, every seventh expires in a year.
          lockedUntil: k % 10 === 0 ? now + 30n * DAY : 0n,
          expiresAt: k % 7 === 0 ? now + 365n * DAY : 0n,
        };
      });
      const receipt = await (
        await grants.connect(owner).grantBatch(params, { gasLimit: 16_000_000 })
      ).wait();
      if (b === Math.floor(batches / 2) && receipt) {
        midBlock = receipt.blockNumber;
        midTime = BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
      }
      for (const p of params)
        ids.push(computeGrantId({ owner: owner.address, ...p }).toLowerCase());
      // Some history: revoke a few unlocked grants of every fourth batch.
      if (b % 4 === 0) {
        const keys = params
          .filter((_, k) => k % 10 === 3)
          .slice(0, 40)
          .map((p) => ({ grantee: p.grantee, dataHash: p.dataHash, purpose: p.purpose }));
        await (await grants.connect(owner).revokeBatch(keys, { gasLimit: 8_000_000 })).wait();
      }
    }
    const issuers = await addIssuers(connection, stack, signers[1]!);
    return {
      ids,
      ownerOf,
      granteeOf,
      owners: owners.map((o) => o.address.toLowerCase()),
      grantees: grantees.map((g) => g.toLowerCase()),
      issuers,
      contract: address.toLowerCase(),
      midBlock,
      midTime,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await connection.close();
  }
}

type Connection = Awaited<ReturnType<typeof network.create>>;
type Signer = Awaited<ReturnType<Connection["ethers"]["getSigners"]>>[number];

/** 20 issuer keys with varied credential types and jurisdictions. */
async function addIssuers(
  connection: Connection,
  stack: IndexerStack,
  registrar: Signer,
): Promise<string[]> {
  const registry = await connection.ethers.getContractAt(
    "IssuerRegistry",
    stack.record.contracts.IssuerRegistry!.address,
  );
  const issuers: string[] = [];
  for (let i = 0; i < 20; i++) {
    const key = getAddress(keccak256(toBeHex(1_000_000 + i, 32)).slice(0, 42));
    issuers.push(key);
    await (
      await registry
        .connect(registrar)
        .addIssuer(
          key,
          TYPES.filter((_, bit) => ((i + 1) >> bit) & 1).map(typeId),
          jurisdictionCode(["CH", "DE", "US", ""][i % 4]!),
          0,
          0,
          keccak256(toBeHex(2_000_000 + i, 32)),
        )
    ).wait();
  }
  return issuers;
}
