/**
 * End-to-end tests of `npx hardhat grantkit deploy`: the real CLI, run as a child process against a
 * real `hardhat node` on a free port, with deployment records in temporary folders. Covers the dry
 * run, the record, idempotency, resuming after kill -9, the same addresses on two chain ids,
 * `--examples`, and bad input. Ignition journals of these runs are deleted afterwards.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import {
  AbiCoder,
  Interface,
  getAddress,
  Wallet,
  keccak256,
  zeroPadValue,
  type JsonRpcProvider,
} from "ethers";

import { deployConfig } from "../../deploy.config.js";
import {
  CREATEX_ADDRESS,
  ROOT,
  ensureCreateX,
  predictAddress,
  registryConstructorArgs,
  saltOf,
  typeId,
  type ContractName,
  type DeploymentRecord,
} from "../../scripts/lib/deployment.js";
import { IssuerRegistry__factory, KycVault__factory } from "../../types/ethers-contracts/index.js";
import {
  freePort,
  kill9,
  runHardhat,
  startNode,
  tempRecordsDir,
  type CliResult,
  type LocalNode,
} from "../../scripts/lib/harness/node.js";
import { startExplorerStandIn, type ExplorerStandIn } from "./explorer-standin.js";
import {
  addConfigEntry,
  copyRepository,
  readWalkthrough,
  runInteractive,
  startAnvil,
} from "./walkthrough.js";

const config = deployConfig.localhost!;
const DEPLOY = ["grantkit", "deploy", "--network", "localhost"];
const JOURNALS = path.join(ROOT, "ignition", "deployments");

const createX = new Interface([
  "event ContractCreation(address indexed newContract, bytes32 indexed salt)",
  "function deployCreate2(bytes32 salt, bytes initCode) payable returns (address)",
]);
const CONTRACT_CREATION = createX.getEvent("ContractCreation")!.topicHash;

// ------------------------------------------------------------------ bookkeeping

const recordDirs: string[] = [];
const journalIds = new Set<string>();

function recordsDir(): string {
  const dir = tempRecordsDir();
  recordDirs.push(dir);
  return dir;
}

/**
 * Starts a node and remembers the Ignition journal folders a deploy to it would create. The journal
 * id holds the genesis hash, which for `hardhat node` depends only on the second the node started:
 * a node whose id is already taken (by another node of this run, or by someone else's run on this
 * checkout) would resume a foreign journal, so it is replaced by one started a second later.
 */
