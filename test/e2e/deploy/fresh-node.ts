/**
 * `grantkit deploy` on a fresh `hardhat node` (chain 31337), one step after another on the same
 * node and records folder: the dry run, the record, idempotency, `--examples`, the same addresses on
 * chain 31338, and a record that another chain may not overwrite.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { getAddress } from "ethers";

import { CREATEX_ADDRESS, ROOT, type DeploymentRecord } from "../../../scripts/lib/deployment.js";
import { runHardhat, type LocalNode } from "../../../scripts/lib/harness/node.js";
import { KycVault__factory } from "../../../types/ethers-contracts/index.js";
import { checkContract, checkRecord, checkRegistryState } from "./checks.js";
import {
  DEPLOY,
  blockNumber,
  config,
  describeDeploy,
  expectSuccess,
  output,
  printedAddresses,
  readRecord,
  recordFiles,
  recordsDir,
  trackedNodes,
} from "./support.js";

describeDeploy("on a fresh node (chain 31337)", function () {
  const nodes = trackedNodes();
  let node: LocalNode;
  let dir: string;
  let predicted: Record<string, string>;
  let first: DeploymentRecord;

  before(async function () {
    node = await nodes.start();
    dir = recordsDir();
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
    const other = await nodes.start("otherchain");
    expect(Number(await other.provider.send("eth_chainId", []))).to.equal(31338);
    const otherDir = recordsDir();
    const r = await runHardhat(DEPLOY, { url: other.url, recordsDir: otherDir });
    expectSuccess(r);
    expect(r.stdout).to.contain("network localhost, chain 31338");
    const record = readRecord(otherDir);
    await checkRecord(other.provider, record, 31338);
    expect(record.contracts.AccessGrants!.address).to.equal(first.contracts.AccessGrants!.address);
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
    const other = await nodes.start("otherchain");
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
    expect(readFileSync(path.join(dir, "localhost.chain31337.json.bak"), "utf8")).to.equal(before);
  });
});
