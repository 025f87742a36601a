/**
 * Read replicas (issue 14): one `ponder start` indexes into a private PostgreSQL 17 and two
 * `ponder serve` replicas answer reads from the same schema (scripts/lib/harness/replicas.ts).
 *
 * 1. Every replica answers a set of REST requests (lookups, an owner's pages, stats, issuers, a 404,
 *    /v1/ready's indexed head) byte for byte as the indexer does. The replicas connect as a
 *    read-only role (scripts/lib/readonly-role.ts), which reads the schema and can change nothing.
 * 2. kill -9 of one replica: the other answers the same, the killed one's port refuses.
 * 3. kill -9 of the indexer: the replica answers the last indexed state; once the chain moves on
 *    (new writes), its /v1/ready says 503 "not caught up" with the old indexed block and the new head.
 * 4. The indexer restarted on the same schema (Ponder's crash recovery, after the dead one's lock
 *    expires): the replica catches up, reports ready at the head, and serves the new writes.
 */
import { expect } from "chai";
import { keccak256, toBeHex } from "ethers";
import { network } from "hardhat";
import pg from "pg";

import { purposeHash } from "../../scripts/lib/grants.js";
import {
  deployedNode,
  grantBatch,
  privatePostgres,
  runCleanups,
  type Cleanup,
} from "../../scripts/lib/harness/deployed.js";
import {
  startPonder,
  type HttpAnswer,
  type PonderProcess,
  type ReadyBody,
} from "../../scripts/lib/harness/ponder.js";
import type { LocalNode } from "../../scripts/lib/harness/node.js";
import { startReplicas, type ReplicaSet } from "../../scripts/lib/harness/replicas.js";
import { indexerCacheBytes } from "../../scripts/lib/indexer-process.js";
import { grantReadonly } from "../../scripts/lib/readonly-role.js";
import type { DeploymentRecord } from "../../scripts/lib/deployment.js";

const lower = (s: string) => s.toLowerCase();

/** Status, content type and body: what must be the same, byte for byte, on every server. */
const answerKey = (a: HttpAnswer) => ({ status: a.status, type: a.contentType, text: a.text });

