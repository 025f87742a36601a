/**
 * `export` (the dApp bundle), then the records the commands refuse: an unknown network, a network
 * without a record, a record of another chain, a corrupt or hand-edited record; and `list` and
 * `deploy` through a node that caps eth_getLogs ranges, as public RPC providers do.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { runHardhat } from "../../../scripts/lib/harness/node.js";
import { startLogCapProxy, type LogCapProxy } from "./log-cap-proxy.js";
import {
  ACCOUNT,
  describeOperate,
  grantkit,
  node,
  ok,
  record,
  recordsDir,
  refused,
  scratch,
} from "./setup.js";

/** A records folder with `localhost.json` holding `text`. */
function recordsWith(name: string, text: string): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "localhost.json"), text);
  return dir;
}

describeOperate(function () {
  describe("export", function () {
    it("export writes the dApp bundle: ABIs, addresses, chain id, start blocks", async function () {
      const out = ok(await grantkit(["export", "--out", path.join(scratch, "bundle")]));
      expect(out).to.include("grantkit.localhost.json");
      const bundle = JSON.parse(
        readFileSync(path.join(scratch, "bundle", "grantkit.localhost.json"), "utf8"),
      );
      expect(bundle.chainId).to.equal(31337);
      for (const name of ["AccessGrants", "IssuerRegistry"] as const) {
        expect(bundle.contracts[name]).to.deep.equal({
          address: record.contracts[name]!.address,
          startBlock: record.contracts[name]!.blockNumber,
          txHash: record.contracts[name]!.txHash,
        });
      }
      const names = (abi: { type: string; name?: string }[]) => abi.map((f) => f.name);
      expect(names(bundle.abis.AccessGrants)).to.include.members([
        "grantBySignature",
        "GrantCreated",
        "AccessGrantsLocked",
      ]);
      expect(names(bundle.abis.IssuerRegistry)).to.include.members([
        "isTrusted",
        "IssuerUpdated",
        "hasRole",
      ]);
      expect(names(bundle.abis.GrantGate)).to.include.members([
        "GATE_PURPOSE",
        "GrantGateNotGranted",
      ]);
    });
  });

  describe("wrong network or record", function () {
    it("an unknown network is refused with the known ones", async function () {
      const line = refused(await grantkit(["list"], recordsDir, "nosuch"));
      expect(line).to.match(
        /^error: unknown network "nosuch" \(use --network with one of: localhost, /,
      );
    });

    it("a network without a deployment record is refused", async function () {
      const empty = path.join(scratch, "empty");
      mkdirSync(empty, { recursive: true });
      const line = refused(await grantkit(["list"], empty));
      expect(line).to.match(
        /^error: no deployment record for network "localhost" .*\(run: npm run deploy -- --network localhost\)$/,
      );
    });

    it("a record of another chain id is refused", async function () {
      const other = path.join(scratch, "other");
      mkdirSync(other, { recursive: true });
      writeFileSync(path.join(other, "localhost.json"), JSON.stringify({ ...record, chainId: 1 }));
      const line = refused(await grantkit(["list"], other));
      expect(line).to.equal(
        'error: the node of network "localhost" has chain id 31337, its record says 1 (point the network at the right node, or deploy again to write a fresh record)',
      );
    });
  });

  describe("a corrupt or hand-edited record", function () {
    const truncated = () => JSON.stringify(record, null, 2).slice(0, 200);

    it("list refuses a record that is not JSON, naming the file, without a stack", async function () {
      const result = await grantkit(["list"], recordsWith("truncated", truncated()));
      const line = refused(result);
      expect(line).to.match(
        /^error: the deployment record \S*localhost\.json is not valid: is not JSON: /,
      );
      expect(line).to.match(
        /\(restore it from git \(git restore \S+\) or redeploy: npm run deploy -- --network localhost\)$/,
      );
      expect(result.stderr).not.to.match(/SyntaxError|unexpected error|^\s+at /m);
    });

    it("export refuses an address of 39 hex digits, naming the field", async function () {
      const bad = structuredClone(record);
      bad.contracts.IssuerRegistry!.address = bad.contracts.IssuerRegistry!.address.slice(0, 41);
      const dir = recordsWith("short-address", JSON.stringify(bad));
      const result = await grantkit(["export", "--out", path.join(scratch, "bad-bundle")], dir);
      expect(refused(result)).to.match(
        /localhost\.json is not valid: contracts\.IssuerRegistry\.address is not valid: An address/,
      );
      expect(result.stderr).not.to.match(/HHE|resolveName/);
    });

    it("deploy refuses to overwrite a record it cannot read, and sends nothing", async function () {
      const dir = recordsWith("deploy-truncated", truncated());
      const blocks = await node.provider.getBlockNumber();
      const result = await runHardhat(["grantkit", "deploy", "--network", "localhost"], {
        url: node.url,
        recordsDir: dir,
      });
      expect(refused(result)).to.match(
        /localhost\.json is not valid: is not JSON: .*set it aside to write a new one: mv \S+ \S+\.bak\)$/,
      );
      expect(readFileSync(path.join(dir, "localhost.json"), "utf8")).to.equal(truncated());
      expect(await node.provider.getBlockNumber()).to.equal(blocks);
    });
  });

  describe("a node that refuses eth_getLogs over 10 blocks (a public provider's cap)", function () {
    let proxy: LogCapProxy;

    before(async function () {
      // Some hundreds of blocks after the deployment, so that its events lie in a long range; one
      // evm_mine each (the blocks of one hardhat_mine read as empty to eth_getCode).
      for (let i = 0; i < 300; i++) await node.provider.send("evm_mine", []);
      proxy = await startLogCapProxy(node.url, 10);
    });

    after(async function () {
      await proxy?.close();
    });

    it("list reads the registry's events in chunks", async function () {
      const out = ok(
        await runHardhat(["--network", "localhost", "grantkit", "list"], {
          url: proxy.url,
          recordsDir,
        }),
      );
      expect(out).to.include(`registrars: ${ACCOUNT[1]}`);
      expect(out).to.match(/credential types \(3\):/);
      expect(out).to.include(`${ACCOUNT[2]} Active CH kyc.basic,aml.screening`);
      expect(proxy.refused, "the cap was met").to.be.greaterThan(0);
      expect(proxy.passed).to.be.greaterThan(0);
    });

    it("deploy (nothing new to send) writes the same record through it", async function () {
      const dir = path.join(scratch, "capped-deploy");
      mkdirSync(dir, { recursive: true });
      const blocks = await node.provider.getBlockNumber();
      ok(
        await runHardhat(["grantkit", "deploy", "--network", "localhost"], {
          url: proxy.url,
          recordsDir: dir,
        }),
      );
      const written = JSON.parse(readFileSync(path.join(dir, "localhost.json"), "utf8"));
      expect(written.contracts).to.deep.equal(record.contracts);
      expect(await node.provider.getBlockNumber(), "nothing was sent").to.equal(blocks);
    });
  });
});
