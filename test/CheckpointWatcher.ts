/**
 * CheckpointWatcher's reads of the stamp (indexer/src/api/checkpoint.ts): `fresh` asks for a read
 * that starts after its call and shares it; `after` asks for none and is settled by the next read
 * that starts after its call, whoever makes it (the periodic tick, or a `fresh` caller). PGlite's
 * from-memory path is in test/PgliteCommits.ts.
 */
import { expect } from "chai";

import { CheckpointWatcher } from "../indexer/src/api/checkpoint.js";

const CHECKPOINT = `${"1".padStart(10, "0")}${"1".padStart(16, "0")}${"5".padStart(16, "0")}`;

/** A database stand-in whose reads wait until the test lets each one end. */
function database() {
  const reads: { snapshot: number; end: () => void; fail: (e: Error) => void }[] = [];
  const db = { snapshot: 1, reads };
  const watcher = new CheckpointWatcher(
    () =>
      new Promise((resolve, reject) => {
        const snapshot = db.snapshot;
        reads.push({
          snapshot,
          end: () => resolve([{ latest_checkpoint: CHECKPOINT, snapshot: `snap ${snapshot}` }]),
          fail: reject,
        });
      }),
    60_000,
  );
  return { db, watcher };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("CheckpointWatcher (indexer/src/api/checkpoint.ts)", function () {
  it("after(): makes no read, and takes the first read that starts after its call", async function () {
    const { db, watcher } = database();
    const inFlight = watcher.poll(); // started before `after` is called
    let got: string | undefined;
    const waiting = watcher.after().then((s) => (got = s));
    await tick();
    expect(db.reads.length, "after() asked for no read").to.equal(1);
    db.snapshot = 2;
    db.reads[0]!.end();
    await inFlight;
    await tick();
    expect(got, "a read that started before the call does not settle it").to.equal(undefined);
    const next = watcher.poll(); // the periodic read
    db.reads[1]!.end();
    await next;
    await waiting;
    expect(got).to.equal(`${CHECKPOINT}|snap 2`);
  });

  it("after(): settled before the fresh() caller that made the read resumes", async function () {
    const { db, watcher } = database();
    const order: string[] = [];
    const later = watcher.after().then(() => order.push("after"));
    const fresh = watcher.fresh().then(() => order.push("fresh"));
    await tick();
    expect(db.reads.length).to.equal(1);
    db.reads[0]!.end();
    await Promise.all([later, fresh]);
    expect(order).to.deep.equal(["after", "fresh"]);
  });

  it("after(): rejects when its read fails, and when the watcher stops", async function () {
    const { db, watcher } = database();
    const failing = watcher.after().then(() => "settled");
    const read = watcher.poll().then(() => "settled");
    db.reads[0]!.fail(new Error("connection refused"));
    expect(await read.catch((e: Error) => e.message)).to.equal("connection refused");
    expect(await failing.catch((e: Error) => e.message)).to.equal("connection refused");
    const stopped = watcher.after().then(() => "settled");
    watcher.stop();
    expect(await stopped.catch((e: Error) => e.message)).to.equal("the checkpoint watcher stopped");
    const late = watcher.after().then(() => "settled");
    expect(await late.catch((e: Error) => e.message), "called after stop()").to.equal(
      "the checkpoint watcher stopped",
    );
    expect(db.reads.length).to.equal(1);
  });

  it("after(): rejects when its read answers rows that are not checkpoints", async function () {
    const watcher = new CheckpointWatcher(async () => [{ latest_checkpoint: "not a checkpoint" }]);
    const waiting = watcher.after().then(() => "settled");
    expect(await watcher.poll().catch((e: Error) => e.name)).to.equal("SyntaxError");
    expect(await waiting.catch((e: Error) => e.name)).to.equal("SyntaxError");
  });
});
