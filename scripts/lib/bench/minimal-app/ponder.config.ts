/**
 * The baseline of `npm run bench:indexer`: the smallest Ponder app over the same events as the
 * indexer (indexer/ponder.config.ts): the same deployment records (GRANTKIT_DEPLOYMENTS_DIR), start
 * blocks, chains, RPC URLs (indexer/rpc.ts), polling interval, ordering and database settings, the
 * same ABIs (sdk/src/abi). Its handlers (src/index.ts) insert one row per event and nothing else.
 */
import { readdirSync } from "node:fs";
import path from "node:path";

import { createConfig } from "ponder";

import { readRecordFile } from "../../../../deployments/record-schema.js";
import { rpcFor } from "../../../../indexer/rpc.js";
import { accessGrantsAbi, issuerRegistryAbi } from "../../../../sdk/src/abi.js";

type Address = `0x${string}`;

const dir = process.env.GRANTKIT_DEPLOYMENTS_DIR;
if (!dir) throw new Error("set GRANTKIT_DEPLOYMENTS_DIR to the benchmark's records folder");
const records = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => readRecordFile(path.join(dir, f)));

const chains = Object.fromEntries(
  records.map((r) => [
    `chain${r.chainId}`,
    {
      id: r.chainId,
      rpc: rpcFor(r.chainId),
      pollingInterval: Number(process.env.PONDER_POLLING_INTERVAL_MS ?? 1000),
    },
  ]),
);

function contractOn(name: "AccessGrants" | "IssuerRegistry") {
  return Object.fromEntries(
    records.flatMap((r) => {
      const c = r.contracts[name];
      return c
        ? [[`chain${r.chainId}`, { address: c.address as Address, startBlock: c.blockNumber }]]
        : [];
    }),
  );
}

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.PONDER_PGLITE_DIR! },
  ordering: "multichain",
  chains,
  contracts: {
    AccessGrants: { abi: accessGrantsAbi, chain: contractOn("AccessGrants") },
    IssuerRegistry: { abi: issuerRegistryAbi, chain: contractOn("IssuerRegistry") },
  },
});
