/**
 * Gas measurements of every AccessGrants and IssuerRegistry operation, as transactions (receipt gas,
 * 21,000 base and calldata included), and of the peers' comparable operations, measured the same
 * way on the same in-process chain: EAS and the ERC-3643 (T-REX) trusted-issuers registry, deployed
 * from their npm packages' own build artifacts (their compilers and settings). idOS has no npm
 * package: its cost stays an estimate from its source. Shared by `npm run bench:gas` (prints the
 * table, writes the snapshot) and the snapshot test (fails when one of our operations costs more
 * than 1% over the committed snapshot; it does not measure peers).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import {
  AbiCoder,
  Contract,
  ContractFactory,
  Signature,
  Wallet,
  ZeroHash,
  keccak256,
  toBeHex,
  toUtf8Bytes,
  type ContractTransactionResponse,
  type InterfaceAbi,
  type Signer,
} from "ethers";

import { grantsDomain, purposeHash, signRequest } from "./grants.js";
import { registryDomain, signKeyRotation, signReceipt } from "./receipts.js";

export const GAS_SNAPSHOT_PATH = new URL("../../gas-snapshot.json", import.meta.url);

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
  const gateMeasured = async (tx: Promise<ContractTransactionResponse>): Promise<number> => {
    const receipt = await (await tx).wait();
    const log = receipt?.logs
      .map((l) => gateProbe.interface.parseLog(l))
      .find((parsed) => parsed?.name === "Measured");
    if (!log) throw new Error("the gate probe measured nothing");
    return Number(log.args.gasUsed);
  };
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

// ---------------------------------------------------------------- peers, measured

const require = createRequire(import.meta.url);

/** A Hardhat artifact of a peer's npm package: ABI and creation bytecode, as its authors built it. */
function peerArtifact(path: string): { abi: InterfaceAbi; bytecode: string } {
  const artifact = JSON.parse(readFileSync(require.resolve(path), "utf8")) as {
    abi: InterfaceAbi;
    bytecode: string;
  };
  return { abi: artifact.abi, bytecode: artifact.bytecode };
}

async function deployPeer(signer: Signer, path: string, args: unknown[] = []): Promise<Contract> {
  const { abi, bytecode } = peerArtifact(path);
  const contract = await new ContractFactory(abi, bytecode, signer).deploy(...args);
  await contract.waitForDeployment();
  return new Contract(await contract.getAddress(), abi, signer);
}

const EAS_PATH = "@ethereum-attestation-service/eas-contracts/artifacts/contracts";
const TREX_PATH = "@tokenysolutions/t-rex/artifacts/contracts";

/**
 * Deploys EAS (SchemaRegistry + EAS) and the ERC-3643 trusted-issuers registry (implementation,
 * TREXImplementationAuthority, TrustedIssuersRegistryProxy: the way T-REX deploys it) and measures
 * the operations comparable with ours, as transactions like ours. Returns the costs by our row name.
 *
 * Comparisons, so that the numbers mean the same thing: an EAS attestation of the same grant
 * (recipient = grantee, data = abi.encode(dataHash, purpose), expiring, revocable, no resolver);
 * a T-REX trusted issuer with one or two claim topics; a view called from a contract, cold.
 */
