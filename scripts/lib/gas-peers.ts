/**
 * The peers' costs for the operations of ./gas.ts, measured the same way (as transactions, on the
 * same in-process chain): EAS and the ERC-3643 (T-REX) trusted-issuers registry, deployed from
 * their npm packages' own build artifacts (their compilers and settings). idOS has no npm package:
 * its cost stays an estimate from its source (./gas.ts). Measured by `npm run bench:gas` and by the
 * snapshot test's peer check.
 */
import { readFileSync } from "node:fs";
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
  type ContractTransactionResponse,
  type InterfaceAbi,
  type Signer,
} from "ethers";

import { dataHash, probedGas, type GasRow, type PeerCost } from "./gas.js";
import { purposeHash } from "./grants.js";

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
  const staticGas = (target: string, data: string) =>
    probedGas(probe, probe.measureStaticcall(target, data), "the peer's view returned false");

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
