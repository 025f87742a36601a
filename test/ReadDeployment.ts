/**
 * Reading a deployment record (`readDeployment`, and `assertRecordChain` before a deploy writes one)
 * validates it with deployments/record-schema.ts: a corrupt or hand-edited record is one
 * GrantKitError naming the file and the first bad field, with what to do.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import {
  assertRecordChain,
  readDeployment,
  type DeploymentRecord,
} from "../scripts/lib/deployment.js";
import { GrantKitError, errorLine } from "../scripts/lib/errors.js";

const contract = (address: string) => ({
  address,
  txHash: "0x" + "11".repeat(32),
  blockNumber: 2,
  deployer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  bytecodeHash: "0x" + "22".repeat(32),
  constructorArgs: "0x",
});

const RECORD: DeploymentRecord = {
  format: 1,
  network: "localhost",
  chainId: 31337,
  createX: "0xba5Ed099633D3B313e4D5F7bdc1305d3c28ba5Ed",
  salt: "0x" + "33".repeat(32),
  compiler: {
    version: "0.8.28+commit.7893614a",
    evmVersion: "cancun",
    optimizerRuns: 1,
    viaIR: true,
  },
  gitCommit: "unknown",
  contracts: {
    AccessGrants: contract("0x2eE7174c8541e0dc33e645742526DF5248B1ba6c"),
    IssuerRegistry: contract("0xc2DD499ecC87719A0E82a9150249D41Dd85a7dd1"),
  },
};

/** The one line of the GrantKitError `fn` throws. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(GrantKitError);
    return errorLine(error as GrantKitError);
  }
  expect.fail("not refused");
}

describe("reading a deployment record", function () {
  let dir: string;
  let previous: string | undefined;
  const file = () => path.join(dir, "localhost.json");

  beforeEach(function () {
    dir = mkdtempSync(path.join(tmpdir(), "grantkit-records-"));
    previous = process.env.GRANTKIT_DEPLOYMENTS_DIR;
    process.env.GRANTKIT_DEPLOYMENTS_DIR = dir;
  });

  afterEach(function () {
    if (previous === undefined) delete process.env.GRANTKIT_DEPLOYMENTS_DIR;
    else process.env.GRANTKIT_DEPLOYMENTS_DIR = previous;
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns a valid record", function () {
    writeFileSync(file(), JSON.stringify(RECORD));
    expect(readDeployment("localhost")).to.deep.equal(RECORD);
    expect(() => assertRecordChain("localhost", 31337)).not.to.throw();
  });

  it("refuses a truncated record: not JSON, naming the file, with the fix", function () {
    writeFileSync(file(), JSON.stringify(RECORD).slice(0, 120));
    const line = refusal(() => readDeployment("localhost"));
    expect(line).to.match(
      /^the deployment record \S*localhost\.json is not valid: is not JSON: .*Unterminated string in JSON/,
    );
    expect(line).to.match(
      /\(restore it from git \(git restore \S*localhost\.json\) or redeploy: npm run deploy -- --network localhost\)$/,
    );
  });

  it("refuses an address of 39 hex digits, naming the field", function () {
    const bad = structuredClone(RECORD);
    bad.contracts.AccessGrants!.address = bad.contracts.AccessGrants!.address.slice(0, -1);
    writeFileSync(file(), JSON.stringify(bad));
    expect(refusal(() => readDeployment("localhost"))).to.match(
      /localhost\.json is not valid: contracts\.AccessGrants\.address is not valid: An address: 0x and 40 hex digits/,
    );
  });

  it("names the first of several problems and counts the others", function () {
    const bad = { ...RECORD, chainId: "31337", salt: "0x12" };
    writeFileSync(file(), JSON.stringify(bad));
    expect(refusal(() => readDeployment("localhost"))).to.match(
      /is not valid: chainId must be integer \(got "31337"\) \(and 1 more\)/,
    );
  });

  it("a deploy refuses to overwrite a record it cannot read, saying how to set it aside", function () {
    writeFileSync(file(), "{");
    const line = refusal(() => assertRecordChain("localhost", 31337));
    expect(line).to.match(/localhost\.json is not valid: is not JSON/);
    expect(line).to.match(/set it aside to write a new one: mv \S+localhost\.json \S+\.bak\)$/);
  });
});
