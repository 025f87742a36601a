/**
 * What faults/faults.ts hands each fault case (faults/crash.ts, outage.ts, reorg.ts, deployment.ts):
 * a fresh chain with GrantKit on it, databases and indexers that the suite's afterEach stops, and the
 * case's record for scripts/faults-report.ts (what happened, times to recover, a summary).
 */
import type { Activity } from "../scripts/lib/harness/activity.js";
import type { Anvil } from "../scripts/lib/harness/anvil.js";
import type { DeploymentRecord } from "../scripts/lib/deployment.js";
import type { Indexer, IndexerOptions } from "../scripts/lib/harness/ponder-process.js";
import type { Deployment } from "./differential.js";

/** Ponder's finality on 31337: blocks older than head - 30 are final (node_modules/ponder/dist/esm/utils/finality.js). */
export const FINALITY = 30;

export const secondsSince = (t: number) => Math.round((performance.now() - t) / 100) / 10;

/** A chain (anvil, state in `work`) with GrantKit deployed and a load generator of its owners. */
export interface World {
  work: string;
  anvil: Anvil;
  recordsDir: string;
  record: DeploymentRecord;
  accounts: string[];
  act: Activity;
  deployment: Deployment;
  /** An indexer of this chain on a database of the case's kind, with the case's schema. */
  options: IndexerOptions;
}

export interface FaultKit {
  /**
   * A new chain with GrantKit on it and a database of `kind` (a PGlite folder, or a private PostgreSQL
   * server) for an indexer writing into `schema`; all of it removed after the case.
   */
  world(kind: "pglite" | "postgres", schema: string): Promise<World>;
  /** Starts an indexer that afterEach stops (SIGTERM, then kill -9). */
  startIndexer(options: IndexerOptions): Promise<Indexer>;
  /** Runs `fn` after the case, last registered first. */
  cleanup(fn: () => Promise<void> | void): void;
  /** A line of what happened (the report's details). */
  note(line: string): void;
  /** The case's one-paragraph summary (the report's table). */
  summarize(text: string): void;
  /** A time to recover, in seconds, noted as well. */
  recovered(what: string, seconds: number): void;
  /** The times to recover noted so far. */
  recoveries(): Record<string, number>;
}

/** A few thousand grant events in few blocks, then enough empty blocks that Ponder backfills them. */
export async function seedBacklog(act: Activity): Promise<string> {
  const t = performance.now();
  const from = await act.anvil.head();
  for (let i = 0; i < 30; i++) await act.grant(200);
  for (let i = 0; i < 10; i++) await act.revoke(100);
  for (let i = 0; i < 5; i++) await act.regrant(100);
  const events = 30 * 200 + 10 * 100 + 5 * 100;
  await act.mineEmpty(FINALITY + 5);
  return `seeded ${events} grant events in 45 blocks, then ${FINALITY + 5} empty blocks (blocks ${from + 1}-${await act.anvil.head()}, ${secondsSince(t)} s)`;
}