async function startTrackedNode(nodes: LocalNode[], network?: string): Promise<LocalNode> {
  for (let attempt = 1; ; attempt++) {
    const node = await startNode(network);
    nodes.push(node);
    const chainId = BigInt((await node.provider.send("eth_chainId", [])) as string);
    const genesis = (await node.provider.send("eth_getBlockByNumber", ["0x0", false])) as {
      hash: string;
    };
    const ids = ["grantkit", "grantkit-examples"].map(
      (prefix) => `${prefix}-localhost-${chainId}-${genesis.hash.slice(2, 10)}`,
    );
    const taken = ids.some((id) => journalIds.has(id) || existsSync(path.join(JOURNALS, id)));
    if (!taken || attempt === 3) {
      for (const id of ids) journalIds.add(id);
      return node;
    }
    nodes.splice(nodes.indexOf(node), 1);
    await node.stop();
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function stopAll(nodes: LocalNode[]): Promise<void> {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
}

// ------------------------------------------------------------------ helpers

function output(r: CliResult): string {
  return r.stdout + r.stderr;
}

function expectSuccess(r: CliResult): void {
  expect(r.code, `exit code; output:\n${output(r)}`).to.equal(0);
}

function readRecord(dir: string): DeploymentRecord {
  return JSON.parse(readFileSync(path.join(dir, "localhost.json"), "utf8")) as DeploymentRecord;
}

function recordFiles(dir: string): string[] {
  return readdirSync(dir);
}

/** The addresses a dry run (or a deploy) prints for AccessGrants and IssuerRegistry. */
function printedAddresses(stdout: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of stdout.matchAll(
    /^(AccessGrants|IssuerRegistry)\s+(0x[0-9a-fA-F]{40})\s+(to deploy|already deployed)$/gm,
  )) {
    found[m[1]!] = m[2]!;
  }
  return found;
}

async function blockNumber(node: LocalNode): Promise<number> {
  return Number(await node.provider.send("eth_blockNumber", []));
}

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
async function createXTransactions(provider: JsonRpcProvider) {
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
async function checkContract(
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
async function checkRecord(
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
async function checkRegistryState(provider: JsonRpcProvider, address: string): Promise<void> {
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

// ------------------------------------------------------------------ tests

describe("e2e: grantkit deploy", function () {
  this.timeout(300_000);

  after(function () {
    for (const dir of recordDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    // Only the journals of the nodes these tests started (all named grantkit*-localhost-*).
    for (const id of journalIds) {
      if (!id.includes("-localhost-")) continue;
      rmSync(path.join(JOURNALS, id), { recursive: true, force: true });
    }
    journalIds.clear();
  });

  describe("on a fresh node (chain 31337)", function () {
    const nodes: LocalNode[] = [];
    let node: LocalNode;
    let dir: string;
    let predicted: Record<string, string>;
    let first: DeploymentRecord;

    before(async function () {
      node = await startTrackedNode(nodes);
      dir = recordsDir();
    });
    after(async function () {
      await stopAll(nodes);
    });

    it("dry run prints the predicted addresses, admin, registrars and issuers, and sends nothing", async function () {
      const before = await blockNumber(node);
      const r = await runHardhat([...DEPLOY, "--dry-run"], { url: node.url, recordsDir: dir });
      expectSuccess(r);
      const out = r.stdout;
      expect(out).to.contain("network localhost, chain 31337 (dry run: nothing is sent)");
      expect(out).to.contain(`admin ${getAddress(config.admin)}`);
      for (const registrar of config.registrars) expect(out).to.contain(getAddress(registrar));
      for (const label of config.credentialTypes) expect(out).to.contain(label);
      for (const issuer of config.issuers) {
        expect(out).to.contain(
          `issuer ${getAddress(issuer.address)} ${issuer.types.join("+")} ${issuer.jurisdiction}`,
        );
      }
      predicted = printedAddresses(out);
      expect(Object.keys(predicted).sort()).to.deep.equal(["AccessGrants", "IssuerRegistry"]);
      expect(out).to.match(/AccessGrants\s+0x[0-9a-fA-F]{40}\s+to deploy/);

      expect(await blockNumber(node)).to.equal(before);
      expect(await node.provider.send("eth_getCode", [CREATEX_ADDRESS, "latest"])).to.equal("0x");
      for (const address of Object.values(predicted)) {
        expect(await node.provider.send("eth_getCode", [address, "latest"])).to.equal("0x");
      }
      expect(recordFiles(dir)).to.deep.equal([]);
    });

    it("deploy writes a complete record, at the predicted addresses, configured as deploy.config.ts says", async function () {
      const r = await runHardhat(DEPLOY, { url: node.url, recordsDir: dir });
      expectSuccess(r);
      expect(r.stdout).to.contain("deployed AccessGrants, IssuerRegistry");
      expect(recordFiles(dir)).to.deep.equal(["localhost.json"]); // no temporary file left
      first = readRecord(dir);
      await checkRecord(node.provider, first, 31337);
      expect(first.contracts.AccessGrants!.address).to.equal(predicted.AccessGrants);
      expect(first.contracts.IssuerRegistry!.address).to.equal(predicted.IssuerRegistry);
      expect(Object.keys(first.contracts).sort()).to.deep.equal(["AccessGrants", "IssuerRegistry"]);
      await checkRegistryState(node.provider, first.contracts.IssuerRegistry!.address);
    });

    it("a second run deploys nothing new and says so", async function () {
      const before = await blockNumber(node);
      const r = await runHardhat(DEPLOY, { url: node.url, recordsDir: dir });
      expectSuccess(r);
      expect(r.stdout).to.contain("nothing new to deploy");
      expect(r.stdout).to.not.contain("installed CreateX");
      expect(await blockNumber(node)).to.equal(before);
      const again = readRecord(dir);
      expect(again.contracts).to.deep.equal(first.contracts);
      expect(again.chainId).to.equal(31337);
    });

    it("--examples also deploys KycVault and records it", async function () {
      const before = await blockNumber(node);
      const r = await runHardhat([...DEPLOY, "--examples"], { url: node.url, recordsDir: dir });
      expectSuccess(r);
      expect(r.stdout).to.contain("nothing new to deploy"); // the core contracts are there
      expect(r.stdout).to.match(/KycVault\s+0x[0-9a-fA-F]{40}/);
      expect(await blockNumber(node)).to.be.greaterThan(before);

      const record = readRecord(dir);
      expect(record.contracts.AccessGrants).to.deep.equal(first.contracts.AccessGrants);
      expect(record.contracts.IssuerRegistry).to.deep.equal(first.contracts.IssuerRegistry);
      await checkContract(node.provider, record, "KycVault");
      const vault = KycVault__factory.connect(record.contracts.KycVault!.address, node.provider);
      expect(await vault.ACCESS_GRANTS()).to.equal(first.contracts.AccessGrants!.address);
      expect(await vault.ISSUER_REGISTRY()).to.equal(first.contracts.IssuerRegistry!.address);
      expect(await vault.GATE_GRANTEE()).to.equal(getAddress(config.admin));
    });

    it("gives the same addresses on a node with another chain id (31338), recorded as such", async function () {
      expect(first, "the deploy test ran").to.not.equal(undefined);
      const other = await startTrackedNode(nodes, "otherchain");
      expect(Number(await other.provider.send("eth_chainId", []))).to.equal(31338);
      const otherDir = recordsDir();
      const r = await runHardhat(DEPLOY, { url: other.url, recordsDir: otherDir });
      expectSuccess(r);
      expect(r.stdout).to.contain("network localhost, chain 31338");
      const record = readRecord(otherDir);
      await checkRecord(other.provider, record, 31338);
      expect(record.contracts.AccessGrants!.address).to.equal(
        first.contracts.AccessGrants!.address,
      );
      expect(record.contracts.IssuerRegistry!.address).to.equal(
        first.contracts.IssuerRegistry!.address,
      );
      await checkRegistryState(other.provider, record.contracts.IssuerRegistry!.address);
      // The first chain's record is untouched.
      expect(readRecord(dir).chainId).to.equal(31337);
    });

    it("never lets another chain overwrite the record: refused with the fix, which works", async function () {
      expect(first, "the deploy test ran").to.not.equal(undefined);
      // `localhost` pointed at a node of chain 31338, with chain 31337's record in the same folder.
      const other = await startTrackedNode(nodes, "otherchain");
      const file = path.join(dir, "localhost.json");
      const before = readFileSync(file, "utf8");
      const blocks = await blockNumber(other);

      for (const args of [[...DEPLOY, "--dry-run"], DEPLOY]) {
        const r = await runHardhat(args, { url: other.url, recordsDir: dir });
        expect(r.code, output(r)).to.equal(1);
        const line = r.stderr.trim().split("\n").at(-1)!;
        expect(line).to.contain(`localhost.json is the record of chain 31337`);
        expect(line).to.contain(`network "localhost" is now chain 31338`);
        const fix = /(mv \S+ \S+\.bak)/.exec(line)?.[1];
        expect(fix, line).to.match(/^mv \S+localhost\.json \S+localhost\.chain31337\.json\.bak$/);
      }
      expect(readFileSync(file, "utf8")).to.equal(before);
      expect(await blockNumber(other), "nothing was sent").to.equal(blocks);
      expect(await other.provider.send("eth_getCode", [CREATEX_ADDRESS, "latest"])).to.equal("0x");

      // The fix the message names: set the old record aside, then deploy.
      const line = (await runHardhat(DEPLOY, { url: other.url, recordsDir: dir })).stderr;
      const [, from, to] = /mv (\S+) (\S+\.bak)/.exec(line)!;
      execFileSync("mv", [from!, to!], { cwd: ROOT });
      const r = await runHardhat(DEPLOY, { url: other.url, recordsDir: dir });
      expectSuccess(r);
      expect(readRecord(dir).chainId).to.equal(31338);
      expect(readFileSync(path.join(dir, "localhost.chain31337.json.bak"), "utf8")).to.equal(
        before,
      );
    });
  });

  describe("kill -9 half-way", function () {
    const nodes: LocalNode[] = [];
    afterEach(async function () {
      await stopAll(nodes);
    });

    it("resumes: the next run completes and creates each contract exactly once", async function () {
      const node = await startTrackedNode(nodes);
      const dir = recordsDir();
      const { provider } = node;
      const genesis = (await provider.getBlock(0))!.hash!;
      const journal = path.join(
        JOURNALS,
        `grantkit-localhost-31337-${genesis.slice(2, 10)}`,
        "journal.jsonl",
      );

      // CreateX first, with the toolkit's own helper: its install waits for a receipt, which would
      // never come with automine off. Then every transaction of the deploy stays pending.
      expect(await ensureCreateX(provider)).to.equal("installed");
      await provider.send("evm_setAutomine", [false]);
      const start = await blockNumber(node);

      let child: ChildProcess | undefined;
      const run = runHardhat(DEPLOY, { url: node.url, recordsDir: dir }, (c) => (child = c));
      let exited = false;
      void run.then(() => (exited = true));
      let pending = 0;
      const deadline = Date.now() + 60_000;
      while (pending === 0) {
        if (exited) throw new Error(`deploy exited before sending:\n${output(await run)}`);
        if (Date.now() > deadline) throw new Error("no pending transaction within 60 s");
        await new Promise((r) => setTimeout(r, 50));
        const block = (await provider.send("eth_getBlockByNumber", ["pending", false])) as {
          transactions: string[];
        };
        pending = block.transactions.length;
      }
      kill9(child!);
      const killed = await run;
      expect(killed.code).to.not.equal(0);
      const pendingAfterKill = (
        (await provider.send("eth_getBlockByNumber", ["pending", false])) as {
          transactions: string[];
        }
      ).transactions.length;
      const sent = existsSync(journal)
        ? readFileSync(journal, "utf8")
            .split("\n")
            .filter((l) => l.includes('"TRANSACTION_SEND"')).length
        : 0;
      console.log(
        `      (killed with ${pendingAfterKill} pending transaction(s), ${sent} TRANSACTION_SEND in the journal)`,
      );
      expect(recordFiles(dir), "a killed deploy writes no record").to.deep.equal([]);
      expect(await blockNumber(node)).to.equal(start);

      await provider.send("evm_mine", []);
      await provider.send("evm_setAutomine", [true]);

      const r = await runHardhat(DEPLOY, { url: node.url, recordsDir: dir });
      expectSuccess(r);
      console.log(
        `      (resumed: ${/^deployed .*$/m.exec(r.stdout)?.[0] ?? "nothing new to deploy"})`,
      );
      const record = readRecord(dir);
      await checkRecord(provider, record, 31337); // includes: exactly one creation per address
      await checkRegistryState(provider, record.contracts.IssuerRegistry!.address);
      const txs = await createXTransactions(provider);
      expect(
        txs.filter((t) => t.status !== 1),
        "no failed (e.g. duplicate) CreateX call",
      ).to.deep.equal([]);
      expect(txs).to.have.length(2);

      // And it is idempotent afterwards.
      const before = await blockNumber(node);
      const again = await runHardhat(DEPLOY, { url: node.url, recordsDir: dir });
      expectSuccess(again);
      expect(again.stdout).to.contain("nothing new to deploy");
      expect(await blockNumber(node)).to.equal(before);
    });
  });

  describe("the right bytecode: only the production build is deployed", function () {
    const nodes: LocalNode[] = [];
    const accessGrants = path.join(ROOT, "artifacts/contracts/AccessGrants.sol/AccessGrants.json");
    const readArtifact = () =>
      JSON.parse(readFileSync(accessGrants, "utf8")) as {
        bytecode: string;
        deployedBytecode: string;
        buildInfoId: string;
      };
    after(async function () {
      await stopAll(nodes);
    });

    it("after a coverage build left instrumented artifacts, deploy rebuilds and deploys the production bytecode at its address", async function () {
      // What `npm run coverage` leaves behind, made the cheap way: the same global --coverage
      // option, which instruments every project file the build compiles (here AccessGrants).
      const coverage = await runHardhat(
        ["build", "--coverage", "--quiet", "contracts/AccessGrants.sol"],
        { recordsDir: recordsDir() },
      );
      expectSuccess(coverage);
      const instrumented = readArtifact();
      const node = await startTrackedNode(nodes);
      const dir = recordsDir();
      const r = await runHardhat(DEPLOY, { url: node.url, recordsDir: dir });
      expectSuccess(r);
      expect(r.stdout).to.match(/build: production profile, compiled now/);

      const production = readArtifact();
      expect(production.buildInfoId).to.not.equal(instrumented.buildInfoId);
      expect(production.bytecode.length, "the instrumented build is larger").to.be.lessThan(
        instrumented.bytecode.length,
      );
      const record = readRecord(dir);
      const c = record.contracts.AccessGrants!;
      expect(c.buildInfoId).to.equal(production.buildInfoId);
      expect(c.address).to.equal(predictAddress(record.salt, production.bytecode));
      const code = (await node.provider.send("eth_getCode", [c.address, "latest"])) as string;
      // The runtime code is the production build's (its length: EIP-712's immutables are filled
      // in on chain); the creation code sent to CreateX is checked byte for byte below.
      expect(code.length).to.equal(production.deployedBytecode.length);
      expect(code.length).to.not.equal(instrumented.deployedBytecode.length);
      // Nothing at the address the instrumented build would have had.
      const wrong = predictAddress(record.salt, instrumented.bytecode);
      expect(await node.provider.send("eth_getCode", [wrong, "latest"])).to.equal("0x");
      await checkRecord(node.provider, record, 31337);
    });

    it("a deploy run with --coverage is refused with the fix, and sends nothing", async function () {
      const node = await startTrackedNode(nodes);
      const dir = recordsDir();
      const r = await runHardhat([...DEPLOY, "--coverage"], { url: node.url, recordsDir: dir });
      expect(r.code).to.equal(1);
      expect(r.stderr.trim()).to.equal(
        "error: this command runs with --coverage, which compiles instrumented bytecode that must never be deployed (run it again without --coverage)",
      );
      expect(await blockNumber(node)).to.equal(0);
      expect(recordFiles(dir)).to.deep.equal([]);
    });
  });

  describe("docs/deploy.md: from an empty configuration to a verified deployment", function () {
    const SECTION = "From an empty configuration to a verified deployment";
    const PASSWORD = "correct horse battery staple";
    let chain: LocalNode;
    let explorers: ExplorerStandIn;
    let repo: string;
    let home: string;
    let env: NodeJS.ProcessEnv;
    const deployer = Wallet.createRandom();
    const secrets: Record<string, string> = {};
    let record: DeploymentRecord;

    before(async function () {
      chain = await startAnvil(11155111); // Sepolia's chain id
      explorers = await startExplorerStandIn(await freePort());
      repo = copyRepository();
      home = tempRecordsDir();
      Object.assign(secrets, {
        SEPOLIA_RPC_URL: chain.url,
        SEPOLIA_DEPLOYER_PRIVATE_KEY: deployer.privateKey,
        ETHERSCAN_API_KEY: "STANDIN-KEY-1",
      });
      env = { ...process.env };
      // A deployer's shell: no CI (which turns the keystore off), no test-runner flags, no
      // variables of ours; a keystore of its own; explorers' APIs at the stand-in.
      for (const name of [
        "CI",
        "HH_TEST",
        "GRANTKIT_DEPLOYMENTS_DIR",
        "LOCALHOST_RPC_URL",
        ...Object.keys(secrets),
      ])
        delete env[name];
      // Nor the variables of the `npx hardhat test` that runs this: HARDHAT_CONFIG would load this
      // checkout's configuration, npm_config_local_prefix run this checkout's scripts.
      for (const name of Object.keys(env))
        if (/^(npm_|HARDHAT_)/.test(name) || name === "INIT_CWD") delete env[name];
      Object.assign(env, {
        XDG_CONFIG_HOME: home,
        FORCE_COLOR: "0",
        NO_COLOR: "1",
        ETHERSCAN_API_URL: explorers.etherscanApiUrl,
        BLOCKSCOUT_API_URL: explorers.blockscoutApiUrl,
        SOURCIFY_API_URL: explorers.sourcifyApiUrl,
      });
    });
    after(async function () {
      await chain?.stop();
      await explorers?.stop();
      for (const dir of [repo, home]) if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** The keystore's prompts: its password, then (keystore set) the value of the key. */
    function answer(command: string) {
      const key = command.split(" ").at(-1)!;
      const setting = command.includes("keystore set");
      return (prompt: string) => {
        if (/^(Enter the password|Please confirm your password)$/.test(prompt)) {
          return { line: PASSWORD, last: !setting };
        }
        if (setting && prompt.startsWith("Enter secret to store")) {
          return { line: secrets[key]!, last: true };
        }
        return undefined;
      };
    }

    it("runs every command of the walkthrough as written, ending with a verified record", async function () {
      const walk = readWalkthrough(path.join(ROOT, "docs/deploy.md"), SECTION);
      expect(walk.commands).to.deep.equal([
        "npx hardhat keystore set SEPOLIA_RPC_URL",
        "npx hardhat keystore set SEPOLIA_DEPLOYER_PRIVATE_KEY",
        "npx hardhat keystore set ETHERSCAN_API_KEY",
        "npm run deploy -- --network sepolia --dry-run",
        "npm run deploy -- --network sepolia",
        "npm run verify -- --network sepolia",
      ]);
      addConfigEntry(repo, walk.configEntry);

      for (const command of walk.commands) {
        let r = await runInteractive(command, repo, env, answer(command));
        if (command.endsWith("--dry-run")) {
          // The doc says the first dry run finds the new deployer's balance empty: fund it (the
          // faucet), then run it again.
          expect(r.code, output(r)).to.equal(1);
          expect(r.stdout).to.contain(`deployer ${deployer.address}: no role`);
          expect(r.stdout).to.match(/balance 0\.0 ETH: NOT enough/);
          expect(r.stderr).to.contain(`the deployer ${deployer.address} has 0.0 ETH`);
          await chain.provider.send("anvil_setBalance", [deployer.address, "0x8ac7230489e80000"]);
          r = await runInteractive(command, repo, env, answer(command));
          expect(r.stdout).to.contain(
            "ready: npm run deploy -- --network sepolia deploys AccessGrants, IssuerRegistry",
          );
          expect(r.stdout).to.match(/^gas [\d,]+ \(AccessGrants [\d,]+, IssuerRegistry [\d,]+/m);
          expect(r.stdout).to.match(/^cost [\d.]+ ETH at the current gas price of [\d.]+ gwei/m);
          expect(r.stdout).to.match(/^balance 10\.0 ETH: enough$/m);
          expect(r.stdout).to.match(/^ {2}constructor arguments: 0x[0-9a-f]+ \(\d+ bytes\)$/m);
        }
        expect(r.code, `${command}\n${output(r)}`).to.equal(0);
      }

      record = JSON.parse(
        readFileSync(path.join(repo, "deployments", "sepolia.json"), "utf8"),
      ) as DeploymentRecord;
      expect(record.network).to.equal("sepolia");
      expect(record.chainId).to.equal(11155111);
      expect(record.finalityBlocks).to.equal(65);
      for (const name of ["AccessGrants", "IssuerRegistry"] as const) {
        const c = record.contracts[name]!;
        expect(c.deployer).to.equal(deployer.address);
        expect(c.buildInfoId).to.match(/^solc-0_8_28-[0-9a-f]{40}$/);
        const code = (await chain.provider.send("eth_getCode", [c.address, "latest"])) as string;
        expect(keccak256(code)).to.equal(c.bytecodeHash);
        expect(Object.keys(c.verified ?? {}).sort()).to.deep.equal([
          "blockscout",
          "etherscan",
          "sourcify",
        ]);
        expect(c.verified!.etherscan!.url).to.equal(
          `https://sepolia.etherscan.io/address/${c.address}#code`,
        );
        expect(c.verified!.blockscout!.url).to.equal(
          `https://eth-sepolia.blockscout.com/address/${c.address}#code`,
        );
        expect(c.verified!.sourcify!.url).to.equal(
          `${explorers.sourcifyApiUrl}/repo-ui/11155111/${c.address}`,
        );
        expect(Date.parse(c.verified!.etherscan!.verifiedAt)).to.be.closeTo(Date.now(), 600_000);
      }
    });

    it("each explorer received the deploy's own standard-JSON input and constructor arguments", async function () {
      expect(record, "the walkthrough ran").to.not.equal(undefined);
      expect(explorers.submissions).to.have.length(6); // 2 contracts x 3 explorers
      for (const name of ["AccessGrants", "IssuerRegistry"] as const) {
        const c = record.contracts[name]!;
        const buildInfo = JSON.parse(
          readFileSync(path.join(repo, "artifacts/build-info", `${c.buildInfoId}.json`), "utf8"),
        ) as { solcLongVersion: string; input: { settings: Record<string, unknown> } };
        const output = JSON.parse(
          readFileSync(
            path.join(repo, "artifacts/build-info", `${c.buildInfoId}.output.json`),
            "utf8",
          ),
        ) as {
          output: {
            contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
          };
        };
        const source = `project/${name === "AccessGrants" ? "contracts/AccessGrants.sol" : "contracts/IssuerRegistry.sol"}`;
        // What the deploy sent: CreateX.deployCreate2(salt, bytecode of this build ++ arguments).
        const tx = await chain.provider.getTransaction(c.txHash);
        const call = createX.parseTransaction({ data: tx!.data, value: tx!.value })!;
        const bytecode = "0x" + output.output.contracts[source]![name]!.evm.bytecode.object;
        expect(call.args[1]).to.equal(bytecode + c.constructorArgs.slice(2));

        const sent = explorers.submissions.filter((s) => s.address === c.address.toLowerCase());
        expect(sent.map((s) => s.explorer).sort()).to.deep.equal([
          "blockscout",
          "etherscan",
          "sourcify",
        ]);
        for (const s of sent) {
          // The very input that compiled the deployed bytecode (the plugin adds an empty
          // `libraries`), the compiler that compiled it, the contract's name in that input.
          const { libraries, ...settings } = s.input.settings;
          expect(libraries ?? {}).to.deep.equal({});
          expect({ ...s.input, settings }).to.deep.equal(buildInfo.input);
          expect(s.compilerVersion).to.equal(`v${buildInfo.solcLongVersion}`);
          expect(s.contractName).to.equal(`${source}:${name}`);
          if (s.explorer === "sourcify") {
            expect(s.chainId).to.equal("11155111");
            expect(s.creationTxHash).to.equal(c.txHash);
          } else {
            expect(s.constructorArguments).to.equal(c.constructorArgs.slice(2));
          }
          if (s.explorer === "etherscan") {
            expect(s.chainId).to.equal("11155111");
            expect(s.apiKey).to.equal(secrets.ETHERSCAN_API_KEY);
          }
        }
      }
    });

    it("a network whose RPC URL answers as another chain is refused before anything is sent", async function () {
      const wrong = await startAnvil(1);
      try {
        const blocks = Number(await wrong.provider.send("eth_blockNumber", []));
        // The environment wins over the keystore: SEPOLIA_RPC_URL now points at chain 1.
        for (const command of [
          "npm run deploy -- --network sepolia --dry-run",
          "npm run deploy -- --network sepolia",
          "npm run verify -- --network sepolia",
        ]) {
          const r = await runInteractive(
            command,
            repo,
            { ...env, SEPOLIA_RPC_URL: wrong.url },
            answer(command),
          );
          expect(r.code, output(r)).to.equal(1);
          expect(r.stderr, output(r)).to.contain(
            'error: network "sepolia" is Sepolia (chain 11155111), but its RPC URL answers as chain 1; nothing was sent (point SEPOLIA_RPC_URL at a Sepolia node: npx hardhat keystore set SEPOLIA_RPC_URL --force)',
          );
        }
        expect(Number(await wrong.provider.send("eth_blockNumber", []))).to.equal(blocks);
        expect(await wrong.provider.send("eth_getCode", [CREATEX_ADDRESS, "latest"])).to.equal(
          "0x",
        );
      } finally {
        await wrong.stop();
      }
    });
  });

  describe("bad input", function () {
    it("--network nosuch: Hardhat's own error, exit code != 0", async function () {
      const dir = recordsDir();
      const r = await runHardhat(["grantkit", "deploy", "--network", "nosuch"], {
        recordsDir: dir,
      });
      expect(r.code).to.not.equal(0);
      expect(output(r)).to.contain("HHE705");
      expect(output(r)).to.contain('The network "nosuch" is not defined');
      expect(recordFiles(dir)).to.deep.equal([]);
    });

    it("a network without a deploy configuration: a GrantKit error naming the fix, exit code != 0", async function () {
      // Every edr-simulated network (default, otherchain) has an entry; sepolia (http) has none.
      // Its URL points at a closed loopback port: the configuration check comes before any request.
      const dir = recordsDir();
      const saved = process.env.SEPOLIA_RPC_URL;
      process.env.SEPOLIA_RPC_URL = `http://127.0.0.1:${await freePort()}`;
      let r: CliResult;
      try {
        r = await runHardhat(["grantkit", "deploy", "--network", "sepolia"], { recordsDir: dir });
      } finally {
        if (saved === undefined) delete process.env.SEPOLIA_RPC_URL;
        else process.env.SEPOLIA_RPC_URL = saved;
      }
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.contain('error: no deploy configuration for network "sepolia"');
      expect(r.stderr).to.contain('add an entry "sepolia" to deploy.config.ts');
      expect(recordFiles(dir)).to.deep.equal([]);
    });

    it("a node that is down: a clear connection error, exit code != 0", async function () {
      const dir = recordsDir();
      const url = `http://127.0.0.1:${await freePort()}`;
      const r = await runHardhat(DEPLOY, { url, recordsDir: dir });
      expect(r.code).to.not.equal(0);
      expect(output(r)).to.contain('Cannot connect to the network "localhost"');
      expect(output(r)).to.not.match(/^\s+at /m); // no stack trace
      expect(recordFiles(dir)).to.deep.equal([]);
    });
  });
});
