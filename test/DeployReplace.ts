/**
 * A deploy after the configuration changed (the deploy path on an in-process chain, with a record):
 * refused while the recorded contract lives, with the fix; `replace` deploys only what changed; a
 * run that deploys nothing keeps the record's commit and its KycVault; a public chain refuses a work
 * tree with uncommitted changes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import type { NetworkDeployConfig } from "../deploy.config.js";
import { deployGrantKit, dirtyTreeProblem, type DeployOptions } from "../scripts/lib/deploy.js";
import { recordPath, type DeploymentRecord } from "../scripts/lib/deployment.js";
import { GrantKitError } from "../scripts/lib/errors.js";
import { testConfig } from "./helpers/deploy.js";

const OLD_COMMIT = "0123456789abcdef0123456789abcdef01234567";

describe("deploy: a changed configuration, the record and the work tree", function () {
  let connection: NetworkConnection<"generic">;
  let dir: string;
  let previousDir: string | undefined;
  let config: NetworkDeployConfig;
  const lines: string[] = [];

  const deploy = (over: Partial<DeployOptions> = {}, c: NetworkDeployConfig = config) =>
    deployGrantKit(connection, {
      config: c,
      artifacts: "as-built",
      log: (l) => lines.push(l),
      ...over,
    });
  const file = () => recordPath(connection.networkName);
  const onFile = () => JSON.parse(readFileSync(file(), "utf8")) as DeploymentRecord;
  const code = (address: string) => connection.ethers.provider.getCode(address);
  const refusal = async (run: Promise<unknown>) => {
    try {
      await run;
    } catch (error) {
      expect(error).to.be.instanceOf(GrantKitError);
      return error as GrantKitError;
    }
    expect.fail("the deploy was not refused");
  };

  before(async function () {
    previousDir = process.env.GRANTKIT_DEPLOYMENTS_DIR;
    dir = mkdtempSync(path.join(tmpdir(), "grantkit-replace-"));
    process.env.GRANTKIT_DEPLOYMENTS_DIR = dir;
    connection = await network.create();
    const [admin] = await connection.ethers.getSigners();
    config = testConfig(admin!.address, { credentialTypes: ["kyc.basic"] });
  });

  after(async function () {
    await connection.close();
    if (previousDir === undefined) delete process.env.GRANTKIT_DEPLOYMENTS_DIR;
    else process.env.GRANTKIT_DEPLOYMENTS_DIR = previousDir;
    rmSync(dir, { recursive: true, force: true });
  });

  it("a run that deploys nothing keeps the record's commit and its KycVault", async function () {
    const first = await deploy({ examples: true });
    expect(first.contracts.KycVault).to.not.equal(undefined);
    // As if the contracts had been deployed from an older commit.
    writeFileSync(file(), JSON.stringify({ ...onFile(), gitCommit: OLD_COMMIT }, null, 2));
    const again = await deploy();
    expect(again.gitCommit).to.equal(OLD_COMMIT);
    expect(again.contracts).to.deep.equal(first.contracts);
    expect(onFile().contracts.KycVault).to.deep.equal(first.contracts.KycVault);
  });

  it("refuses a configuration that would supersede the live registry, changing nothing, and says how", async function () {
    const before = readFileSync(file(), "utf8");
    const block = await connection.ethers.provider.getBlockNumber();
    const changed = { ...config, credentialTypes: ["kyc.basic", "age.over18"] };
    const refused = await refusal(deploy({}, changed));
    expect(refused.message).to.match(
      /the record names IssuerRegistry at 0x[0-9a-fA-F]{40} \(now 0x[0-9a-fA-F]{40}\), live on this chain/,
    );
    expect(refused.message).to.not.contain("AccessGrants at");
    expect(refused.hint).to.contain("--replace");
    expect(readFileSync(file(), "utf8")).to.equal(before);
    expect(await connection.ethers.provider.getBlockNumber()).to.equal(block);
    // The dry run names the same problem.
    const dry = await refusal(deploy({ dryRun: true }, changed));
    expect(dry.message).to.match(/a deploy would be refused: .*the record names IssuerRegistry/);
  });

  it("with replace, deploys only the new registry and records it; KycVault, bound to the old one, is left out", async function () {
    const old = onFile();
    const changed = { ...config, credentialTypes: ["kyc.basic", "age.over18"] };
    lines.length = 0;
    const record = await deploy({ replace: true }, changed);
    expect(record.contracts.AccessGrants).to.deep.equal(old.contracts.AccessGrants);
    const registry = record.contracts.IssuerRegistry!.address;
    expect(registry).to.not.equal(old.contracts.IssuerRegistry!.address);
    expect(await code(registry)).to.not.equal("0x");
    // The old registry is still there, with what it holds.
    expect(await code(old.contracts.IssuerRegistry!.address)).to.not.equal("0x");
    expect(record.contracts.KycVault).to.equal(undefined);
    expect(onFile().contracts.IssuerRegistry!.address).to.equal(registry);
    expect(lines.join("\n")).to.match(/IssuerRegistry replaced: 0x[0-9a-fA-F]{40} keeps/);
    expect(lines.join("\n")).to.match(/KycVault 0x[0-9a-fA-F]{40} left out of the record/);
  });

  it("a public chain refuses uncommitted code unless allowed; a development node does not ask", function () {
    expect(dirtyTreeProblem("abc1234-dirty", false, false)).to.match(/uncommitted changes/);
    expect(dirtyTreeProblem("abc1234-dirty", false, true)).to.equal(undefined);
    expect(dirtyTreeProblem("abc1234-dirty", true, false)).to.equal(undefined);
    expect(dirtyTreeProblem("abc1234", false, false)).to.equal(undefined);
  });
});
