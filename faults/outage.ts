/**
 * Fault case "RPC outage": the node down 30 s (FAULT_OUTAGE_SECONDS) mid-backfill and again while the
 * indexer follows it live, its state kept; /v1/ready must answer 503 meanwhile, and the indexer must
 * catch up by itself once the node is back (about 105 s).
 */
import { expect } from "chai";

import { Stream } from "../scripts/lib/harness/activity.js";
import type { ReadyBody } from "../scripts/lib/harness/ponder.js";
import { sleep } from "../scripts/lib/harness/model/rng.js";
import type { Indexer } from "../scripts/lib/harness/ponder-process.js";
import { waitFor } from "../scripts/lib/processes.js";
import { differential, fail } from "./differential.js";
import { seedBacklog, secondsSince, type FaultKit } from "./kit.js";

/** How long the RPC outage lasts (FAULT_OUTAGE_SECONDS), and how long a readiness probe waits. */
const OUTAGE_SECONDS = Number(process.env.FAULT_OUTAGE_SECONDS ?? 30);
/** How long /v1/ready may still answer from the head it read before the node went down. */
const READY_GRACE_MS = 7_000;
const PROBE_TIMEOUT_MS = 5_000;

export function outageCase(kit: FaultKit): void {
  it("RPC outage: node down 30 s mid-backfill and again while live (state kept), /v1/ready 503 meanwhile", async function () {
    const w = await kit.world("pglite", "faults_outage");
    const { options } = w;
    kit.note(await seedBacklog(w.act));
    const problems: string[] = [];

    /** The node down for OUTAGE_SECONDS; probes /v1/ready (and, to see, a REST list) meanwhile. */
    const outage = async (ix: Indexer, phase: string) => {
      const head = await w.anvil.head();
      const hash = await w.anvil.blockHash(head);
      await w.anvil.down();
      const t = performance.now();
      const answers: string[] = [];
      // Probes sent once the server's cached head is stale (src/api/routes/ready.ts: refreshed every
      // second, not trusted after 5 s): every one of them must be 503.
      const afterGrace: string[] = [];
      const rest: string[] = [];
      while (performance.now() - t < OUTAGE_SECONDS * 1000) {
        const p = performance.now();
        let answer: string;
        try {
          const a = await ix.get<ReadyBody>("/v1/ready", PROBE_TIMEOUT_MS);
          answer = `${a.status}${a.body?.reason ? ` (${a.body.reason})` : ""}`;
        } catch {
          answer = `no answer in ${PROBE_TIMEOUT_MS / 1000} s`;
        }
        answers.push(answer);
        if (p - t > READY_GRACE_MS) afterGrace.push(answer);
        if (rest.length < 2) {
          try {
            const a = await ix.get("/v1/grants?limit=1", PROBE_TIMEOUT_MS);
            rest.push(String(a.status));
          } catch {
            rest.push(`no answer in ${PROBE_TIMEOUT_MS / 1000} s`);
          }
        }
        await sleep(Math.max(0, 2_000 - (performance.now() - p)));
      }
      const tally = new Map<string, number>();
      for (const a of answers) tally.set(a, (tally.get(a) ?? 0) + 1);
      const ready = [...tally].map(([k, n]) => `${k} ×${n}`).join(", ");
      const list = [...new Set(rest)].join(", ");
      kit.note(
        `${phase}: node down ${secondsSince(t)} s at head ${head}; /v1/ready: ${ready}; ` +
          `GET /v1/grants?limit=1: ${list}; indexer ${ix.alive() ? "still running" : "exited"}`,
      );
      for (const a of afterGrace)
        if (!a.startsWith("503")) {
          problems.push(
            `${phase}: /v1/ready more than ${READY_GRACE_MS / 1000} s after the node went down: ${a} (want 503)`,
          );
          break;
        }
      if (afterGrace.length < 5)
        problems.push(
          `${phase}: only ${afterGrace.length} readiness probes after the grace period`,
        );
      expect(ix.alive(), `the indexer survived the outage:\n${ix.logTail()}`).to.equal(true);
      await w.anvil.up();
      expect(await w.anvil.blockHash(head), "the node came back with the same chain").to.equal(
        hash,
      );
      return { ready, list };
    };

    // 1. Mid-backfill: the node goes away once Ponder has started fetching the backfill's data.
    const ix = await kit.startIndexer(options);
    await waitFor("the backfill to start", 180_000, async () =>
      ix.logged(/Started fetching backfill/),
    );
    const during = await outage(ix, "mid-backfill");
    let t = performance.now();
    await ix.waitCaughtUp(w.anvil, 180_000);
    let seconds = secondsSince(t);
    let check = await differential(ix, w.anvil, [w.deployment]);
    kit.recovered("node back after the outage mid-backfill", seconds);
    const firstRecovery = seconds;
    kit.note(
      `differential: ${check.grants} grants, ${check.events} grant_event rows = eth_getLogs`,
    );

    // 2. Live, following transactions.
    let stream = new Stream(w.act);
    kit.cleanup(() => stream.stop());
    const before = ix.liveBlocks();
    await waitFor("5 live blocks indexed", 60_000, async () => ix.liveBlocks() >= before + 5);
    await stream.stop();
    const live = await outage(ix, "live");
    t = performance.now();
    stream = new Stream(w.act);
    await sleep(1_500);
    await stream.stop();
    await ix.waitCaughtUp(w.anvil, 180_000);
    seconds = secondsSince(t);
    check = await differential(ix, w.anvil, [w.deployment]);
    kit.recovered("node back after the outage while live (new blocks sent at once)", seconds);
    kit.note(
      `differential: ${check.grants} grants, ${check.events} grant_event rows = eth_getLogs`,
    );
    kit.summarize(
      `The indexer kept running through both ${OUTAGE_SECONDS} s outages and caught up by itself ` +
        `(${firstRecovery} s and ${seconds} s after the node came back), equal to the contract. ` +
        `/v1/ready mid-backfill: ${during.ready}; while live: ${live.ready}. ` +
        `GET /v1/grants?limit=1 during the outages: ${[...new Set([during.list, live.list])].join(", ")}.`,
    );
    fail(problems, "readiness");
  });
}
