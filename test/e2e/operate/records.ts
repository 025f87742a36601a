/**
 * `export` (the dApp bundle), then the records the commands refuse: an unknown network, a network
 * without a record, a record of another chain.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { describeOperate, grantkit, ok, record, recordsDir, refused, scratch } from "./setup.js";

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
});
