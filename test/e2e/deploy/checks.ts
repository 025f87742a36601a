/**
 * The deploy suite's checks of a deployment against the chain: each contract's creation through
 * CreateX (receipt, salt, bytecode and constructor arguments, code hash, exactly one creation), the
 * whole record (header, compiler, commit), and IssuerRegistry's state against deploy.config.ts.
 */
import { execFileSync } from "node:child_process";

import { expect } from "chai";
import hre from "hardhat";
import {
  AbiCoder,
  Interface,
  getAddress,
  keccak256,
  zeroPadValue,
  type JsonRpcProvider,
} from "ethers";

import {
  CREATEX_ADDRESS,
  ROOT,
  registryConstructorArgs,
  saltOf,
  typeId,
  type ContractName,
  type DeploymentRecord,
} from "../../../scripts/lib/deployment.js";
import { IssuerRegistry__factory } from "../../../types/ethers-contracts/index.js";
import { CONTRACT_CREATION, config, createX } from "./support.js";

/** CreateX `ContractCreation` logs for `address`, over the whole chain. */
async function creationLogs(provider: JsonRpcProvider, address: string) {
  return provider.getLogs({
    address: CREATEX_ADDRESS,
    topics: [CONTRACT_CREATION, zeroPadValue(getAddress(address), 32).toLowerCase()],
    fromBlock: 0,
    toBlock: "latest",
  });
}

/** Every transaction on the chain that went to CreateX, with its receipt status. */
export async function createXTransactions(provider: JsonRpcProvider) {
  const latest = await provider.getBlockNumber();
  const txs: { hash: string; status: number | null }[] = [];
  for (let n = 0; n <= latest; n++) {
    const block = await provider.getBlock(n);
    for (const hash of block?.transactions ?? []) {
      const tx = await provider.getTransaction(hash);
      if (tx?.to?.toLowerCase() !== CREATEX_ADDRESS.toLowerCase()) continue;
      const receipt = await provider.getTransactionReceipt(hash);
      txs.push({ hash, status: receipt?.status ?? null });
    }
  }
  return txs;
}

async function expectedConstructorArgs(name: ContractName, record: DeploymentRecord) {
  const coder = AbiCoder.defaultAbiCoder();
  if (name === "AccessGrants") return "0x";
  if (name === "IssuerRegistry") {
    const { abi } = await hre.artifacts.readArtifact("IssuerRegistry");
    const encoded = new Interface(abi).encodeDeploy([...registryConstructorArgs(config)]);
    return encoded;
  }
  return coder.encode(
    ["address", "address", "address"],
    [
      record.contracts.AccessGrants!.address,
      record.contracts.IssuerRegistry!.address,
      config.admin,
    ],
  );
}

/**
 * Checks one contract of a record against the chain: the receipt of its creation transaction, the
 * CreateX call in it (salt, artifact bytecode + constructor arguments), the code hash, and exactly
 * one creation.
 */
export async function checkContract(
  provider: JsonRpcProvider,
  record: DeploymentRecord,
  name: ContractName,
): Promise<void> {
  const c = record.contracts[name];
  expect(c, `record has ${name}`).to.not.equal(undefined);
  if (!c) return;
  expect(getAddress(c.address)).to.equal(c.address);

  const receipt = await provider.getTransactionReceipt(c.txHash);
  expect(receipt, `receipt of ${name}'s txHash`).to.not.equal(null);
  expect(receipt!.status).to.equal(1);
  expect(receipt!.blockNumber).to.equal(c.blockNumber);
  expect(receipt!.from).to.equal(c.deployer);
  expect(receipt!.to).to.equal(CREATEX_ADDRESS);
  const creations = receipt!.logs.filter(
    (l) =>
      l.address === CREATEX_ADDRESS &&
      l.topics[0] === CONTRACT_CREATION &&
      getAddress("0x" + l.topics[1]!.slice(26)) === c.address,
  );
  expect(creations, `ContractCreation of ${name} in its tx`).to.have.length(1);

  const code = (await provider.send("eth_getCode", [c.address, "latest"])) as string;
  expect(code).to.not.equal("0x");
  expect(c.bytecodeHash).to.equal(keccak256(code));

  const args = await expectedConstructorArgs(name, record);
  expect(c.constructorArgs).to.equal(args);
  const tx = await provider.getTransaction(c.txHash);
  const call = createX.parseTransaction({ data: tx!.data, value: tx!.value });
  expect(call?.name).to.equal("deployCreate2");
  expect(call!.args[0]).to.equal(record.salt);
  const { bytecode } = await hre.artifacts.readArtifact(name);
  expect(call!.args[1]).to.equal(bytecode + args.slice(2));

  expect(await creationLogs(provider, c.address), `creations of ${name}`).to.have.length(1);
}

