/**
 * The fuzz suite's chain data: a few dozen grants and issuer keys in every state (locked, expiring,
 * expired, revoked, released, replaced; suspended, removed, retyped, out of validity), sent two
 * blocks' worth at a time, then a time jump; and the values the generators use as known ones.
 */
import { expect } from "chai";
import { getAddress, keccak256, toQuantity, toUtf8Bytes } from "ethers";

import { deployConfig } from "../../../deploy.config.js";
import { jurisdictionCode, typeId } from "../../../scripts/lib/deployment.js";
import { computeGrantId, purposeHash } from "../../../scripts/lib/grants.js";
import type { IndexerStack } from "../../../scripts/lib/harness/indexer.js";
import {
  AccessGrants__factory,
  IssuerRegistry__factory,
} from "../../../types/ethers-contracts/index.js";

interface Tx {
  from: string;
  to: string;
  data: string;
}

export interface Seeded {
  grantsAddress: string;
  registryAddress: string;
  owners: string[];
  grantees: string[];
  grantIds: string[];
  dataHashes: string[];
  purposes: string[];
  issuers: string[];
  blocks: number[];
  times: bigint[];
  headTime: bigint;
}

export const PURPOSE_LABELS = ["onboarding", "aml-check", "", "marketing"];
/** The credential types the deploy registers (the harness deploys deploy.config.ts's local entry). */
export const TYPE_LABELS = deployConfig.localhost!.credentialTypes;
const DAY = 86_400n;
const MAX_U64 = 2n ** 64n - 1n;

/** Sends `txs` into one block (automine off), mines until all are in, checks every receipt. */
async function mineTogether(stack: IndexerStack, txs: Tx[]): Promise<number> {
  const provider = stack.node.provider;
  await provider.send("evm_setAutomine", [false]);
  const hashes: string[] = [];
  try {
    for (const tx of txs)
      hashes.push(
        (await provider.send("eth_sendTransaction", [
          { ...tx, gas: toQuantity(3_000_000) },
        ])) as string,
      );
    for (let i = 0; i < 20; i++) {
      await provider.send("evm_mine", []);
      const pending = (await provider.send("eth_getBlockByNumber", ["pending", false])) as {
        transactions: string[];
      } | null;
      if (!pending || pending.transactions.length === 0) break;
    }
  } finally {
    await provider.send("evm_setAutomine", [true]);
  }
  let last = 0;
  for (const hash of hashes) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (!receipt || receipt.status !== 1) throw new Error(`seed transaction ${hash} failed`);
    last = Math.max(last, receipt.blockNumber);
  }
  return last;
}

