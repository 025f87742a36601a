/**
 * Gas measurements of every AccessGrants operation, as transactions (receipt gas, 21,000 base and
 * calldata included). Shared by `npm run bench:gas` (prints the table, writes the snapshot) and by
 * the snapshot test (fails when an operation costs more than 1% over the committed snapshot).
 */
import { readFileSync, writeFileSync } from "node:fs";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { Wallet, keccak256, toBeHex, toUtf8Bytes, type ContractTransactionResponse } from "ethers";

import { grantsDomain, purposeHash, signRequest } from "./grants.js";
import { registryDomain, signReceipt } from "./receipts.js";

export const GAS_SNAPSHOT_PATH = new URL("../../gas-snapshot.json", import.meta.url);

/** One measured operation: its gas, the physical floor it is compared with, and a peer's cost. */
export interface GasRow {
  op: string;
  gas: number;
  /** The floor from shared research (A1.2), or null where none is published. */
  floor: number | null;
  /** Target ratio to the floor (1.10 = within 10%), or null. */
  target: number | null;
  /** The cost of the comparable operation in a peer, for scale. */
  peer: { name: string; gas: number } | null;
}

const IDOS_INSERT = { name: "idOS insertGrant", gas: 286_000 };
const EAS_ATTEST = { name: "EAS attest", gas: 169_000 };
const EAS_REVOKE = { name: "EAS revoke", gas: 44_000 };
const EAS_DELEGATED = { name: "EAS attestByDelegation", gas: 179_000 };
const T_REX_ADD = { name: "ERC-3643 addTrustedIssuer", gas: 124_000 };
const T_REX_TOPIC = { name: "ERC-3643 + 1 claim topic", gas: 49_000 };

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was dropped");
  return Number(receipt.gasUsed);
}

function dataHash(i: number): string {
  return keccak256(toBeHex(i + 1, 32));
}

/**
 * Deploys a fresh AccessGrants and measures each operation once, each on fresh (cold) slots.
 * Deterministic: same code and compiler settings give the same numbers.
 */