describe("read replicas: ponder serve on the indexer's PostgreSQL", function () {
  this.timeout(240_000);
  const cleanups: Cleanup[] = [];
  let node: LocalNode;
  let record: DeploymentRecord;
  let recordsDir = "";
  let databaseUrl = "";
  /** The replicas' URL: the read-only role's. */
  let readerUrl = "";
  const schema = `replicas_${process.pid}_${Date.now().toString(36)}`;
  let indexer: PonderProcess;
  let replicas: ReplicaSet;
  let owner = "";
  let grantee = "";
  let issuerKey = "";
  /** The REST requests every server must answer alike, with the status each must answer. */
  let requests: [string, number][] = [];

  const head = async () => Number(await node.provider.send("eth_blockNumber", []));
  const indexerOptions = () => ({
    rpcUrl: node.url,
    recordsDir,
    schema,
    env: {
      PONDER_NETWORKS: record.network,
      PONDER_CACHE_BYTES: indexerCacheBytes("postgres"),
      DATABASE_URL: databaseUrl,
    },
  });

  /** Runs `fn` with ethers connected to the node: signers 1 (registrar), 5 (owner), 6 (grantee). */
  async function onChain(
    fn: (c: Awaited<ReturnType<typeof network.create>>["ethers"]) => Promise<void>,
  ): Promise<void> {
    const c = await network.create({ network: "localhost", override: { url: node.url } });
    try {
      await fn(c.ethers);
    } finally {
      await c.close();
    }
  }

  /** `count` grants from the owner to the grantee, data hashes from `first` on, in one block. */
  const grantMany = (first: number, count: number) => grantBatch(node.url, record, first, count);

  before(async function () {
    ({ node, record, recordsDir } = await deployedNode(cleanups));
    const [url] = await Promise.all([
      privatePostgres(cleanups, "replicas"),
      (async () => {
        ({ owner, grantee } = await grantMany(1_000, 12));
        await onChain(async (ethers) => {
          const signers = await ethers.getSigners();
          const grants = await ethers.getContractAt(
            "AccessGrants",
            record.contracts.AccessGrants!.address,
          );
          const revoke = [0, 1, 2].map((i) => ({
            grantee: signers[6]!.address,
            dataHash: keccak256(toBeHex(1_000 + i, 32)),
            purpose: purposeHash(i % 2 ? "onboarding" : "aml-check"),
          }));
          await (await grants.connect(signers[5]!).revokeBatch(revoke)).wait();
          const registry = await ethers.getContractAt(
            "IssuerRegistry",
            record.contracts.IssuerRegistry!.address,
          );
          issuerKey = lower(ethers.Wallet.createRandom().address);
          const type = keccak256(toBeHex(0xabc, 32));
          await (await registry.connect(signers[1]!).registerCredentialType(type)).wait();
          await (
            await registry
              .connect(signers[1]!)
              .addIssuer(issuerKey, [type], "0x4348", 0, 0, keccak256("0x01"))
          ).wait();
        });
      })(),
    ]);
    databaseUrl = url;

    indexer = await startPonder(indexerOptions());
    cleanups.push(() => indexer.stop());
    await indexer.waitCaughtUp(head, 120_000);

    readerUrl = await grantReadonly(databaseUrl, "grantkit_reader", [schema]);
    replicas = await startReplicas(2, {
      rpcUrl: node.url,
      recordsDir,
      network: record.network,
      databaseUrl: readerUrl,
      schema,
    });
    cleanups.push(() => replicas.stop());
    await Promise.all(replicas.replicas.map((r) => r.waitCaughtUp(head, 120_000)));

    const page = await indexer.get<{ items: { grantId: string }[]; nextCursor?: string | null }>(
      `/v1/grants?owner=${owner}&limit=5`,
    );
    expect(page.status, page.text).to.equal(200);
    const id = (i: number) => `/v1/grants/${record.chainId}/${page.body.items[i]!.grantId}`;
    requests = [
      ["/v1/grants?limit=20", 200],
      [id(0), 200],
      [id(4), 200],
      [`/v1/grants/${record.chainId}/${keccak256("0x99")}`, 404],
      [`/v1/grants?owner=${owner}&limit=5`, 200],
      [
        `/v1/grants?owner=${owner}&limit=5&cursor=${encodeURIComponent(page.body.nextCursor!)}`,
        200,
      ],
      [`/v1/grants?owner=${owner}&status=revoked`, 200],
      [`/v1/grants?grantee=${grantee}&purpose=onboarding`, 200],
      ["/v1/stats?by=status", 200],
      ["/v1/stats?by=grantee", 200],
      ["/v1/stats?by=issuer", 200],
      ["/v1/stats", 400],
      ["/v1/issuers", 200],
      [`/v1/issuers/${record.chainId}/${issuerKey}`, 200],
      ["/v1/ready", 200],
    ];
  });

  after(async function () {
    await runCleanups(cleanups);
  });

  /** `server`'s answers to every request, keyed by path. */
  async function answersOf(server: PonderProcess): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [r] of requests) out[r] = answerKey(await server.get(r, 10_000));
    return out;
  }

  it("every replica answers byte for byte as the indexer, /v1/ready's indexed head included", async function () {
    const expected = await answersOf(indexer);
    // Real answers, not a uniform error: each lookup, page, 404 and 400 as it should be.
    expect(
      Object.entries(expected).map(([r, a]) => [r, (a as { status: number }).status]),
    ).to.deep.equal(requests);
    const ready = await indexer.get<ReadyBody>("/v1/ready");
    expect(ready.body.chains![0]!.indexed).to.equal(await head());
    for (const replica of replicas.replicas) {
      expect(replica.api).to.not.equal(indexer.api);
      expect(await answersOf(replica), replica.api).to.deep.equal(expected);
    }
  });

  it("the replicas' role reads the schema and can change nothing in it", async function () {
    expect(new URL(readerUrl).username).to.equal("grantkit_reader");
    const client = new pg.Client({ connectionString: readerUrl });
    await client.connect();
    const table = `"${schema}"."grant"`;
    const code = (sql: string) =>
      client.query(sql).then(
        () => "ran",
        (e: { code?: string }) => e.code,
      );
    try {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      expect(Number(rows[0]!.n)).to.equal(12);
      // Read-only by default (25006), and without the privilege when it asks to write (42501).
      expect(await code(`DELETE FROM ${table}`)).to.equal("25006");
      for (const write of [
        `DELETE FROM ${table}`,
        `UPDATE ${table} SET status = status`,
        `TRUNCATE ${table}`,
        `CREATE TABLE "${schema}".intruder (x int)`,
        `CREATE TABLE public.intruder (x int)`,
      ]) {
        await client.query("BEGIN READ WRITE");
        expect(await code(write), write).to.equal("42501");
        await client.query("ROLLBACK");
      }
    } finally {
      await client.end();
    }
    const still = await indexer.get<{ items: unknown[] }>(`/v1/grants?owner=${owner}&limit=100`);
    expect(still.body.items).to.have.length(12);
  });

  it("kill -9 of one replica leaves the other answering the same", async function () {
    const expected = await answersOf(indexer);
    await replicas.kill9(0);
    const [dead, live] = replicas.replicas;
    let refused = false;
    try {
      await dead!.get("/v1/ready", 2_000);
    } catch {
      refused = true;
    }
    expect(refused, "the killed replica's port still answers").to.equal(true);
    expect(live!.alive()).to.equal(true);
    expect(await answersOf(live!)).to.deep.equal(expected);
  });

  it("kill -9 of the indexer: the replica keeps answering the last indexed state, and says it is behind", async function () {
    const live = replicas.replicas[1]!;
    const before = await answersOf(live);
    const indexedBefore = (await live.get<ReadyBody>("/v1/ready")).body.chains![0]!.indexed!;
    await indexer.kill9();

    // New writes the indexer does not see: a grant, then blocks beyond READY_MAX_LAG_BLOCKS (2).
    await grantMany(2_000, 1);
    await node.provider.send("hardhat_mine", ["0x3"]);
    const newHead = await head();
    const newGrant = await indexer.get("/v1/grants?limit=1").catch(() => null);
    expect(newGrant, "the killed indexer still answers").to.equal(null);

    // The replica reads the new head within a second or two (its own RPC client) and says so.
    const ready = await waitReady(live, (b) => (b.chains?.[0]?.head ?? 0) >= newHead);
    expect(ready.status).to.equal(503);
    expect(ready.body.ready).to.equal(false);
    expect(ready.body.reason).to.match(/not caught up/);
    expect(ready.body.chains![0]!.indexed).to.equal(indexedBefore);
    expect(ready.body.chains![0]!.head).to.equal(newHead);

    // Everything else: exactly the state indexed before the kill.
    const after = await answersOf(live);
    delete before["/v1/ready"];
    delete after["/v1/ready"];
    expect(after).to.deep.equal(before);
    const owned = await live.get<{ items: unknown[] }>(`/v1/grants?owner=${owner}&limit=100`);
    expect(owned.body.items).to.have.length(12);
  });

  it("the indexer restarted on the same schema: the replica catches up and serves the new writes", async function () {
    const live = replicas.replicas[1]!;
    indexer = await startPonder(indexerOptions());
    // The replica answers all along. While Ponder recovers it may answer an older state (recovery
    // rolls back what is not final: everything, on this chain), but never while it says ready.
    const seen: { ready: number; grants: number; indexed?: number | null }[] = [];
    const failures: string[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        try {
          // Readiness first: a state read after a 200 is at least as new as the one it vouched for.
          const r = await live.get<ReadyBody>("/v1/ready");
          const a = await live.get<{ items: unknown[] }>(`/v1/grants?owner=${owner}&limit=100`);
          if (a.status !== 200) failures.push(`${a.status} ${a.text.slice(0, 200)}`);
          else
            seen.push({
              ready: r.status,
              grants: a.body.items.length,
              indexed: r.body.chains?.[0]?.indexed,
            });
        } catch (error) {
          failures.push(String(error));
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    // Ponder waits for the killed indexer's lock to expire (its heartbeat: 25 s), then recovers.
    try {
      await indexer.waitCaughtUp(head, 150_000);
    } finally {
      polling = false;
      await poller;
    }
    expect(failures, "the replica failed a read while the indexer recovered").to.deep.equal([]);
    const readyButBehind = seen.filter((s) => s.ready === 200 && s.grants !== 13);
    expect(readyButBehind, JSON.stringify(seen)).to.deep.equal([]);
    const caughtUp = await live.waitCaughtUp(head, 30_000);
    expect(caughtUp.indexed).to.equal(await head());

    const owned = await live.get<{ items: unknown[] }>(`/v1/grants?owner=${owner}&limit=100`);
    expect(owned.body.items).to.have.length(13);
    expect(await answersOf(live)).to.deep.equal(await answersOf(indexer));
    expect(
      indexer.logged(/crash recovery/i),
      "the restarted indexer did not recover the schema",
    ).to.not.equal(null);
  });
});

/** Polls `server`'s /v1/ready until `until(body)` holds (10 s at most); returns that answer. */
async function waitReady(
  server: PonderProcess,
  until: (body: ReadyBody) => boolean,
): Promise<HttpAnswer<ReadyBody>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await server.get<ReadyBody>("/v1/ready", 5_000);
    if (until(answer.body) || Date.now() > deadline) return answer;
    await new Promise((r) => setTimeout(r, 200));
  }
}
