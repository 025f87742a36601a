/**
 * The REST API's response cache (indexer/src/api/cache.ts) is exact, against a real stack (hardhat
 * node, deploy, Ponder on PGlite): repeated GETs are served from it (its counters on /metrics), byte
 * for byte what a second indexer on the same chain with the cache off (API_CACHE_ENTRIES=0) answers;
 * and after a change is indexed (seen through an uncached channel: SQL over HTTP, or Ponder's
 * /status for a block without events) the FIRST REST request shows it: grant, revoke, replace
 * (re-point), release, a new issuer, a reorg (evm_snapshot/evm_revert), and an expiry that only the
 * passing of time brings (evm_increaseTime), on lookups and on list and aggregate routes, each URL
 * read twice before the change so that the old answer sits in the cache.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { keccak256, toBeHex, type Signer } from "ethers";
import { network } from "hardhat";

import { writeDeployment } from "../../scripts/lib/deployment.js";
import { computeGrantId, purposeHash } from "../../scripts/lib/grants.js";
import { startIndexerStack, type IndexerStack } from "../../scripts/lib/harness/indexer.js";
import { startPonder, type PonderProcess } from "../../scripts/lib/harness/ponder.js";
import type { AccessGrants, IssuerRegistry } from "../../types/ethers-contracts/index.js";
import {
  counters,
  fetchText,
  lower,
  sleep,
  until,
  type Answer,
  type Counters,
} from "./cache/probe.js";

describe("REST response cache: exact on a live stack (PGlite)", function () {
  this.timeout(600_000);
  let stack: IndexerStack;
  /** A second indexer on the same chain with the cache off. */
  let off: PonderProcess;
  const temp: string[] = [];
  let close: () => Promise<void> = async () => {};
  let grants: AccessGrants;
  let registry: IssuerRegistry;
  let owner: Signer;
  let grantee: Signer;
  let other: Signer;
  let registrar: Signer;
  let A = "";
  let B = "";
  let C = "";
  let chain = 0;
  /** Grant keys made in `before`: index i has data hash 9000 + i. */
  const key = (i: number, to = B) => ({
    grantee: to,
    dataHash: keccak256(toBeHex(9_000 + i, 32)),
    purpose: purposeHash("onboarding"),
  });
  const idOf = (i: number, to = B) => lower(computeGrantId({ owner: A, ...key(i, to) }));

  const get = (url: string, headers?: Record<string, string>) => fetchText(stack.api, url, headers);
  const rows = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const q = encodeURIComponent(JSON.stringify({ json: { sql, params } }));
    const a = await stack.get<{ rows?: T[] }>(`/sql/db?sql=${q}`);
    expect(a.status, a.text.slice(0, 300)).to.equal(200);
    return a.body.rows!;
  };
  /** Waits until SQL over HTTP (uncached) sees `sql` answer `wanted` (first column of the first row). */
  const indexed = (sql: string, params: unknown[], wanted: unknown) =>
    until(`${sql} ${JSON.stringify(params)} = ${String(wanted)}`, async () => {
      const [row] = await rows<Record<string, unknown>>(sql, params);
      const value = row === undefined ? null : Object.values(row)[0];
      return value === wanted || (value === null && wanted === null) ? true : null;
    });
  const grantStatus = `select status from "grant" where grant_id = $1`;
  /** Reads every URL twice (the second from the cache), so that its old answer is kept. */
  const warm = async (urls: string[]) => {
    for (let attempt = 1; ; attempt++) {
      const before = await counters(stack.api);
      const answers = new Map<string, Answer>();
      for (const url of urls) {
        const first = await get(url);
        const second = await get(url);
        expect(second.text, url).to.equal(first.text);
        answers.set(url, second);
      }
      const after = await counters(stack.api);
      // A commit meanwhile (Ponder's heartbeat every 10 s) emptied the cache: again.
      if (after.invalidations !== before.invalidations && attempt < 3) continue;
      expect(after.hits - before.hits, "hits while warming").to.be.at.least(urls.length);
      return answers;
    }
  };
  const send = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
  const head = async () => Number(await stack.node.provider.send("eth_blockNumber", []));
  /** Both indexers caught up with the node's head, then the same body for every URL. */
  const sameOnBoth = async (urls: string[]) => {
    await stack.waitCaughtUp();
    await off.waitCaughtUp(head);
    for (const url of urls) {
      const [on, without] = [await get(url), await fetchText(off.api, url)];
      expect(on.status, url).to.equal(without.status);
      expect(on.text, url).to.equal(without.text);
    }
  };

  before(async function () {
    stack = await startIndexerStack("pglite");
    chain = stack.chainId;
    // The same record for a second indexer (cache off) that follows the same node.
    const records = mkdtempSync(path.join(tmpdir(), "grantkit-cache-records-"));
    const work = mkdtempSync(path.join(tmpdir(), "grantkit-cache-off-"));
    temp.push(records, work);
    const previous = process.env.GRANTKIT_DEPLOYMENTS_DIR;
    process.env.GRANTKIT_DEPLOYMENTS_DIR = records;
    try {
      writeDeployment(stack.record);
    } finally {
      if (previous === undefined) delete process.env.GRANTKIT_DEPLOYMENTS_DIR;
      else process.env.GRANTKIT_DEPLOYMENTS_DIR = previous;
    }
    off = await startPonder({
      rpcUrl: stack.node.url,
      recordsDir: records,
      schema: `cache_off_${process.pid}`,
      env: {
        PONDER_NETWORKS: stack.record.network,
        PONDER_PGLITE_DIR: path.join(work, "pglite"),
        API_CACHE_ENTRIES: "0",
      },
    });
    await off.waitAnswers("/v1/ready", 120_000);

    const c = await network.create({ network: "localhost", override: { url: stack.node.url } });
    close = () => c.close();
    const { ethers } = c;
    const signers = await ethers.getSigners();
    [registrar, owner, grantee, other] = [signers[1]!, signers[5]!, signers[6]!, signers[7]!];
    A = lower(await owner.getAddress());
    B = lower(await grantee.getAddress());
    C = lower(await other.getAddress());
    grants = (await ethers.getContractAt(
      "AccessGrants",
      stack.record.contracts.AccessGrants!.address,
    )) as unknown as AccessGrants;
    registry = (await ethers.getContractAt(
      "IssuerRegistry",
      stack.record.contracts.IssuerRegistry!.address,
    )) as unknown as IssuerRegistry;
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    // Grants 0-5 to B; 4 expires in an hour, 5 is locked for a day.
    await send(
      grants.connect(owner).grantBatch(
        [0, 1, 2, 3, 4, 5].map((i) => ({
          ...key(i),
          lockedUntil: i === 5 ? now + 86_400n : 0n,
          expiresAt: i === 4 ? now + 3_600n : i === 5 ? now + 2n * 86_400n : 0n,
        })),
      ),
    );
    await stack.waitCaughtUp();
  });

  after(async () => {
    await close();
    await off?.stop();
    await stack?.stop();
    for (const dir of temp) rmSync(dir, { recursive: true, force: true });
  });

  it("serves repeated GETs from the cache: the same bytes as without it, ETag and 304", async function () {
    const urls = [
      `/v1/grants/${chain}/${idOf(0)}`,
      `/v1/grants?owner=${A}&limit=50`,
      `/v1/stats?by=status`,
      `/v1/grantees/${B}/retention`,
      `/v1/search?q=${idOf(1)}`,
      `/v1/grants/${chain}/0x${"ab".repeat(32)}`,
      `/v1/grants?owner=nonsense`,
    ];
    await sameOnBoth(urls);
    for (const url of urls) {
      // A commit in between (Ponder's heartbeat every 10 s) empties the cache: then again.
      for (let attempt = 1; ; attempt++) {
        const before = await counters(stack.api);
        const first = await get(url);
        const second = await get(url);
        const after = await counters(stack.api);
        if (after.invalidations !== before.invalidations && attempt < 3) continue;
        expect(second.status, url).to.equal(first.status);
        expect(second.text, url).to.equal(first.text);
        expect(after.hits - before.hits, `${url}: hits`).to.be.at.least(1);
        expect(after.hits + after.misses - before.hits - before.misses, url).to.equal(2);
        break;
      }
    }
    expect((await get(urls[5]!)).status).to.equal(404);
    expect((await get(urls[6]!)).status).to.equal(400);
    // The order of the parameters is not part of the key.
    for (let attempt = 1; ; attempt++) {
      await get(urls[1]!);
      const before = await counters(stack.api);
      const a = await get(`/v1/grants?limit=50&owner=${A}`);
      const after = await counters(stack.api);
      if (after.invalidations !== before.invalidations && attempt < 3) continue;
      expect(a.text).to.equal((await get(urls[1]!)).text);
      expect(after.hits - before.hits).to.equal(1);
      break;
    }
    // A 200 carries a hash of its body; asking with it answers 304, and a stale tag the body.
    const one = await get(urls[0]!);
    expect(one.etag).to.match(/^"[A-Za-z0-9_-]+"$/);
    expect(one.cacheControl).to.equal("no-cache");
    const revalidated = await get(urls[0]!, { "if-none-match": one.etag! });
    expect(revalidated.status).to.equal(304);
    expect(revalidated.text).to.equal("");
    const stale = await get(urls[0]!, { "if-none-match": '"old"' });
    expect(stale.status).to.equal(200);
    expect(stale.text).to.equal(one.text);
    // The cache off: the same answers, no ETag, nothing counted.
    const plain = await fetchText(off.api, urls[0]!);
    expect(plain.text).to.equal(one.text);
    expect(plain.etag).to.equal(null);
    const offCounters = await counters(off.api);
    expect(offCounters.hits + offCounters.misses + offCounters.entries).to.equal(0);
  });

  it("sends every answer whole, with its length and Ponder's CORS header: computed, kept, 304, errors, and without the cache", async function () {
    // Answers are made the request's answer without Hono's copy (indexer/src/api/http.ts
    // `answerWith`), which used to carry the headers set before the route: none may be lost.
    const urls = [
      `/v1/grants/${chain}/${idOf(2)}`,
      `/v1/grants?grantee=${B}&limit=50`,
      `/v1/grants/${chain}/0x${"cd".repeat(32)}`,
      `/v1/grants?grantee=nonsense`,
    ];
    const whole = (a: Answer, what: string) => {
      expect(a.length, `${what}: content-length`).to.equal(String(Buffer.byteLength(a.text)));
      expect(a.cors, `${what}: access-control-allow-origin`).to.equal("*");
      expect(a.type, `${what}: content-type`).to.match(/^application\/json/);
    };
    for (const url of urls) {
      const first = await get(url);
      const second = await get(url);
      whole(first, `${url}, first`);
      whole(second, `${url}, second`);
      const headers = (a: Answer) => [a.type, a.etag, a.cacheControl];
      expect(headers(second), url).to.deep.equal(headers(first));
      whole(await fetchText(off.api, url), `${url}, without the cache`);
    }
    const one = await get(urls[0]!);
    const revalidated = await get(urls[0]!, { "if-none-match": one.etag! });
    expect(revalidated.status).to.equal(304);
    expect(revalidated.cors).to.equal("*");
  });

  it("shows a grant, a revocation, a replacement and a release on the first request after they are indexed", async function () {
    const lookup = (id: string) => `/v1/grants/${chain}/${id}`;
    const ownerPage = `/v1/grants?owner=${A}&limit=100`;
    const revokedPage = `/v1/grants?owner=${A}&status=revoked`;
    const byStatus = `/v1/stats?by=status`;
    const granteeC = `/v1/grants?grantee=${C}`;
    type Page = { items: { grantId: string; status: string }[] };
    const page = async (url: string) => {
      const a = await get(url);
      expect(a.status, url).to.equal(200);
      return (JSON.parse(a.text) as Page).items;
    };
    const statusIn = async (url: string, id: string) =>
      (await page(url)).find((g) => g.grantId === id)?.status;
    const counts = async () =>
      Object.fromEntries(
        (
          JSON.parse((await get(byStatus)).text) as { items: { key: string; count: number }[] }
        ).items.map((i) => [i.key, i.count]),
      ) as Record<string, number>;
    const lookupStatus = async (id: string) => {
      const a = await get(lookup(id));
      return a.status === 404
        ? 404
        : (JSON.parse(a.text) as { grant: { status: string } }).grant.status;
    };

    // Revoke: the lookup, the owner's page, a filtered page and the counts.
    await warm([lookup(idOf(0)), ownerPage, revokedPage, byStatus]);
    const revokedBefore = (await counts()).revoked ?? 0;
    expect(await statusIn(revokedPage, idOf(0))).to.equal(undefined);
    await send(grants.connect(owner).revoke(key(0)));
    await indexed(grantStatus, [idOf(0)], "revoked");
    expect(await lookupStatus(idOf(0))).to.equal("revoked");
    expect(await statusIn(ownerPage, idOf(0))).to.equal("revoked");
    expect(await statusIn(revokedPage, idOf(0))).to.equal("revoked");
    expect((await counts()).revoked).to.equal(revokedBefore + 1);

    // A new grant: its lookup answered 404 (kept), now 200; the grantee's page; search finds it.
    const fresh = idOf(6, C);
    const search = `/v1/search?q=${fresh}`;
    await warm([lookup(fresh), granteeC, search, ownerPage]);
    expect(await lookupStatus(fresh)).to.equal(404);
    await send(grants.connect(owner).grant({ ...key(6, C), lockedUntil: 0n, expiresAt: 0n }));
    await indexed(grantStatus, [fresh], "active");
    expect(await lookupStatus(fresh)).to.equal("active");
    expect(await statusIn(granteeC, fresh)).to.equal("active");
    expect(await statusIn(ownerPage, fresh)).to.equal("active");
    const found = JSON.parse((await get(search)).text) as { matches: { type: string }[] };
    expect(found.matches.map((m) => m.type)).to.include("grant");

    // Re-point (replace): the old id replaced, the new one active, both on the owner's page.
    const repointed = lower(
      computeGrantId({ owner: A, ...key(1), dataHash: keccak256(toBeHex(9_100, 32)) }),
    );
    await warm([lookup(idOf(1)), lookup(repointed), ownerPage, byStatus]);
    await send(grants.connect(owner).replace(key(1), keccak256(toBeHex(9_100, 32)), 0n, 0n));
    await indexed(grantStatus, [repointed], "active");
    expect(await lookupStatus(idOf(1))).to.equal("replaced");
    expect(await lookupStatus(repointed)).to.equal("active");
    expect(await statusIn(ownerPage, idOf(1))).to.equal("replaced");
    expect(await statusIn(ownerPage, repointed)).to.equal("active");
    expect((await counts()).replaced).to.equal(1);

    // Release by the grantee: the lookup and the owner's page.
    await warm([lookup(idOf(2)), ownerPage]);
    await send(grants.connect(grantee).release(A, key(2).dataHash, key(2).purpose));
    await indexed(grantStatus, [idOf(2)], "released");
    expect(await lookupStatus(idOf(2))).to.equal("released");
    expect(await statusIn(ownerPage, idOf(2))).to.equal("released");

    // An issuer registry change: the issuer list and the issuer's own page.
    const issuerKey = lower(keccak256(toBeHex(0xcace, 32)).slice(0, 42));
    const issuers = `/v1/issuers?limit=100`;
    const issuerPage = `/v1/issuers/${chain}/${issuerKey}`;
    await warm([issuers, issuerPage]);
    const listed = async () =>
      (JSON.parse((await get(issuers)).text) as { items: { issuer: string }[] }).items.some(
        (i) => i.issuer === issuerKey,
      );
    expect(await listed()).to.equal(false);
    const type = keccak256(toBeHex(0xcafe, 32));
    await send(registry.connect(registrar).registerCredentialType(type));
    await send(
      registry.connect(registrar).addIssuer(issuerKey, [type], "0x4348", 0, 0, keccak256("0x01")),
    );
    await indexed(`select status from issuer where issuer = $1`, [issuerKey], "active");
    expect(await listed()).to.equal(true);
    expect((await get(issuerPage)).status).to.equal(200);

    // With the cache off, the same answers throughout.
    await sameOnBoth([
      lookup(idOf(0)),
      lookup(fresh),
      lookup(idOf(1)),
      lookup(repointed),
      ownerPage,
      revokedPage,
      byStatus,
      granteeC,
      search,
      issuers,
      issuerPage,
    ]);
  });

  it("a reorg (evm_snapshot/evm_revert, a longer branch) invalidates what the old branch showed", async function () {
    const lookup = `/v1/grants/${chain}/${idOf(3)}`;
    const ownerPage = `/v1/grants?owner=${A}&limit=100`;
    const statusOf = async () =>
      (JSON.parse((await get(lookup)).text) as { grant: { status: string } }).grant.status;
    const snapshot = await stack.node.provider.send("evm_snapshot", []);
    await send(grants.connect(owner).revoke(key(3)));
    await stack.node.provider.send("evm_mine", []);
    await indexed(grantStatus, [idOf(3)], "revoked");
    const old = await warm([lookup, ownerPage]);
    expect(JSON.parse(old.get(lookup)!.text).grant.status).to.equal("revoked");
    expect(await stack.node.provider.send("evm_revert", [snapshot])).to.equal(true);
    for (let i = 0; i < 4; i++) await stack.node.provider.send("evm_mine", []);
    await indexed(grantStatus, [idOf(3)], "active");
    expect(await statusOf()).to.equal("active");
    const items = (
      JSON.parse((await get(ownerPage)).text) as { items: { grantId: string; status: string }[] }
    ).items;
    expect(items.find((g) => g.grantId === idOf(3))?.status).to.equal("active");
    await sameOnBoth([lookup, ownerPage]);
  });

  it("shows a grant expired on the first request after the block that passes its expiry is indexed", async function () {
    const lookup = `/v1/grants/${chain}/${idOf(4)}`;
    const expiredPage = `/v1/grants?owner=${A}&status=expired`;
    const statusOf = async () =>
      (JSON.parse((await get(lookup)).text) as { grant: { status: string } }).grant.status;
    await warm([lookup, expiredPage]);
    expect(await statusOf()).to.equal("active");
    // The grant as of an hour from now: not known yet (404), asked twice so that a kept answer
    // would be served; the block two hours later makes it known.
    const headTime = BigInt(
      (
        (await stack.node.provider.send("eth_getBlockByNumber", ["latest", false])) as {
          timestamp: string;
        }
      ).timestamp,
    );
    const later = `/v1/grants/${chain}/${idOf(4)}/at?timestamp=${headTime + 3_600n}`;
    for (let i = 0; i < 2; i++) expect((await get(later)).status, later).to.equal(404);
    // Two hours later, one empty block: only "now" moves; the grant's row does not change.
    await stack.node.provider.send("evm_increaseTime", [7_200]);
    await stack.node.provider.send("evm_mine", []);
    const block = await head();
    await until(`block ${block} indexed (Ponder's /status)`, async () => {
      const s = await stack.get<Record<string, { block: { number: number } }>>("/status");
      return Object.values(s.body ?? {}).some((c) => c.block.number >= block) ? true : null;
    });
    expect(await statusOf()).to.equal("expired");
    const atLater = await get(later);
    expect(atLater.status, later).to.equal(200);
    expect((JSON.parse(atLater.text) as { existed: boolean }).existed).to.equal(true);
    const items = (JSON.parse((await get(expiredPage)).text) as { items: { grantId: string }[] })
      .items;
    expect(items.map((g) => g.grantId)).to.include(idOf(4));
    await sameOnBoth([lookup, expiredPage, `/v1/stats/series?days=2`]);
  });
});
