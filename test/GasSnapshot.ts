import { expect } from "chai";
import hre, { network } from "hardhat";

import { measurePeers } from "../scripts/lib/gas-peers.js";
import { readGasSnapshot } from "../scripts/lib/gas-table.js";
import { measureGas } from "../scripts/lib/gas.js";

const { ethers, networkHelpers } = await network.create();

// Coverage instruments the bytecode, which changes every gas figure: under `npm run coverage` the
// test still runs every measured operation and checks the set of operations, not their gas.
const instrumented = hre.globalOptions.coverage === true;

describe("Gas snapshot", function () {
  it("no operation costs more than 1% over gas-snapshot.json (npm run bench:gas updates it)", async function () {
    const snapshot = readGasSnapshot();
    const rows = await measureGas(ethers, networkHelpers);
    expect(rows.map((r) => r.op).sort()).to.deep.equal(
      Object.keys(snapshot).sort(),
      "the measured operations differ from the snapshot: run npm run bench:gas",
    );
    if (instrumented) return;
    const over = rows
      .filter((r) => r.gas > snapshot[r.op]! * 1.01)
      .map((r) => `${r.op}: ${snapshot[r.op]} -> ${r.gas}`);
    expect(over, `gas rose by more than 1%:\n${over.join("\n")}`).to.deep.equal([]);
  });

  it("measures the peers (EAS, ERC-3643) on the same chain, each against one of our operations", async function () {
    const ours = new Set(Object.keys(readGasSnapshot()));
    const peers = await measurePeers(ethers, networkHelpers);
    const names = Object.keys(peers);
    expect(names.filter((op) => !ours.has(op))).to.deep.equal([]);
    const costs = Object.values(peers).flat();
    expect(new Set(costs.map((c) => c.peer))).to.deep.equal(new Set(["EAS", "ERC-3643"]));
    for (const c of costs) {
      expect(c.measured).to.equal(true);
      // At least a cold account access (the views); transactions cost at least 21,000.
      expect(c.gas, `${c.peer} ${c.op}`).to.be.greaterThan(2_600);
    }
  });
});
