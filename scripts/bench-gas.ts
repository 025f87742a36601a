/**
 * `npm run bench:gas`: measures every AccessGrants operation as a transaction on the in-process
 * Hardhat network, prints the table with floors and peers, and rewrites `gas-snapshot.json`.
 * Commit the snapshot with the change that moved it: the gas snapshot test fails on any operation
 * that costs more than 1% over it.
 */
import { network } from "hardhat";

import { formatGasTable, measureGas, writeGasSnapshot } from "./lib/gas.js";

const { ethers, networkHelpers } = await network.create();
const rows = await measureGas(ethers, networkHelpers);
console.log(formatGasTable(rows));
writeGasSnapshot(rows);
console.log("\nwrote gas-snapshot.json (commit it with the change that moved it)");
