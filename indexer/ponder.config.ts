/**
 * One indexer over every chain that has a deployment record: `deployments/*.json` (or
 * GRANTKIT_DEPLOYMENTS_DIR) gives each chain's addresses and start blocks; RPC URLs come from the
 * environment (PONDER_RPC_URL_<chainId>, comma-separated for several, or http://127.0.0.1:8545 for a
 * local chain). See indexer/README.md.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createConfig } from "ponder";

import { readRecordFile, type DeploymentRecord } from "../deployments/record-schema";
import { accessGrantsAbi, issuerRegistryAbi } from "../sdk/src/abi";
import { rpcFor } from "./rpc";

type Address = `0x${string}`;

const here = path.dirname(fileURLToPath(import.meta.url));
const recordsDir = process.env.GRANTKIT_DEPLOYMENTS_DIR ?? path.join(here, "..", "deployments");

function loadRecords(): DeploymentRecord[] {
  let files: string[] = [];
  try {
    // deployments/ also holds the records' schema (record.schema.json), which is no record.
    files = readdirSync(recordsDir).filter(
      (f) => f.endsWith(".json") && !f.endsWith(".schema.json"),
    );
  } catch {
    // no records yet
  }
  const only = process.env.PONDER_NETWORKS?.split(",").map((s) => s.trim());
  return (
    files
      // Each record is checked against the schema: a malformed or partial one stops the indexer with
      // the file name and the field that is wrong.
      .map((f) => readRecordFile(path.join(recordsDir, f)))
      .filter((r) => !only || only.includes(r.network))
  );
}

const records = loadRecords();
if (records.length === 0) {
  throw new Error(
    `no deployment record in ${recordsDir}: deploy first (npm run deploy -- --network <name>)`,
  );
}

const chains: Record<string, { id: number; rpc: string[]; pollingInterval?: number }> = {};
for (const r of records) {
  const name = `chain${r.chainId}`;
  chains[name] = {
    id: r.chainId,
    rpc: rpcFor(r.chainId),
    pollingInterval: Number(process.env.PONDER_POLLING_INTERVAL_MS ?? 1000),
  };
}

function contractOn(name: "AccessGrants" | "IssuerRegistry") {
  const perChain: Record<string, { address: Address[]; startBlock: number }> = {};
  for (const r of records) {
    const c = r.contracts[name];
    if (!c) continue;
    const key = `chain${r.chainId}`;
    const entry = (perChain[key] ??= { address: [], startBlock: c.blockNumber });
    // The schema checked the address: 0x and 40 hex digits.
    const address = c.address as Address;
    if (!entry.address.includes(address)) entry.address.push(address);
    entry.startBlock = Math.min(entry.startBlock, c.blockNumber);
  }
  return perChain;
}

export default createConfig({
  // PostgreSQL when DATABASE_URL is set; otherwise embedded PGlite in PONDER_PGLITE_DIR (default
  // .ponder/pglite), so that tests and several local runs can each have their own.
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : {
        kind: "pglite",
        directory: process.env.PONDER_PGLITE_DIR ?? path.join(here, ".ponder", "pglite"),
      },
  ordering: "multichain",
  chains,
  contracts: {
    AccessGrants: { abi: accessGrantsAbi, chain: contractOn("AccessGrants") },
    IssuerRegistry: { abi: issuerRegistryAbi, chain: contractOn("IssuerRegistry") },
  },
});