export async function measurePeers(
  ethers: HardhatEthers,
  helpers: NetworkHelpers,
): Promise<Record<string, PeerCost[]>> {
  const [owner, grantee, relayer] = await ethers.getSigners();
  if (!owner || !grantee || !relayer) throw new Error("need three accounts");
  const out: Record<string, PeerCost[]> = {};
  const add = (row: string, cost: Omit<PeerCost, "measured">) =>
    (out[row] ??= []).push({ ...cost, measured: true });
  const probe = await ethers.deployContract("GasProbe");
  const staticGas = async (target: string, data: string): Promise<number> => {
    const receipt = await (await probe.measureStaticcall(target, data)).wait();
    const log = receipt?.logs
      .map((l) => probe.interface.parseLog(l))
      .find((parsed) => parsed?.name === "Measured");
    if (!log || log.args.result !== true) throw new Error("the peer's view returned false");
    return Number(log.args.gasUsed);
  };

  // ---- EAS 1.4 (npm @ethereum-attestation-service/eas-contracts)
  const schemas = await deployPeer(owner, `${EAS_PATH}/SchemaRegistry.sol/SchemaRegistry.json`);
  const eas = await deployPeer(owner, `${EAS_PATH}/EAS.sol/EAS.json`, [await schemas.getAddress()]);
  const easAddress = await eas.getAddress();
  const schemaTx = await schemas.getFunction("register")(
    "bytes32 dataHash,bytes32 purpose",
    "0x0000000000000000000000000000000000000000",
    true,
  );
  const schemaReceipt = await schemaTx.wait();
  const schemaUid = schemas.interface.parseLog(schemaReceipt!.logs[0]!)!.args.uid as string;
  const purpose = purposeHash("onboarding");
  const now = BigInt(await helpers.time.latest());
  const expirationTime = now + 2n * 365n * 86_400n;
  const abi = AbiCoder.defaultAbiCoder();
  const request = (i: number) => ({
    recipient: grantee.address,
    expirationTime,
    revocable: true,
    refUID: ZeroHash,
    data: abi.encode(["bytes32", "bytes32"], [dataHash(500_000 + i), purpose]),
    value: 0n,
  });
  const uidsOf = async (tx: Promise<ContractTransactionResponse>) => {
    const receipt = await (await tx).wait();
    const uids = receipt!.logs
      .map((l) => eas.interface.parseLog(l))
      .filter((parsed) => parsed?.name === "Attested")
      .map((parsed) => parsed!.args.uid as string);
    return { gas: Number(receipt!.gasUsed), uids };
  };
  await uidsOf(eas.getFunction("attest")({ schema: schemaUid, data: request(0) }));
  const attest = await uidsOf(eas.getFunction("attest")({ schema: schemaUid, data: request(1) }));
  add("grant (locked, expiring)", { peer: "EAS", op: "attest", gas: attest.gas });

  // Delegated: the attester signs EIP-712 Attest; a relayer submits (sequential nonce, 0 -> 1 first).
  const [, name, version] = (await eas.getFunction("eip712Domain")()) as [string, string, string];
  const easDomain = {
    name,
    version,
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: easAddress,
  };
  const attestTypes = {
    Attest: [
      { name: "attester", type: "address" },
      { name: "schema", type: "bytes32" },
      { name: "recipient", type: "address" },
      { name: "expirationTime", type: "uint64" },
      { name: "revocable", type: "bool" },
      { name: "refUID", type: "bytes32" },
      { name: "data", type: "bytes" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint64" },
    ],
  };
  const delegated = async (i: number) => {
    const data = request(i);
    const nonce = (await eas.getFunction("getNonce")(owner.address)) as bigint;
    const deadline = now + 3_600n;
    const sig = Signature.from(
      await owner.signTypedData(easDomain, attestTypes, {
        attester: owner.address,
        schema: schemaUid,
        ...data,
        nonce,
        deadline,
      }),
    );
    return (
      await uidsOf(
        (eas.connect(relayer) as Contract).getFunction("attestByDelegation")({
          schema: schemaUid,
          data,
          signature: { v: sig.v, r: sig.r, s: sig.s },
          attester: owner.address,
          deadline,
        }),
      )
    ).gas;
  };
  add("grantBySignature, first nonce of a word", {
    peer: "EAS",
    op: "attestByDelegation, first nonce",
    gas: await delegated(2),
  });
  add("grantBySignature, later nonce", {
    peer: "EAS",
    op: "attestByDelegation, later nonce",
    gas: await delegated(3),
  });

  const revocation = (uid: string) => ({ schema: schemaUid, data: { uid, value: 0n } });
  const revoked = await (await eas.getFunction("revoke")(revocation(attest.uids[0]!))).wait();
  add("revoke", { peer: "EAS", op: "revoke", gas: Number(revoked!.gasUsed) });
  add("release (by grantee)", {
    peer: "EAS",
    op: "revoke (EAS has no recipient-side end)",
    gas: Number(revoked!.gasUsed),
  });

  for (const n of [10, 50]) {
    const batch = await uidsOf(
      eas.getFunction("multiAttest")([
        { schema: schemaUid, data: Array.from({ length: n }, (_, i) => request(1_000 * n + i)) },
      ]),
    );
    add(`grantBatch of ${n}, per grant`, {
      peer: "EAS",
      op: `multiAttest of ${n}, per item`,
      gas: Math.round(batch.gas / n),
    });
    if (n === 10) {
      const multiRevoked = await (
        await eas.getFunction("multiRevoke")([
          { schema: schemaUid, data: batch.uids.map((uid) => ({ uid, value: 0n })) },
        ])
      ).wait();
      add("revokeBatch of 10, per revoke", {
        peer: "EAS",
        op: "multiRevoke of 10, per item",
        gas: Math.round(Number(multiRevoked!.gasUsed) / 10),
      });
    }
  }
  const live = await uidsOf(eas.getFunction("attest")({ schema: schemaUid, data: request(9) }));
  const getAttestation = eas.interface.encodeFunctionData("getAttestation", [live.uids[0]!]);
  const viewGas = await staticGas(easAddress, getAttestation);
  for (const row of [
    "isGranted from a contract (cold)",
    "grant check from a GrantGate contract (cold)",
  ])
    add(row, { peer: "EAS", op: "getAttestation from a contract (cold)", gas: viewGas });

  // ---- ERC-3643 T-REX 4.1 (npm @tokenysolutions/t-rex): implementation behind its proxy.
  const tirImplementation = await deployPeer(
    owner,
    `${TREX_PATH}/registry/implementation/TrustedIssuersRegistry.sol/TrustedIssuersRegistry.json`,
  );
  const authority = await deployPeer(
    owner,
    `${TREX_PATH}/proxy/authority/TREXImplementationAuthority.sol/TREXImplementationAuthority.json`,
    [
      true,
      "0x0000000000000000000000000000000000000000",
      "0x0000000000000000000000000000000000000000",
    ],
  );
  // Only the trusted-issuers implementation is used; the authority wants every slot non-zero.
  const impl = await tirImplementation.getAddress();
  await (
    await authority.getFunction("addAndUseTREXVersion")(
      { major: 4, minor: 1, patch: 6 },
      {
        tokenImplementation: impl,
        ctrImplementation: impl,
        irImplementation: impl,
        irsImplementation: impl,
        tirImplementation: impl,
        mcImplementation: impl,
      },
    )
  ).wait();
  const proxy = await deployPeer(
    owner,
    `${TREX_PATH}/proxy/TrustedIssuersRegistryProxy.sol/TrustedIssuersRegistryProxy.json`,
    [await authority.getAddress()],
  );
  const tir = new Contract(await proxy.getAddress(), tirImplementation.interface, owner);
  const [trustedIssuer, trustedIssuer2] = [Wallet.createRandom(), Wallet.createRandom()];
  const gasOfTx = async (tx: Promise<ContractTransactionResponse>) =>
    Number((await (await tx).wait())!.gasUsed);
  add("addIssuer with one type", {
    peer: "ERC-3643",
    op: "addTrustedIssuer, 1 claim topic (first issuer, via proxy)",
    gas: await gasOfTx(tir.getFunction("addTrustedIssuer")(trustedIssuer.address, [1n])),
  });
  await gasOfTx(tir.getFunction("addTrustedIssuer")(trustedIssuer2.address, [1n]));
  add("setIssuerTypes (two types)", {
    peer: "ERC-3643",
    op: "updateIssuerClaimTopics to 2 topics",
    gas: await gasOfTx(tir.getFunction("updateIssuerClaimTopics")(trustedIssuer.address, [1n, 2n])),
  });
  add("isTrusted from a contract (cold)", {
    peer: "ERC-3643",
    op: "hasClaimTopic from a contract (cold, via proxy)",
    gas: await staticGas(
      await tir.getAddress(),
      tir.interface.encodeFunctionData("hasClaimTopic", [trustedIssuer.address, 2n]),
    ),
  });
  add("removeIssuer", {
    peer: "ERC-3643",
    op: "removeTrustedIssuer (2 issuers listed)",
    gas: await gasOfTx(tir.getFunction("removeTrustedIssuer")(trustedIssuer2.address)),
  });
  return out;
}

/** Our rows with the peers' measured costs added beside the estimates they already carry. */
export function withPeers(rows: GasRow[], peers: Record<string, PeerCost[]>): GasRow[] {
  return rows.map((r) => ({ ...r, peers: [...(peers[r.op] ?? []), ...r.peers] }));
}

const PEER_COLUMNS = [
  ["EAS", "EAS (measured)"],
  ["ERC-3643", "ERC-3643 (measured)"],
  ["idOS", "idOS (estimate)"],
] as const;

/** Formats rows as a fixed-width table with ratios to the floor and each peer's cost (peer/ours). */
export function formatGasTable(rows: GasRow[]): string {
  const header = [
    "operation",
    "gas",
    "floor",
    "gas/floor",
    "target",
    ...PEER_COLUMNS.map(([, title]) => title),
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
    ...PEER_COLUMNS.map(([peer]) => {
      const cost = r.peers.find((c) => c.peer === peer);
      return cost ? `${cost.gas.toLocaleString("en-US")} (${(cost.gas / r.gas).toFixed(1)}x)` : "-";
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/** One line per peer cost in the table: which of the peer's operations it is, and its source. */
export function formatPeerLegend(rows: GasRow[]): string {
  const lines: string[] = [];
  for (const r of rows)
    for (const c of r.peers)
      lines.push(
        `${r.op}: ${c.peer} ${c.op}${c.measured ? "" : `, estimate ${c.source ?? "from its source"}`}`,
      );
  return lines.join("\n");
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
