/**
 * The REST response cache's middleware (indexer/src/api/cache.ts) on its own, with a real
 * CheckpointWatcher over a database stand-in whose snapshot the test moves (not started: the test
 * makes its periodic read with `poll()`): a cold key is computed at once and kept only when no
 * commit came between the stamp known before it and the next one read after it, and no read is
 * made for it; a kept answer is served only under the stamp of a read that started after the
 * request arrived; a route judged at the head's time is not kept when "now" moved meanwhile. The
 * live stack's version (a real indexer, reorgs, expiries) is test/e2e/cache.ts.
 */
import { expect } from "chai";
import { Hono } from "hono";

import {
  responseCache,
  ResponseStore,
  type CachedRoute,
  type Now,
} from "../indexer/src/api/cache.js";
import { CheckpointWatcher } from "../indexer/src/api/checkpoint.js";

const CHECKPOINT = `${"1".padStart(10, "0")}${"1".padStart(16, "0")}${"5".padStart(16, "0")}`;

/** A database stand-in: its snapshot changes with every `commit()`; reads are counted. */
function database() {
  const db = {
    snapshot: 1,
    reads: 0,
    commit: () => void db.snapshot++,
    /** How long a read takes (ms): a round trip to PostgreSQL. */
    delay: 0,
  };
  const watcher = new CheckpointWatcher(async () => {
    db.reads++;
    const snapshot = `snap ${db.snapshot}`;
    if (db.delay > 0) await new Promise((r) => setTimeout(r, db.delay));
    return [{ latest_checkpoint: CHECKPOINT, snapshot }];
  }, 60_000);
  return { db, watcher };
}

/** A clock stand-in: "now" is `time`, known at once. */
function clock(state: { time: number }): Now {
  return {
    knowsNow: () => true,
    knownNowStamp: () => `1:${state.time}`,
    nowStamp: async () => `1:${state.time}`,
  };
}

