/**
 * `npm run bench:gas`: measures every AccessGrants and IssuerRegistry operation as a transaction on
 * the in-process Hardhat network, then the peers' comparable operations on the same chain (EAS and
 * the ERC-3643 trusted-issuers registry, deployed from their npm packages), prints the table with
 * floors and peers, and rewrites `gas-snapshot.json` (our operations only). Commit the snapshot with
 * the change that moved it: the gas snapshot test fails on any operation that costs more than 1%
 * over it.
 */
import { network } from "hardhat";

import { measurePeers, withPeers } from "./lib/gas-peers.js";
import { formatGasTable, formatPeerLegend, writeGasSnapshot } from "./lib/gas-table.js";
import { measureGas } from "./lib/gas.js";

const { ethers, networkHelpers } = await network.create();
const ours = await measureGas(ethers, networkHelpers);
const rows = withPeers(ours, await measurePeers(ethers, networkHelpers));
console.log(formatGasTable(rows));
console.log("\npeers (x = peer gas / ours):");
console.log(formatPeerLegend(rows));
writeGasSnapshot(ours);
console.log("\nwrote gas-snapshot.json (commit it with the change that moved it)");
