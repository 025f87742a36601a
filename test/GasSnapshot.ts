import { expect } from "chai";
import { network } from "hardhat";

import { measureGas, readGasSnapshot } from "../scripts/lib/gas.js";

const { ethers, networkHelpers } = await network.create();

describe("Gas snapshot", function () {
  it("no operation costs more than 1% over gas-snapshot.json (run npm run bench:gas to update it)", async function () {
    const snapshot = readGasSnapshot();
    const rows = await measureGas(ethers, networkHelpers);
    expect(rows.map((r) => r.op).sort()).to.deep.equal(
      Object.keys(snapshot).sort(),
      "operations differ from the snapshot",
    );
    const over = rows
      .filter((r) => r.gas > snapshot[r.op]! * 1.01)
      .map((r) => `${r.op}: ${snapshot[r.op]} -> ${r.gas}`);
    expect(over, `gas rose by more than 1%:\n${over.join("\n")}`).to.deep.equal([]);
  });
});
