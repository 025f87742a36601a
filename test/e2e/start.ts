/**
 * `npm start` fails cleanly: a taken port or a bad port variable is named before anything starts, a
 * build that fails (a fresh copy of the project, nothing built, a broken contract) stops before the
 * chain, an indexer that stops after the chain and the deploy are up takes everything down, and
 * SIGTERM half-way leaves nothing behind. Each run: `hardhat grantkit start` as a child process on
 * free ports, records and the embedded database in a temporary folder, every process it starts
 * watched until it is gone (test/support/start-run.ts). (The way up, with every URL probed, is
 * `npm run test:start`.)
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { ROOT } from "../../scripts/lib/deployment.js";
import { freePort } from "../../scripts/lib/processes.js";
import {
  expectNothingLeft,
  killAll,
  ran,
  removeNewJournalsAfter,
  runStart,
} from "../support/start-run.js";

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("npm start: failures", function () {
  this.timeout(300_000);

  removeNewJournalsAfter();

  it("names a taken chain port and GRANTKIT_CHAIN_PORT, and starts nothing", async function () {
    const port = await freePort();
    const server = await listen(port);
    try {
      const run = await runStart({ env: { GRANTKIT_CHAIN_PORT: String(port) } });
      expect(run.code, run.output).to.equal(1);
      expect(run.output).to.match(
        new RegExp(`error: .*port ${port} \\(the chain's JSON-RPC\\) is already in use`),
      );
      expect(run.output).to.match(/hint: .*GRANTKIT_CHAIN_PORT=<port> npm start/);
      expect(run.output).to.not.match(/==> \[1\//);
      await expectNothingLeft({ ...run, ports: [run.ports[1], run.ports[1]] });
    } finally {
      server.close();
    }
  });

  it("names a taken API port and GRANTKIT_API_PORT", async function () {
    const port = await freePort();
    const server = await listen(port);
    try {
      const run = await runStart({ env: { GRANTKIT_API_PORT: String(port) } });
      expect(run.code, run.output).to.equal(1);
      expect(run.output).to.match(
        new RegExp(`port ${port} \\(the indexer's API\\) is already in use`),
      );
      expect(run.output).to.match(/hint: .*GRANTKIT_API_PORT=<port> npm start/);
      await expectNothingLeft({ ...run, ports: [run.ports[0], run.ports[0]] });
    } finally {
      server.close();
    }
  });

  it("names a port variable that is not a port", async function () {
    const run = await runStart({ env: { GRANTKIT_API_PORT: "42o69" } });
    expect(run.code, run.output).to.equal(1);
    expect(run.output).to.match(/error: .*GRANTKIT_API_PORT="42o69" is not a TCP port/);
  });

  it("on a fresh copy with nothing built, builds; a failing build stops before the chain", async function () {
    // The project without artifacts (as a fresh clone) and with a contract that does not compile.
    const copy = mkdtempSync(path.join(tmpdir(), "grantkit-copy-"));
    try {
      // What a clone holds that the start path reads (not the git-ignored local records).
      for (const entry of [
        "contracts",
        "tasks",
        "scripts",
        "ignition",
        "sdk/src",
        "sdk/package.json",
        "deployments/record-schema.ts",
        "deployments/record.schema.json",
        "deploy.config.ts",
        "networks.config.ts",
        "hardhat.config.ts",
        "package.json",
        "tsconfig.json",
      ]) {
        cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
      }
      symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
      appendFileSync(path.join(copy, "contracts", "AccessGrants.sol"), "\nthis is not solidity\n");
      const run = await runStart({ cwd: copy });
      expect(run.code, run.output).to.equal(1);
      expect(run.output).to.match(/==> \[1\/4\] build: no AccessGrants artifact yet/);
      expect(run.output).to.match(/\[build\] ParserError/);
      expect(run.output).to.match(/error: npm start failed while building: npm run build failed/);
      expect(run.output).to.match(/hint: fix what the \[build\] lines above say/);
      expect(run.output, "no chain after a failed build").to.not.match(/==> \[2\/4\] chain/);
      await expectNothingLeft(run);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("an indexer that stops after the chain and the deploy takes everything down", async function () {
    // A setting the indexer refuses at start-up (src/api: limits are checked at start).
    const run = await runStart({ env: { SQL_MAX_COST: "a lot" } });
    expect(run.code, run.output).to.equal(1);
    expect(run.output).to.match(/deployed in/);
    expect(run.output).to.match(
      /error: npm start failed while starting the indexer: the indexer stopped \(exit code [1-9]\d*\): SQL_MAX_COST="a lot" is not a number/,
    );
    expect(run.output).to.match(/last lines of the indexer's output:[\s\S]*SQL_MAX_COST/);
    expect(run.output).to.match(/stopping chain/);
    expect(run.output).to.match(/stopped everything; ports \d+, \d+ are free/);
    expect(ran(run.seen, "hardhat node"), "the chain ran").to.equal(true);
    await expectNothingLeft(run);
  });

  it("SIGTERM while the indexer starts leaves nothing behind", async function () {
    const run = await runStart({
      // Once Ponder runs beside the chain: the most there is to stop before the banner.
      signalWhen: (_output, seen) => (ran(seen, "ponder start") ? "SIGTERM" : undefined),
    });
    expect(run.code, run.output).to.equal(0);
    expect(run.output).to.match(/SIGTERM: stopping/);
    expect(run.output).to.match(/stopped everything/);
    expect(ran(run.seen, "ponder start"), "the indexer ran").to.equal(true);
    await expectNothingLeft(run);
  });

  it("stops when its launcher dies (kill of npm ends npm and its shell, not the start)", async function () {
    const run = await runStart({
      viaShell: true,
      // SIGKILL to the shell once the chain runs: the start is orphaned, as after `kill <npm>`.
      signalWhen: (_output, seen) => (ran(seen, "hardhat node") ? "SIGKILL" : undefined),
    });
    expect(run.output).to.match(
      /our parent process \(pid \d+: npm or its shell\) is gone: stopping/,
    );
    expect(run.output).to.match(/stopped everything/);
    await expectNothingLeft(run);
  });

  it("a chain that dies half-way takes everything down and is named", async function () {
    const run = await runStart({
      // kill -9 of the chain's processes once it runs (the start's own SIGTERM would be expected).
      // while the deploy talks to it.
      signalWhen: (output, seen) => {
        if (/==> \[3\/4\] deploy/.test(output)) {
          killAll([...seen].filter(([, a]) => a.includes("hardhat node")).map(([pid]) => pid));
        }
        return undefined;
      },
    });
    expect(run.code, run.output).to.equal(1);
    // Whichever comes first: the chain's exit, or the deploy's failed call to it.
    expect(run.output).to.match(
      /error: npm start failed while deploying: (the chain stopped \(killed by SIGKILL\)|.*)\nhint: .*\[chain\] lines above/,
    );
    await expectNothingLeft(run);
  });

  it("a deploy that fails stops the chain and says what failed", async function () {
    // Records cannot be written: the folder is a file.
    const file = path.join(mkdtempSync(path.join(tmpdir(), "grantkit-start-")), "not-a-folder");
    appendFileSync(file, "");
    try {
      const run = await runStart({ env: { GRANTKIT_DEPLOYMENTS_DIR: file } });
      expect(run.code, run.output).to.equal(1);
      expect(run.output).to.match(/==> \[3\/4\] deploy/);
      expect(run.output).to.match(/error: npm start failed while deploying: /);
      expect(run.output).to.match(
        /hint: see the lines above; npx hardhat node, then npm run deploy/,
      );
      expect(run.output).to.match(/stopping chain/);
      expect(run.output, "no indexer after a failed deploy").to.not.match(/==> \[4\/4\] indexer/);
      await expectNothingLeft(run);
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
