/** One row per event: Ponder's event id, where it came from, and its name. */
import { onchainTable } from "ponder";

export const benchEvent = onchainTable("bench_event", (t) => ({
  id: t.text().primaryKey(),
  blockNumber: t.bigint().notNull(),
  logIndex: t.integer().notNull(),
  name: t.text().notNull(),
}));
