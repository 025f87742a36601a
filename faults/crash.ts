/**
 * Fault case "crash" (PGlite, PostgreSQL): kill -9 of the indexer mid-backfill and again while it
 * follows the chain live (transactions going on meanwhile), each followed by a restart on the same
 * database and schema and the differential check (about 85 s each: two restarts that wait for the
 * dead process's schema lock).
 */
import { expect } from "chai";

import { Stream } from "../scripts/lib/harness/activity.js";
import type { Indexer } from "../scripts/lib/harness/ponder-process.js";
import { waitFor } from "../scripts/lib/processes.js";
import { differential, type CheckSummary } from "./differential.js";
import { seedBacklog, secondsSince, type FaultKit, type World } from "./kit.js";

/**
 * Once the restarted indexer `ix` caught up: the time since `t` (its start) as `what`'s time to
 * recover, the differential check, and what Ponder logged about the dead process.
 */
async function restarted(
  kit: FaultKit,
  w: World,
  ix: Indexer,
  t: number,
  what: string,
): Promise<CheckSummary> {
  await ix.waitCaughtUp(w.anvil, 180_000);
  const seconds = secondsSince(t);
  const check = await differential(ix, w.anvil, [w.deployment]);
  kit.recovered(what, seconds);
  kit.note(`restart: ${ix.restartStory()}`);
  kit.note(
    `differential: ${check.grants} grants = getGrant, ${check.events} grant_event rows = eth_getLogs`,
  );
  return check;
}

export function crashCases(kit: FaultKit): void {
  for (const kind of ["pglite", "postgres"] as const) {
    it(`crash (${kind}): kill -9 mid-backfill and while live, restart on the same database`, async function () {
      const w = await kit.world(kind, `faults_crash_${kind}`);
      const { options } = w;
      kit.note(await seedBacklog(w.act));

      // 1. kill -9 in the middle of the backfill: once its first block range is committed.
      let ix = await kit.startIndexer(options);
      await waitFor(
        "the backfill's first committed block range",
        180_000,
        async () => {
          if (ix.logged(/Completed backfill/))
            throw new Error("the backfill completed before the kill");
          return ix.logged(/Indexed block range/);
        },
        () => ix.logTail(),
        10,
      );
      await ix.kill9();
      const ranges = ix.lines.filter((l) => /Indexed block range/.test(l));
      expect(ix.logged(/Completed backfill/), "killed before the backfill completed").to.equal(
        null,
      );
      kit.note(
        `kill -9 during the backfill after ${ranges.length} committed block range(s) (${ranges
          .map((l) => /block_range=(\[[^\]]*\])/.exec(l)?.[1])
          .join(", ")})`,
      );
      let t = performance.now();
      ix = await kit.startIndexer(options);
      await restarted(kit, w, ix, t, "restart after kill -9 mid-backfill");
      const firstWait = ix.lockWait();

      // 2. kill -9 while live, transactions going on meanwhile.
      const stream = new Stream(w.act);
      kit.cleanup(() => stream.stop());
      const before = ix.liveBlocks();
      await waitFor("8 live blocks indexed", 60_000, async () => ix.liveBlocks() >= before + 8);
      await ix.kill9();
      kit.note(`kill -9 while live at head ${await w.anvil.head()}, transactions still being sent`);
      t = performance.now();
      ix = await kit.startIndexer(options);
      await ix.waitHttp();
      await waitFor(
        "the restarted indexer live again",
        180_000,
        async () => ix.liveBlocks() >= 3,
        () => ix.logTail(),
      );
      await stream.stop();
      kit.note(
        `${stream.blocks} blocks of transactions sent during the live phase, kill and restart`,
      );
      const check = await restarted(kit, w, ix, t, "restart after kill -9 while live");
      kit.summarize(
        `kill -9 after ${ranges.length} committed backfill block range(s), then while live with ` +
          `transactions going on (${stream.blocks} blocks). Each restart waited for the dead ` +
          `process's schema lock (${firstWait.toFixed(0)} s, ${ix.lockWait().toFixed(0)} s), ran ` +
          `crash recovery and re-indexed from the last checkpoint. Then ${check.grants} grants ` +
          `equal getGrant and ${check.events} grant_event rows equal eth_getLogs: nothing lost or doubled.`,
      );
    });
  }
}
