/** `grantkit deploy` given bad input: an unknown network, one without a configuration, a node that is down. */
import { expect } from "chai";

import { freePort, runHardhat, type CliResult } from "../../../scripts/lib/harness/node.js";
import { DEPLOY, describeDeploy, output, recordFiles, recordsDir } from "./support.js";

describeDeploy("bad input", function () {
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