/** The whole record: header fields, both contracts, compiler and commit. */
export async function checkRecord(
  provider: JsonRpcProvider,
  record: DeploymentRecord,
  chainId: number,
): Promise<void> {
  expect(record.format).to.equal(1);
  expect(record.network).to.equal("localhost");
  expect(record.chainId).to.equal(chainId);
  expect(record.createX).to.equal(CREATEX_ADDRESS);
  expect(record.salt).to.equal(saltOf(config));
  for (const name of ["AccessGrants", "IssuerRegistry"] as const) {
    await checkContract(provider, record, name);
  }

  const compiler = hre.config.solidity.profiles.default!.compilers[0]!;
  const settings = compiler.settings as {
    evmVersion?: string;
    viaIR?: boolean;
    optimizer?: { runs?: number };
  };
  expect(record.compiler.version.startsWith(`${compiler.version}+commit.`)).to.equal(
    true,
    record.compiler.version,
  );
  expect(record.compiler.evmVersion).to.equal(settings.evmVersion);
  expect(record.compiler.optimizerRuns).to.equal(settings.optimizer?.runs);
  expect(record.compiler.viaIR).to.equal(settings.viaIR === true);

  const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  expect(record.gitCommit).to.match(new RegExp(`^${head}(-dirty)?$`));
}

/** IssuerRegistry's state against deploy.config.ts's local entry. */
export async function checkRegistryState(
  provider: JsonRpcProvider,
  address: string,
): Promise<void> {
  const registry = IssuerRegistry__factory.connect(address, provider);
  expect(await registry.defaultAdmin()).to.equal(getAddress(config.admin));
  expect(await registry.defaultAdminDelay()).to.equal(BigInt(config.adminDelaySeconds));

  // REGISTRAR_ROLE holders: every RoleGranted minus RoleRevoked, from the events (no enumeration).
  const role = await registry.REGISTRAR_ROLE();
  const holders = new Set<string>();
  const events = [
    ...(await registry.queryFilter(registry.filters.RoleGranted(role), 0)),
    ...(await registry.queryFilter(registry.filters.RoleRevoked(role), 0)),
  ].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  for (const e of events) {
    if (e.eventName === "RoleGranted") holders.add(e.args.account);
    else holders.delete(e.args.account);
  }
  expect([...holders].sort()).to.deep.equal(config.registrars.map((r) => getAddress(r)).sort());
  for (const r of config.registrars) expect(await registry.hasRole(role, r)).to.equal(true);

  const allBits = (1n << 104n) - 1n;
  expect(await registry.credentialTypesOf(allBits)).to.deep.equal(
    config.credentialTypes.map(typeId),
  );

  for (const issuer of config.issuers) {
    for (const label of config.credentialTypes) {
      expect(
        await registry.isTrusted(issuer.address, typeId(label)),
        `isTrusted(${issuer.address}, ${label})`,
      ).to.equal(issuer.types.includes(label));
    }
    const rec = await registry.getIssuer(issuer.address);
    expect(rec.status).to.equal(1n); // Active
    expect(rec.jurisdiction).to.equal("0x" + Buffer.from(issuer.jurisdiction).toString("hex"));
  }
}
