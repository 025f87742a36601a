/** What every route module is given: the database, the chain clock, the watcher and the budget. */
import type { db } from "ponder:api";

import type { Budget } from "./budget.js";
import type { ChainClock } from "./chain.js";
import type { CheckpointWatcher } from "./checkpoint.js";

export interface ApiContext {
  db: typeof db;
  clock: ChainClock;
  watcher: CheckpointWatcher;
  budget: Budget;
  /** Rows per table of ours (what an aggregate over a table reads). */
  tableSizes(): Promise<ReadonlyMap<string, number>>;
}
