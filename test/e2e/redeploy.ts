/**
 * Zero-downtime redeploy (issue 14): one `ponder start` indexes into schema A and publishes it in a
 * views schema (`--views-schema`); a `ponder serve` replica reads the views, as a role that may only
 * read the views schema (scripts/lib/readonly-role.ts). A new deployment record
 * (a second AccessGrants/IssuerRegistry pair on the chain) changes the app, so a second
 * `ponder start` indexes both records into schema B while A keeps serving; `switchViews`
 * (scripts/lib/views.ts, `npm run switch-views`) then points the views at B in one transaction.
 *
 * Reads run against the replica the whole time: not one error, and neither the indexed block nor
 * the owner's grants ever go back. The switch refuses a schema that is behind the served one or
 * that holds no finished app, and leaves the views as they were.
 */
import { expect } from "chai";

import type { DeploymentRecord } from "../../scripts/lib/deployment.js";
import {
  deployedNode,
  grantBatch,
  privatePostgres,
  runCleanups,
  type Cleanup,
} from "../../scripts/lib/harness/deployed.js";
import { deployToNode } from "../../scripts/lib/harness/indexer.js";
import type { LocalNode } from "../../scripts/lib/harness/node.js";
import {
  startPonder,
  type PonderProcess,
  type ReadyBody,
} from "../../scripts/lib/harness/ponder.js";
import { startReplicas, type ReplicaSet } from "../../scripts/lib/harness/replicas.js";
import { grantReadonly } from "../../scripts/lib/readonly-role.js";
import { indexerCacheBytes } from "../../scripts/lib/indexer-process.js";
import { switchViews } from "../../scripts/lib/views.js";

/** What a page of grants says of each grant, as far as these reads need it. */
interface GrantItem {
  chainId: number;
  grantId: string;
  contract: string;
}

/** What the readers saw, in order. */
interface Reads {
  requests: number;
  errors: string[];
  /** /v1/ready's indexed block, per read (ready or still catching up with a new block). */
  indexed: number[];
  /** How many grants the owner had, per read. */
  owned: number[];
}

