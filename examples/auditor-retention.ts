/**
 * An auditor exports a grantee's retention list: every grant to it whose lock is in force (data it
 * must keep until the unlock date), from the indexer, as CSV on stdout. What it does goes to stderr,
 * so `> retention.csv` keeps only the CSV.
 *
 * It first asks the indexer how far it has indexed (`getReady`), so the export says as of which
 * block it is, and refuses an indexer more than MAX_LAG_BLOCKS behind its chain head.
 *
 *   INDEXER_URL      the indexer's base URL                       default http://127.0.0.1:42069
 *   GRANTEE_ADDRESS  whose retention list                         default Hardhat account #15
 *                    (one of the grantees of `npm start -- --demo`)
 *   CHAIN_ID         only this chain                              default every chain indexed
 *   MAX_LAG_BLOCKS   how far behind the indexer may be            default 2
 */
import { formatSeconds } from "@grantkit/sdk";
import { createIndexerClient } from "@grantkit/sdk/indexer";
import type { Address } from "viem";

import { runMain } from "./lib/runMain.ts";

const INDEXER_URL = process.env.INDEXER_URL ?? "http://127.0.0.1:42069";
const GRANTEE = (process.env.GRANTEE_ADDRESS ??
  "0xcd3B766CCDd6AE721141F452C550Ca635964ce71") as Address;
const CHAIN_ID = process.env.CHAIN_ID ? Number(process.env.CHAIN_ID) : undefined;
const MAX_LAG = Number(process.env.MAX_LAG_BLOCKS ?? 2);

const COLUMNS = [
  "chainId",
  "contract",
  "grantId",
  "owner",
  "dataHash",
  "purpose",
  "lockedUntil",
  "unlocksAt",
  "expiresAt",
  "status",
] as const;

async function main(): Promise<void> {
  const indexer = createIndexerClient({ baseUrl: INDEXER_URL });

  const ready = await indexer.getReady();
  const chains = ready.chains.filter((c) => CHAIN_ID === undefined || c.chainId === CHAIN_ID);
  if (chains.length === 0) throw new Error(`the indexer follows no chain ${CHAIN_ID ?? ""}`);
  for (const c of chains) {
    if (c.indexed === null || c.head === null || c.head - c.indexed > MAX_LAG)
      throw new Error(
        `chain ${c.chainId}: indexed ${c.indexed ?? "nothing"} of head ${c.head ?? "?"}, more than ${MAX_LAG} blocks behind`,
      );
    console.error(`chain ${c.chainId}: indexed up to block ${c.indexed} (head ${c.head})`);
  }

  console.log(COLUMNS.join(","));
  let rows = 0;
  for await (const g of indexer.iterateRetention({ grantee: GRANTEE, chainId: CHAIN_ID })) {
    const row = {
      ...g,
      lockedUntil: g.lockedUntil.toString(),
      unlocksAt: g.unlocksAt ?? formatSeconds(g.lockedUntil),
      expiresAt: g.expiresAt === 0n ? "never" : formatSeconds(g.expiresAt),
    };
    console.log(COLUMNS.map((c) => String(row[c])).join(","));
    rows++;
  }
  console.error(`${rows} locked grant${rows === 1 ? "" : "s"} retained by ${GRANTEE}`);
}

runMain("auditor-retention", main);