export async function measureGas(
  ethers: HardhatEthers,
  helpers: NetworkHelpers,
): Promise<GasRow[]> {
  const [owner, grantee, relayer] = await ethers.getSigners();
  if (!owner || !grantee || !relayer) throw new Error("need three accounts");
  const grants = await ethers.deployContract("AccessGrants");
  const probe = await ethers.deployContract("GasProbe");
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = grantsDomain(chainId, await grants.getAddress());
  const purpose = purposeHash("onboarding");
  const now = BigInt(await helpers.time.latest());
  const lockedUntil = now + 86_400n * 365n;
  const expiresAt = lockedUntil + 86_400n * 365n;
  const p = (i: number, lock = lockedUntil) => ({
    grantee: grantee.address,
    dataHash: dataHash(i),
    purpose,
    lockedUntil: lock,
    expiresAt,
  });
  const k = (i: number) => ({ grantee: grantee.address, dataHash: dataHash(i), purpose });
  const rows: GasRow[] = [];
  const row = (
    op: string,
    gas: number,
    floor: number | null,
    target: number | null,
    peer: GasRow["peer"],
  ) => rows.push({ op, gas, floor, target, peer });

  row("grant (locked, expiring)", await gasOf(grants.grant(p(0))), 46_400, 1.1, IDOS_INSERT);

  const signed = async (i: number, nonce: bigint) => {
    const params = p(i);
    const deadline = now + 3_600n;
    const signature = await signRequest(owner, domain, "Grant", {
      owner: owner.address,
      ...params,
      nonce,
      deadline,
    });
    return gasOf(
      grants
        .connect(relayer)
        .grantBySignature(owner.address, params, { nonce, deadline, signature }),
    );
  };
  row("grantBySignature, first nonce of a word", await signed(1, 0n), 73_400, 1.1, EAS_DELEGATED);
  row("grantBySignature, later nonce", await signed(2, 1n), 56_000, 1.1, EAS_DELEGATED);

  await gasOf(grants.grant(p(3, 0n)));
  row("revoke", await gasOf(grants.revoke(k(3))), 29_000, 1.1, EAS_REVOKE);

  row(
    "release (by grantee)",
    await gasOf(grants.connect(grantee).release(owner.address, dataHash(0), purpose)),
    29_000,
    1.1,
    EAS_REVOKE,
  );

  await gasOf(grants.grant(p(4)));
  row("extendLock", await gasOf(grants.extendLock(k(4), lockedUntil + 1n)), null, null, null);
  row("extendExpiry", await gasOf(grants.extendExpiry(k(4), expiresAt + 1n)), null, null, null);
  row(
    "replace (rectification)",
    await gasOf(grants.replace(k(4), dataHash(5), lockedUntil + 1n, expiresAt + 1n)),
    null,
    null,
    null,
  );

  for (const [n, floor] of [
    [10, 27_700],
    [50, 26_000],
  ] as const) {
    const base = 1_000 * n;
    const batch = Array.from({ length: n }, (_, i) => p(base + i));
    const gas = await gasOf(grants.grantBatch(batch));
    row(`grantBatch of ${n}, per grant`, Math.round(gas / n), floor, 1.1, IDOS_INSERT);
  }
  {
    const keys = Array.from({ length: 10 }, (_, i) => k(200_000 + i));
    await gasOf(grants.grantBatch(keys.map((key) => ({ ...key, lockedUntil: 0n, expiresAt }))));
    const gas = await gasOf(grants.revokeBatch(keys));
    row("revokeBatch of 10, per revoke", Math.round(gas / 10), null, null, EAS_REVOKE);
  }

  // A view as a dApp contract pays for it: a cold call and cold slots inside a transaction.
  const measured = async (tx: Promise<ContractTransactionResponse>): Promise<number> => {
    const receipt = await (await tx).wait();
    const log = receipt?.logs
      .map((l) => probe.interface.parseLog(l))
      .find((parsed) => parsed?.name === "Measured");
    if (!log || log.args.result !== true) throw new Error("the probed view returned false");
    return Number(log.args.gasUsed);
  };
  await gasOf(grants.grant(p(20)));
  const grantsAddress = await grants.getAddress();
  row(
    "isGranted from a contract (cold)",
    await measured(
      probe.checkGrant(grantsAddress, owner.address, grantee.address, dataHash(20), purpose),
    ),
    5_000,
    1.1,
    null,
  );

  // IssuerRegistry: governance and trust lookups.
  const registry = await ethers.deployContract("IssuerRegistry", [
    3n * 86_400n,
    owner.address,
    [],
    [],
    [],
  ]);
  const registryAddress = await registry.getAddress();
  await gasOf(registry.grantRole(await registry.REGISTRAR_ROLE(), owner.address));
  const kyc = keccak256(toUtf8Bytes("kyc.basic"));
  const aml = keccak256(toUtf8Bytes("aml.screening"));
  await gasOf(registry.registerCredentialType(kyc));
  await gasOf(registry.registerCredentialType(aml));
  const [issuer, issuer2, newKey] = [
    Wallet.createRandom(),
    Wallet.createRandom(),
    Wallet.createRandom(),
  ];
  const meta = keccak256(toUtf8Bytes("issuer metadata"));
  row(
    "addIssuer with one type",
    await gasOf(registry.addIssuer(issuer.address, [kyc], "0x4348", 0n, 0n, meta)),
    70_000,
    1.15,
    T_REX_ADD,
  );
  await gasOf(registry.addIssuer(issuer2.address, [kyc], "0x4348", 0n, 0n, meta));
  row("suspendIssuer", await gasOf(registry.suspendIssuer(issuer2.address)), null, null, null);
  row(
    "setIssuerTypes (two types)",
    await gasOf(registry.setIssuerTypes(issuer.address, [kyc, aml])),
    null,
    null,
    T_REX_TOPIC,
  );
  const beforeRotation = BigInt(await helpers.time.latest());
  const funded = issuer.connect(ethers.provider);
  await (await owner.sendTransaction({ to: issuer.address, value: 10n ** 17n })).wait();
  row(
    "rotateKey (by the issuer)",
    await gasOf(registry.connect(funded).rotateKey(newKey.address)),
    null,
    null,
    null,
  );
  await helpers.time.increase(60);
  row(
    "isTrusted from a contract (cold)",
    await measured(probe.checkTrusted(registryAddress, newKey.address, kyc)),
    null,
    null,
    null,
  );
  row(
    "wasTrusted from a contract (cold, old key)",
    await measured(probe.checkWasTrusted(registryAddress, issuer.address, kyc, beforeRotation)),
    null,
    null,
    null,
  );

  // GrantGate through the example vault: a user deposits with a grant, then with a grant and a receipt.
  const vault = await ethers.deployContract("KycVault", [
    grantsAddress,
    registryAddress,
    grantee.address,
  ]);
  const onboarding = purposeHash("onboarding");
  const userData = dataHash(30);
  await gasOf(
    grants.grant({
      grantee: grantee.address,
      dataHash: userData,
      purpose: onboarding,
      lockedUntil: 0n,
      expiresAt: 0n,
    }),
  );
  row(
    "gated deposit, grant only",
    await gasOf(vault.depositGrantOnly(userData, { value: 1n })),
    null,
    null,
    null,
  );
  const now2 = BigInt(await helpers.time.latest());
  const receipt = {
    issuer: newKey.address,
    owner: owner.address,
    dataHash: userData,
    credentialType: kyc,
    issuedAt: now2,
    validUntil: now2 + 86_400n * 365n,
  };
  const receiptSig = await signReceipt(newKey, registryDomain(chainId, registryAddress), receipt);
  row(
    "gated deposit, grant + issuer receipt",
    await gasOf(vault.deposit(userData, receipt, receiptSig, { value: 1n })),
    null,
    null,
    null,
  );

  return rows;
}

/** Formats rows as a fixed-width table with ratios to the floor and to the peer. */
export function formatGasTable(rows: GasRow[]): string {
  const header = [
    "operation",
    "gas",
    "floor",
    "gas/floor",
    "target",
    "peer",
    "peer gas",
    "peer/ours",
  ];
  const body = rows.map((r) => [
    r.op,
    r.gas.toLocaleString("en-US"),
    r.floor === null ? "-" : r.floor.toLocaleString("en-US"),
    r.floor === null ? "-" : (r.gas / r.floor).toFixed(3),
    r.target === null || r.floor === null
      ? "-"
      : r.gas <= r.floor * r.target
        ? `<=${r.target} ok`
        : `<=${r.target} MISS`,
    r.peer?.name ?? "-",
    r.peer === null ? "-" : r.peer.gas.toLocaleString("en-US"),
    r.peer === null ? "-" : `${(r.peer.gas / r.gas).toFixed(1)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/** The snapshot: operation name to gas. */
export type GasSnapshot = Record<string, number>;

export function readGasSnapshot(): GasSnapshot {
  return JSON.parse(readFileSync(GAS_SNAPSHOT_PATH, "utf8")) as GasSnapshot;
}

export function writeGasSnapshot(rows: GasRow[]): void {
  const snapshot: GasSnapshot = Object.fromEntries(rows.map((r) => [r.op, r.gas]));
  writeFileSync(GAS_SNAPSHOT_PATH, JSON.stringify(snapshot, null, 2) + "\n");
}