describe("zero-downtime redeploy: a new schema behind the views, switched in one transaction", function () {
  this.timeout(300_000);
  const cleanups: Cleanup[] = [];
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const views = `live_${tag}`;
  const schemaA = `a_${tag}`;
  const schemaB = `b_${tag}`;
  let node: LocalNode;
  let first: DeploymentRecord;
  let second: DeploymentRecord;
  let recordsDir = "";
  let databaseUrl = "";
  let indexerA: PonderProcess;
  let indexerB: PonderProcess;
  let replica: ReplicaSet;
  let owner = "";

  const head = async () => Number(await node.provider.send("eth_blockNumber", []));

  /** `count` grants from signer 5 to signer 6 on `record`'s AccessGrants, data hashes from `from`. */
  async function grantMany(record: DeploymentRecord, from: number, count: number): Promise<void> {
    ({ owner } = await grantBatch(node.url, record, from, count));
  }

  /** A `ponder start` on `schema` over the records named in `networks`. */
  const indexer = (schema: string, networks: string, env: Record<string, string> = {}) =>
    startPonder({
      rpcUrl: node.url,
      recordsDir,
      schema,
      env: {
        PONDER_NETWORKS: networks,
        PONDER_CACHE_BYTES: indexerCacheBytes("postgres"),
        DATABASE_URL: databaseUrl,
        ...env,
      },
    });

  /** The replica's view of the owner's grants and of the indexed block, or an error. */
  async function readOnce(into: Reads): Promise<void> {
    into.requests++;
    try {
      const ready = await replica.replicas[0]!.get<ReadyBody>("/v1/ready", 10_000);
      const page = await replica.replicas[0]!.get<{
        items: GrantItem[];
        nextCursor: string | null;
      }>(`/v1/grants?owner=${owner}&limit=100`, 10_000);
      // 503 "not caught up" is /v1/ready's answer for the moment between a block and its indexing
      // (any write does it); its body still says the indexed block, which must never go back.
      const indexed = ready.body.chains?.[0]?.indexed;
      if ((ready.status === 200 || ready.status === 503) && typeof indexed === "number")
        into.indexed.push(indexed);
      else into.errors.push(`/v1/ready ${ready.status}: ${ready.text}`);
      if (page.status !== 200) into.errors.push(`owner's page ${page.status}: ${page.text}`);
      else into.owned.push(page.body.items.length);
      // Each prepared statement of the API (routes/grants.ts, paging.ts) once per round, so that
      // statements planned before the switch run after it (each schema has its own enum types).
      const first = page.body.items?.[0];
      if (!first) return;
      const grantPath = `/v1/grants/${first.chainId}/${first.grantId}`;
      const at = `block=${indexed ?? 1}`;
      const short = await replica.replicas[0]!.get<{ nextCursor: string | null }>(
        `/v1/grants?owner=${owner}&limit=1`,
        10_000,
      );
      if (short.status !== 200 || !short.body.nextCursor)
        into.errors.push(`owner's first grant ${short.status}: ${short.text}`);
      for (const path of [
        grantPath,
        `${grantPath}?contract=${first.contract}`,
        `${grantPath}/at?${at}`,
        `${grantPath}/at?${at}&contract=${first.contract}`,
        `/v1/grants?owner=${owner}&limit=1&cursor=${short.body.nextCursor}`,
      ]) {
        const one = await replica.replicas[0]!.get(path, 10_000);
        if (one.status !== 200) into.errors.push(`${path} ${one.status}: ${one.text}`);
      }
    } catch (error) {
      into.errors.push(String(error));
    }
  }

  /** Reads in a loop until `stop()` says so; resolves with what they saw. */
  function readThroughout(stop: () => boolean): Promise<Reads> {
    const reads: Reads = { requests: 0, errors: [], indexed: [], owned: [] };
    return (async () => {
      while (!stop()) await readOnce(reads);
      return reads;
    })();
  }

  /** Waits until the replica shows `count` grants of the owner. */
  async function waitOwned(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const page = await replica.replicas[0]!.get<{ items: unknown[] }>(
        `/v1/grants?owner=${owner}&limit=100`,
      );
      if (page.status === 200 && page.body.items.length === count) return;
      if (Date.now() > deadline)
        throw new Error(`the replica shows ${page.text.slice(0, 200)}, not ${count} grants`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  before(async function () {
    ({ node, record: first, recordsDir } = await deployedNode(cleanups));
    [databaseUrl] = await Promise.all([
      privatePostgres(cleanups, "redeploy"),
      grantMany(first, 1_000, 6),
    ]);

    indexerA = await indexer(schemaA, first.network, { DATABASE_VIEWS_SCHEMA: views });
    cleanups.push(() => indexerA.stop());
    await indexerA.waitCaughtUp(head, 120_000);
    // The replica reads as a role that may only read the views schema: the views read the indexed
    // schema with their owner's privileges, and a switch re-creates them (default privileges).
    const readerUrl = await grantReadonly(databaseUrl, "grantkit_reader", [views]);
    replica = await startReplicas(1, {
      rpcUrl: node.url,
      recordsDir,
      network: first.network,
      databaseUrl: readerUrl,
      schema: views,
      // No response cache: every read runs its prepared statement, not only the first after a commit.
      env: { API_CACHE_ENTRIES: "0" },
    });
    cleanups.push(() => replica.stop());
    await replica.replicas[0]!.waitCaughtUp(head, 120_000);
    await waitOwned(6);
  });

  after(async function () {
    await runCleanups(cleanups);
  });

  it("reads through the replica see no error and no step back while a new record is indexed and switched to", async function () {
    let done = false;
    const reading = readThroughout(() => done);
    try {
      // The new record: a second pair of contracts on the same chain, with grants of its own.
      second = await deployToNode(node.url, recordsDir, {
        recordName: "localhost-redeploy",
        saltLabel: "grantkit-redeploy",
      });
      expect(second.contracts.AccessGrants!.address).to.not.equal(
        first.contracts.AccessGrants!.address,
      );
      await grantMany(second, 2_000, 4);
      await grantMany(first, 3_000, 1);
      await indexerA.waitCaughtUp(head, 60_000);
      // The old app does not index the new record: 6 + 1.
      await waitOwned(7);

      indexerB = await indexer(schemaB, `${first.network},${second.network}`);
      cleanups.push(() => indexerB.stop());
      await indexerB.waitCaughtUp(head, 120_000);
      const result = await switchViews({ databaseUrl, schema: schemaB, viewsSchema: views });
      expect(result.from).to.equal(schemaA);
      await waitOwned(11, 10_000);

      // The old indexer goes; the new one keeps the views moving: a write on each record.
      await indexerA.stop();
      await grantMany(second, 4_000, 1);
      await grantMany(first, 5_000, 1);
      await waitOwned(13);
      await replica.replicas[0]!.waitCaughtUp(head, 30_000);
    } finally {
      done = true;
    }
    const reads = await reading;

    expect(reads.errors, reads.errors.slice(0, 3).join("\n")).to.deep.equal([]);
    expect(reads.requests).to.be.greaterThan(20);
    const steppedBack = (xs: number[]) => xs.findIndex((x, i) => i > 0 && x < xs[i - 1]!);
    expect(steppedBack(reads.indexed), `indexed blocks ${reads.indexed.join(",")}`).to.equal(-1);
    expect(steppedBack(reads.owned), `owned counts ${reads.owned.join(",")}`).to.equal(-1);
    expect(reads.owned[0]).to.equal(6);
    expect(reads.owned.at(-1)).to.equal(13);
  });

  it("refuses a schema behind the served one, and one with no finished app, leaving the views", async function () {
    // Schema A stopped before the last two writes: behind B on this chain.
    let refused: unknown;
    await switchViews({ databaseUrl, schema: schemaA, viewsSchema: views }).catch(
      (e) => (refused = e),
    );
    expect(String(refused)).to.match(new RegExp(`schema ${schemaA} is behind the served one`));
    expect((refused as { hint?: string }).hint).to.match(
      /wait until the new indexer has caught up/,
    );

    refused = undefined;
    await switchViews({ databaseUrl, schema: `none_${tag}`, viewsSchema: views }).catch(
      (e) => (refused = e),
    );
    expect(String(refused)).to.match(/holds no Ponder app/);

    // The views still read B: the replica shows every grant, at the head.
    await waitOwned(13, 5_000);
    const ready = await replica.replicas[0]!.get<ReadyBody>("/v1/ready");
    expect(ready.status).to.equal(200);
    expect(ready.body.chains![0]!.indexed).to.equal(await head());
  });
});