function app(
  watcher: CheckpointWatcher,
  now: { time: number },
  handler: (key: string) => Promise<unknown>,
  heads: Now = clock(now),
) {
  const store = new ResponseStore({ entries: 100, bytes: 1 << 20 });
  const routes: CachedRoute[] = [
    { route: { path: "/v1/data/{key}", method: "get" } as CachedRoute["route"], now: false },
    { route: { path: "/v1/now/{key}", method: "get" } as CachedRoute["route"], now: true },
  ];
  const hono = new Hono();
  hono.use("/v1/*", responseCache(store, watcher, heads, routes));
  for (const prefix of ["data", "now"])
    hono.get(`/v1/${prefix}/:key`, async (c) => c.json(await handler(c.req.param("key"))));
  return { hono, store };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe("REST response cache middleware (indexer/src/api/cache.ts)", function () {
  it("computes a cold key at once and keeps it at the next read when no commit came in between", async function () {
    const { db, watcher } = database();
    await watcher.fresh();
    let runs = 0;
    const { hono, store } = app(watcher, { time: 1 }, async (key) => ({ key, run: ++runs }));
    const readsBefore = db.reads;
    const first = await hono.request("/v1/data/a");
    expect(await first.json()).to.deep.equal({ key: "a", run: 1 });
    await settle();
    expect(store.misses).to.equal(1);
    expect(db.reads - readsBefore, "no read is made for a cold answer").to.equal(0);
    expect(store.entries, "not kept before a read").to.equal(0);
    await watcher.poll(); // the periodic read
    expect(store.entries, "kept at the next read").to.equal(1);
    const second = await hono.request("/v1/data/a");
    expect(await second.json()).to.deep.equal({ key: "a", run: 1 });
    expect(store.hits).to.equal(1);
    expect(runs).to.equal(1);
    expect(second.headers.get("etag")).to.match(/^"/);
  });

  it("serves a request that arrives while a cold answer waits for its read from that answer", async function () {
    const { db, watcher } = database();
    await watcher.fresh();
    db.delay = 50;
    let runs = 0;
    const { hono, store } = app(watcher, { time: 1 }, async (key) => ({ key, run: ++runs }));
    const first = await hono.request("/v1/data/a");
    expect(await first.json()).to.deep.equal({ key: "a", run: 1 });
    expect(store.entries, "no read has come after it yet").to.equal(0);
    const second = await hono.request("/v1/data/a");
    expect(await second.json()).to.deep.equal({ key: "a", run: 1 });
    expect(runs).to.equal(1);
    expect(store.hits).to.equal(1);
  });

  it("does not keep a cold answer when a commit came while it was computed", async function () {
    const { db, watcher } = database();
    await watcher.fresh();
    let runs = 0;
    const { hono, store } = app(watcher, { time: 1 }, async (key) => {
      runs++;
      // The answer is read, then a commit lands before the request ends.
      const answer = { key, snapshot: db.snapshot };
      db.commit();
      return answer;
    });
    expect(await (await hono.request("/v1/data/a")).json()).to.deep.equal({
      key: "a",
      snapshot: 1,
    });
    await watcher.poll();
    expect(store.entries, "nothing kept").to.equal(0);
    expect(await (await hono.request("/v1/data/a")).json()).to.deep.equal({
      key: "a",
      snapshot: 2,
    });
    expect(runs).to.equal(2);
    expect(store.hits).to.equal(0);
  });

  it("serves a kept answer only under a stamp read after the request arrived", async function () {
    const { db, watcher } = database();
    await watcher.fresh();
    const { hono, store } = app(watcher, { time: 1 }, async (key) => ({
      key,
      snapshot: db.snapshot,
    }));
    await hono.request("/v1/data/a");
    await watcher.poll();
    expect(store.entries).to.equal(1);
    const reads = db.reads;
    expect(await (await hono.request("/v1/data/a")).json()).to.deep.equal({
      key: "a",
      snapshot: 1,
    });
    expect(db.reads, "a hit reads the stamp again").to.equal(reads + 1);
    db.commit();
    expect(await (await hono.request("/v1/data/a")).json()).to.deep.equal({
      key: "a",
      snapshot: 2,
    });
    expect(store.invalidations).to.equal(1);
  });

  it("does not keep an answer judged at the head's time when the head moved meanwhile", async function () {
    const { watcher } = database();
    await watcher.fresh();
    const now = { time: 1 };
    let runs = 0;
    const { hono, store } = app(watcher, now, async (key) => {
      runs++;
      const answer = { key, now: now.time };
      now.time++;
      return answer;
    });
    await hono.request("/v1/now/a");
    await watcher.poll();
    expect(store.entries).to.equal(0);
    expect(await (await hono.request("/v1/now/a")).json()).to.deep.equal({ key: "a", now: 2 });
    expect(runs).to.equal(2);
  });

  it("answers without the cache, not moving it back, when a newer stamp came while the heads were read", async function () {
    const { db, watcher } = database();
    await watcher.fresh();
    const now = { time: 1 };
    // The heads' read of the next request waits until the test lets it go.
    let slow = false;
    let release = () => {};
    const heads: Now = {
      ...clock(now),
      nowStamp: async () => {
        if (slow) await new Promise<void>((r) => (release = r));
        return `1:${now.time}`;
      },
    };
    let runs = 0;
    const { hono, store } = app(
      watcher,
      now,
      async (key) => ({ key, snapshot: db.snapshot, run: ++runs }),
      heads,
    );
    await hono.request("/v1/now/x");
    await hono.request("/v1/data/a");
    await watcher.poll();
    expect(store.entries).to.equal(2);

    db.commit(); // snapshot 2: the slow request reads it, then waits for the heads
    slow = true;
    const waiting = hono.request("/v1/now/x");
    await settle();
    slow = false;
    db.commit(); // snapshot 3: a request for "a" reads it, and the store moves on to it
    expect(await (await hono.request("/v1/data/a")).json()).to.include({ snapshot: 3 });
    const invalidations = store.invalidations;
    const runsBefore = runs;
    release();
    expect(await (await waiting).json(), "computed, from the data as it is").to.include({
      key: "x",
      snapshot: 3,
    });
    expect(runs).to.equal(runsBefore + 1);
    expect(store.invalidations, "the store stayed at snapshot 3").to.equal(invalidations);
    expect(await (await hono.request("/v1/data/a")).json(), "still kept").to.include({
      snapshot: 3,
      run: runsBefore,
    });
  });

  it("keeps a 404 as a 200; a route that throws keeps nothing and leaves its key cold", async function () {
    const { db, watcher } = database();
    await watcher.fresh();
    const store = new ResponseStore({ entries: 100, bytes: 1 << 20 });
    const routes: CachedRoute[] = [
      { route: { path: "/v1/data/{key}", method: "get" } as CachedRoute["route"], now: false },
    ];
    const hono = new Hono();
    hono.use("/v1/*", responseCache(store, watcher, clock({ time: 1 }), routes));
    let runs = 0;
    let fail = true;
    /** The database reads started when the route last ran: a cold key runs before its read. */
    let readsAtRun = -1;
    hono.get("/v1/data/:key", async (c) => {
      runs++;
      readsAtRun = db.reads;
      if (c.req.param("key") === "missing") return c.json({ error: "no such key" }, 404);
      if (fail) throw new Error("the database went away");
      return c.json({ run: runs });
    });

    expect((await hono.request("/v1/data/missing")).status).to.equal(404);
    await settle();
    const again = await hono.request("/v1/data/missing");
    expect(again.status).to.equal(404);
    expect(await again.json()).to.deep.equal({ error: "no such key" });
    expect(runs, "the 404 was kept").to.equal(1);
    expect(store.hits).to.equal(1);

    expect((await hono.request("/v1/data/b")).status).to.equal(500);
    await settle();
    expect(store.entries, "nothing kept of the failure").to.equal(1);
    fail = false;
    const before = db.reads;
    const ok = await hono.request("/v1/data/b");
    expect(await ok.json()).to.deep.equal({ run: 3 });
    expect(readsAtRun, "computed at once, as a cold key, before any read").to.equal(before);
  });
});