export async function seed(stack: IndexerStack): Promise<Seeded> {
  const provider = stack.node.provider;
  const accounts = ((await provider.send("eth_accounts", [])) as string[]).map((a) =>
    getAddress(a),
  );
  const grantsAddress = stack.record.contracts.AccessGrants!.address;
  const registryAddress = stack.record.contracts.IssuerRegistry!.address;
  const g = AccessGrants__factory.createInterface();
  const r = IssuerRegistry__factory.createInterface();
  const registrar = accounts[1]!;
  const owners = accounts.slice(3, 7);
  const grantees = accounts.slice(7, 11);
  const latest = (await provider.send("eth_getBlockByNumber", ["latest", false])) as {
    timestamp: string;
  };
  const t = BigInt(latest.timestamp);

  // Block A: 40 grants in every lock/expiry shape, 24 issuer keys.
  interface Made {
    owner: string;
    grantee: string;
    dataHash: string;
    purpose: string;
  }
  const made: Made[][] = [];
  const txsA: Tx[] = [];
  owners.forEach((owner, i) => {
    const row: Made[] = [];
    const params = [];
    for (let k = 0; k < 10; k++) {
      const key = {
        owner,
        grantee: grantees[(i + k) % grantees.length]!,
        dataHash: keccak256(toUtf8Bytes(`fuzz-${i}-${k}`)),
        purpose: purposeHash(PURPOSE_LABELS[k % PURPOSE_LABELS.length]!),
      };
      row.push(key);
      const [lockedUntil, expiresAt] = (
        [
          [0n, 0n],
          [t + 30n * DAY, 0n],
          [0n, t + 365n * DAY],
          [0n, t + 120n], // expired after the time jump below
          // The contract takes any uint64 lock: "locked for ever" is a valid grant.
          i === 0 ? [MAX_U64, 0n] : [t + 10n * DAY, 0n],
          [t + 7n * DAY, t + 8n * DAY],
          [0n, 0n],
          [0n, 0n],
          [0n, 0n],
          [0n, 0n],
        ] as const
      )[k]!;
      params.push({
        grantee: key.grantee,
        dataHash: key.dataHash,
        purpose: key.purpose,
        lockedUntil,
        expiresAt,
      });
    }
    made.push(row);
    txsA.push({
      from: owner,
      to: grantsAddress,
      data: g.encodeFunctionData("grantBatch", [params]),
    });
  });
  const issuers = Array.from({ length: 24 }, (_, i) =>
    getAddress(keccak256(toUtf8Bytes(`fuzz-issuer-${i}`)).slice(0, 42)),
  );
  issuers.forEach((key, i) => {
    const types = TYPE_LABELS.filter((_, b) => ((i + 1) >> b) & 1).map(typeId);
    const window: [bigint, bigint] = [
      [0n, 0n],
      [t - DAY, t + DAY],
      [t + 30n * DAY, 0n],
      [0n, t + 365n * DAY],
    ][i % 4] as [bigint, bigint];
    txsA.push({
      from: registrar,
      to: registryAddress,
      data: r.encodeFunctionData("addIssuer", [
        key,
        types,
        jurisdictionCode(["CH", "DE", "US", ""][i % 4]!),
        window[0],
        window[1],
        keccak256(toUtf8Bytes(`fuzz-issuer-meta-${i}`)),
      ]),
    });
  });
  const blockA = await mineTogether(stack, txsA);

  // Block B: revoke, release, extend, replace; suspend, remove, retype, revalidate.
  const txsB: Tx[] = [];
  const replacements: string[] = [];
  made.forEach((row, i) => {
    const owner = owners[i]!;
    const keyOf = (m: Made) => ({ grantee: m.grantee, dataHash: m.dataHash, purpose: m.purpose });
    txsB.push({
      from: owner,
      to: grantsAddress,
      data: g.encodeFunctionData("revoke", [keyOf(row[6]!)]),
    });
    txsB.push({
      from: row[7]!.grantee,
      to: grantsAddress,
      data: g.encodeFunctionData("release", [owner, row[7]!.dataHash, row[7]!.purpose]),
    });
    txsB.push({
      from: owner,
      to: grantsAddress,
      data: g.encodeFunctionData("extendLock", [keyOf(row[8]!), t + 60n * DAY]),
    });
    const newDataHash = keccak256(toUtf8Bytes(`fuzz-${i}-9-new`));
    replacements.push(
      computeGrantId({
        owner,
        grantee: row[9]!.grantee,
        dataHash: newDataHash,
        purpose: row[9]!.purpose,
      }),
    );
    txsB.push({
      from: owner,
      to: grantsAddress,
      data: g.encodeFunctionData("replace", [keyOf(row[9]!), newDataHash, 0n, 0n]),
    });
  });
  for (const key of issuers.slice(0, 3))
    txsB.push({
      from: registrar,
      to: registryAddress,
      data: r.encodeFunctionData("suspendIssuer", [key]),
    });
  for (const key of issuers.slice(3, 5))
    txsB.push({
      from: registrar,
      to: registryAddress,
      data: r.encodeFunctionData("removeIssuer", [key]),
    });
  txsB.push({
    from: registrar,
    to: registryAddress,
    data: r.encodeFunctionData("setIssuerTypes", [issuers[6]!, [typeId("kyc.enhanced")]]),
  });
  txsB.push({
    from: registrar,
    to: registryAddress,
    data: r.encodeFunctionData("setIssuerValidity", [issuers[7]!, t - 10n * DAY, t - DAY]),
  });
  const blockB = await mineTogether(stack, txsB);

  // Time runs on: the 120-second grants expire (an expiry has no event).
  await provider.send("evm_increaseTime", [toQuantity(600)]);
  await provider.send("evm_mine", []);

  const blocks: number[] = [];
  const times: bigint[] = [];
  const head = Number(await provider.send("eth_blockNumber", []));
  for (let n = 0; n <= head; n++) {
    const b = (await provider.send("eth_getBlockByNumber", [toQuantity(n), false])) as {
      timestamp: string;
    };
    blocks.push(n);
    times.push(BigInt(b.timestamp));
  }
  expect(blockB).to.be.greaterThan(blockA);
  const grantIds = made
    .flat()
    .map((m) => computeGrantId(m))
    .concat(replacements);
  return {
    grantsAddress: grantsAddress.toLowerCase(),
    registryAddress: registryAddress.toLowerCase(),
    owners,
    grantees,
    grantIds,
    dataHashes: made.flat().map((m) => m.dataHash),
    purposes: [...new Set(made.flat().map((m) => m.purpose))],
    issuers: [...issuers, accounts[2]!],
    blocks,
    times,
    headTime: times[times.length - 1]!,
  };
}
