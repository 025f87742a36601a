/**
 * Gas measurements of every AccessGrants and IssuerRegistry operation, as transactions (receipt gas,
 * 21,000 base and calldata included), each beside the physical floor it is compared with. The peers'
 * comparable operations are measured the same way on the same in-process chain by ./gas-peers.ts;
 * the table and the committed snapshot are ./gas-table.ts. Shared by `npm run bench:gas` (prints the
 * table, writes the snapshot) and the snapshot test (fails when one of our operations costs more
 * than 1% over the committed snapshot; it does not measure peers).
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import {
  Wallet,
  keccak256,
  toBeHex,
  toUtf8Bytes,
  type BaseContract,
  type ContractTransactionResponse,
} from "ethers";

import { grantsDomain, purposeHash, signRequest } from "./grants.js";
import { registryDomain, signKeyRotation, signReceipt } from "./receipts.js";

/** A peer's cost for the operation of a row. */
export interface PeerCost {
  peer: "EAS" | "ERC-3643" | "idOS";
  /** The peer's operation, e.g. "attest (64-byte data)". */
  op: string;
  gas: number;
  /** Measured in this run, or an estimate derived from the peer's source (`source` says where). */
  measured: boolean;
  source?: string;
}

/** One measured operation: its gas, the physical floor it is compared with, and the peers' costs. */
export interface GasRow {
  op: string;
  gas: number;
  /** The floor from shared research (A1.2), or null where none is published. */
  floor: number | null;
  /** Target ratio to the floor (1.10 = within 10%), or null. */
  target: number | null;
  peers: PeerCost[];
}

/** idOS AccessGrantsV2 publishes no package: the research note's estimate from its source. */
const IDOS_INSERT: PeerCost = {
  peer: "idOS",
  op: "insertGrant (36-char dataId)",
  gas: 286_000,
  measured: false,
  source:
    "derived from idos-network/idos-access-grants evm/contracts/AccessGrantsV2.sol (research note A1.3: 286k-337k)",
};

export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was dropped");
  return Number(receipt.gasUsed);
}

export function dataHash(i: number): string {
  return keccak256(toBeHex(i + 1, 32));
}

/**
 * The gas a probe contract (GasProbe, GateProbe) reports in its `Measured` event for the call it
 * made in `tx`: a view as a dApp contract pays for it, a cold call and cold slots inside a
 * transaction. `failure` is the error when it measured nothing, or (`mustBeTrue`) the view said no.
 */
export async function probedGas(
  probe: Pick<BaseContract, "interface">,
  tx: Promise<ContractTransactionResponse>,
  failure: string,
  mustBeTrue = true,
): Promise<number> {
  const receipt = await (await tx).wait();
  const log = receipt?.logs
    .map((l) => probe.interface.parseLog(l))
    .find((parsed) => parsed?.name === "Measured");
  if (!log || (mustBeTrue && log.args.result !== true)) throw new Error(failure);
  return Number(log.args.gasUsed);
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
    idos: PeerCost | null = null,
  ) => rows.push({ op, gas, floor, target, peers: idos ? [idos] : [] });

  row("grant (locked, expiring)", await gasOf(grants.grant(p(0))), 46_400, 1.1, IDOS_INSERT);

  const signed = async (i: number, nonce: bigint) => {
    const params = p(i);
    const deadline = now + 3_600n;
    const generation = 0n;
    const signature = await signRequest(owner, domain, "Grant", {
      owner: owner.address,
      ...params,
      generation,
      nonce,
      deadline,
    });
    return gasOf(
      grants
        .connect(relayer)
        .grantBySignature(owner.address, params, { nonce, deadline, signature }),
    );
  };
  row("grantBySignature, first nonce of a word", await signed(1, 0n), 73_400, 1.1);
  row("grantBySignature, later nonce", await signed(2, 1n), 56_000, 1.1);

  await gasOf(grants.grant(p(3, 0n)));
  row("revoke", await gasOf(grants.revoke(k(3))), 29_000, 1.1);

  row(
    "release (by grantee)",
    await gasOf(grants.connect(grantee).release(owner.address, dataHash(0), purpose)),
    29_000,
    1.1,
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
    row("revokeBatch of 10, per revoke", Math.round(gas / 10), null, null);
  }

  // A view as a dApp contract pays for it: a cold call and cold slots inside a transaction.
  const measured = (tx: Promise<ContractTransactionResponse>) =>
    probedGas(probe, tx, "the probed view returned false");
  await gasOf(grants.grant(p(20)));
  const grantsAddress = await grants.getAddress();
  // The four-argument view through a plain Solidity call: compared with the floor, no target (the
  // check a dApp should make is the next row; docs/access-grants.md, "Gas", has the lower bound).
  row(
    "isGranted from a contract (cold)",
    await measured(
      probe.checkGrant(grantsAddress, owner.address, grantee.address, dataHash(20), purpose),
    ),
    5_000,
    null,
    null,
  );
  // What a dApp built on GrantGate pays: the id hashed in the gate, then grantIsActive.
  const gateProbe = await ethers.deployContract("GateProbe", [
    grantsAddress,
    grantsAddress, // any non-zero address: the grant check never calls the registry
    grantee.address,
    purpose,
  ]);
  const gateMeasured = (tx: Promise<ContractTransactionResponse>) =>
    probedGas(gateProbe, tx, "the gate probe measured nothing", false);
  row(
    "grant check from a GrantGate contract (cold)",
    await gateMeasured(gateProbe.checkGrant(owner.address, dataHash(20))),
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
  );
  await gasOf(registry.addIssuer(issuer2.address, [kyc], "0x4348", 0n, 0n, meta));
  row("suspendIssuer", await gasOf(registry.suspendIssuer(issuer2.address)), null, null);
  row("removeIssuer", await gasOf(registry.removeIssuer(issuer2.address)), null, null);
  row(
    "setIssuerTypes (two types)",
    await gasOf(registry.setIssuerTypes(issuer.address, [kyc, aml])),
    null,
    null,
  );
  const beforeRotation = BigInt(await helpers.time.latest());
  const funded = issuer.connect(ethers.provider);
  await (await owner.sendTransaction({ to: issuer.address, value: 10n ** 17n })).wait();
  const rotationDeadline = beforeRotation + 3_600n;
  const proof = await signKeyRotation(newKey, registryDomain(chainId, registryAddress), {
    oldKey: issuer.address,
    newKey: newKey.address,
    deadline: rotationDeadline,
  });
  row(
    "rotateKey (by the issuer)",
    await gasOf(registry.connect(funded).rotateKey(newKey.address, rotationDeadline, proof)),
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
    audience: grantee.address,
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
