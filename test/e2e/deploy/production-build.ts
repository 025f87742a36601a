/**
 * Only the production build is deployed: after a coverage build left instrumented artifacts, the
 * deploy rebuilds; a deploy run with `--coverage` is refused.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { ROOT, predictAddress } from "../../../scripts/lib/deployment.js";
import { runHardhat } from "../../../scripts/lib/harness/node.js";
import { checkRecord } from "./checks.js";
import {
  DEPLOY,
  blockNumber,
  describeDeploy,
  expectSuccess,
  readRecord,
  recordFiles,
  recordsDir,
  trackedNodes,
} from "./support.js";

describeDeploy("the right bytecode: only the production build is deployed", function () {
  const nodes = trackedNodes();
  const accessGrants = path.join(ROOT, "artifacts/contracts/AccessGrants.sol/AccessGrants.json");
  const readArtifact = () =>
    JSON.parse(readFileSync(accessGrants, "utf8")) as {
      bytecode: string;
      deployedBytecode: string;
      buildInfoId: string;
    };

  it("after a coverage build left instrumented artifacts, deploy rebuilds and deploys the production bytecode at its address", async function () {
    // What `npm run coverage` leaves behind, made the cheap way: the same global --coverage
    // option, which instruments every project file the build compiles (here AccessGrants).
    const coverage = await runHardhat(
      ["build", "--coverage", "--quiet", "contracts/AccessGrants.sol"],
      { recordsDir: recordsDir() },
    );
    expectSuccess(coverage);
    const instrumented = readArtifact();
    const node = await nodes.start();
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
    const node = await nodes.start();
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
