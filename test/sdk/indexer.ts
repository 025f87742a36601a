/**
 * The SDK's indexer client (`@grantkit/sdk/indexer`) against a stand-in of the REST API whose every
 * answer validates against the API's OpenAPI document (indexer/openapi.json), so the stand-in
 * cannot drift from the API: every route, path and query parameters, decimal strings as bigint,
 * cursor iteration, the NDJSON audit stream, 404 as null, errors with the API's message.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";

import {
  createIndexerClient,
  DECIMAL_FIELDS,
  IndexerRequestError,
  type IndexerClient,
} from "../../sdk/src/indexer.js";
import { A, DOCUMENT, H, startStandIn, type StandIn } from "./indexer-standin.js";

describe("sdk: indexer client (@grantkit/sdk/indexer)", function () {
  let standIn: StandIn;
  let indexer: IndexerClient;
  let requests: string[];

  before(async function () {
    standIn = await startStandIn();
    requests = standIn.requests;
    indexer = createIndexerClient({ baseUrl: standIn.url });
  });
  after(() => standIn.close());
  afterEach(function () {
    expect(
      standIn.problems.splice(0),
      "stand-in answers outside the OpenAPI document",
    ).to.deep.equal([]);
  });

  it("DECIMAL_FIELDS are exactly the document's decimal-string properties", function () {
    const decimal = new Set<string>();
    const walk = (node: unknown, key?: string) => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, key));
      if (typeof node !== "object" || node === null) return;
      const o = node as Record<string, unknown>;
      if (key && JSON.stringify(o).includes('"#/components/schemas/Decimal"')) decimal.add(key);
      for (const [k, v] of Object.entries(o))
        if (k === "properties") for (const [name, s] of Object.entries(v as object)) walk(s, name);
        else walk(v, key);
    };
    walk(DOCUMENT.components.schemas);
    walk(DOCUMENT.paths);
    expect([...decimal].sort()).to.deep.equal([...DECIMAL_FIELDS].sort());
  });

  it("lists and iterates grants page by page, with bigints, and reports API errors with their message", async function () {
    const ids = [];
    for await (const g of indexer.iterateGrants({ grantee: A(0xbb), status: "locked", limit: 2 }))
      ids.push(g.grantId);
    expect(ids).to.deep.equal([0, 1, 2, 3, 4, 5].map(H));
    const page = await indexer.listGrants({ chainId: 31337n });
    expect(page.items[0]!.lockedUntil).to.equal(2n ** 64n - 1n);
    expect(page.items[0]!.createdBlock).to.equal(5n);
    expect(page.items[0]!.generation).to.equal(1n);
    expect(requests).to.include(`/v1/grants?grantee=${A(0xbb)}&status=locked&limit=2`);
    expect(requests).to.include("/v1/grants?chainId=31337");
    const error = await indexer.listGrants({ limit: 0 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IndexerRequestError);
    expect((error as IndexerRequestError).status).to.equal(400);
    expect((error as Error).message).to.match(/limit: must be from 1 to 100/);
  });

  it("reads one grant (null when unknown) and a grant at a block", async function () {
    const one = await indexer.getGrant({ chainId: 31337, grantId: H(1) });
    expect(one?.grant.updatedAt).to.equal(1700000001n);
    expect(one?.history[0]?.blockNumber).to.equal(5n);
    expect(await indexer.getGrant({ chainId: 31337, grantId: H(9) })).to.equal(null);
    const at = await indexer.getGrantAt({ chainId: 31337, grantId: H(1), block: 42n });
    expect(at.asOf).to.deep.equal({ block: 42n, timestamp: 1700000000n });
    expect(at.grant?.status).to.equal("locked");
    expect(requests).to.include(`/v1/grants/31337/${H(1)}/at?block=42`);
  });

  it("reads a grantee's grants at a time (iterated) and its retention duties", async function () {
    const rows = [];
    for await (const g of indexer.iterateGranteeGrantsAt({
      grantee: A(0xbb),
      chainId: 31337,
      timestamp: 1700000000n,
    }))
      rows.push(g);
    expect(rows.map((g) => g.grantId)).to.deep.equal([H(2)]);
    expect(requests).to.include(
      `/v1/grantees/${A(0xbb)}/grants/at?chainId=31337&timestamp=1700000000&cursor=next`,
    );
    const retained = [];
    for await (const g of indexer.iterateRetention({ grantee: A(0xbb) })) retained.push(g);
    expect(retained[0]!.unlocksAt).to.equal(null);
    expect(retained[0]!.lockedUntil).to.equal(2n ** 64n - 1n);
  });

  it("exports an owner's record and streams the audit changes line by line", async function () {
    const record = await indexer.exportOwner({ owner: A(0xaa) });
    expect(record.grants[0]!.createdAt).to.equal(1700000000n);
    expect(record.history[0]!.blockTime).to.equal(1700000000n);
    const changes = [];
    for await (const c of indexer.streamAuditChanges({ fromBlock: 0n, toBlock: 10n }))
      changes.push(c);
    expect(changes.map((c) => c.blockNumber)).to.deep.equal([1n, 2n, 3n]);
    expect(requests).to.include("/v1/audit/changes?fromBlock=0&toBlock=10");
    for await (const c of indexer.streamAuditChanges({ fromTime: 1n })) {
      expect(c.logIndex).to.equal(1);
      break;
    }
    expect(indexer.auditChangesUrl({ fromBlock: 5, format: "csv" })).to.equal(
      `${indexer.baseUrl}/v1/audit/changes?fromBlock=5&format=csv`,
    );
  });

  it("reads issuers: the list, one key (null when unknown), trust at a time", async function () {
    const all = [];
    for await (const i of indexer.iterateIssuers({ status: "active" })) all.push(i);
    expect(all[0]!.typeBits).to.equal(3n);
    const one = await indexer.getIssuer({ chainId: 31337, issuer: A(0xdd) });
    expect(one?.items[0]?.history[0]?.action).to.equal("added");
    expect(await indexer.getIssuer({ chainId: 31337, issuer: A(0xee) })).to.equal(null);
    const trust = await indexer.wasTrusted({
      chainId: 31337,
      issuer: A(0xdd),
      type: "kyc.basic",
      at: 1700000150n,
    });
    expect(trust).to.include({ trusted: true, at: 1700000150n });
    expect(trust.record?.validFrom).to.equal(0n);
    expect(requests).to.include(
      `/v1/issuers/31337/${A(0xdd)}/trusted?type=kyc.basic&at=1700000150`,
    );
  });

  it("reads stats and readiness (503 returned, 429 thrown with Retry-After)", async function () {
    expect((await indexer.getStats({ by: "status" })).items).to.deep.equal([
      { key: "active", count: 3 },
    ]);
    standIn.readyStatus = 200;
    expect((await indexer.getReady()).ready).to.equal(true);
    standIn.readyStatus = 503;
    const behind = await indexer.getReady();
    expect(behind).to.deep.include({ ready: false, reason: "backfill in progress" });
    expect(behind.chains[0]!.lagBlocks).to.equal(20);
    standIn.readyStatus = 429;
    const error = await indexer.getReady().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IndexerRequestError);
    expect((error as IndexerRequestError).retryAfter).to.equal(2);
    standIn.readyStatus = 200;
  });

  it("reports an indexer that does not answer as IndexerRequestError with status 0, the URL and a hint", async function () {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const away = createIndexerClient({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await away.getReady().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IndexerRequestError);
    expect((error as IndexerRequestError).status).to.equal(0);
    expect((error as IndexerRequestError).shortMessage).to.equal(
      `no answer from the indexer at http://127.0.0.1:${port}/v1/ready: ECONNREFUSED`,
    );
    expect((error as IndexerRequestError).hint).to.match(/indexer runs/);
  });

  it("reads the explorer routes: the daily series, an audit range's size, search", async function () {
    const series = await indexer.getStatsSeries({ days: 2 });
    expect(series.points.map((p) => [p.day, p.at])).to.deep.equal([
      ["2023-11-13", 1699919999n],
      ["2023-11-14", 1700000200n],
    ]);
    expect(requests).to.include("/v1/stats/series?days=2");
    expect(await indexer.countAuditChanges({ fromBlock: 0n, toBlock: 10n })).to.deep.equal({
      grantChanges: 3,
      issuerChanges: 1,
      total: 4,
    });
    expect(requests).to.include("/v1/audit/count?fromBlock=0&toBlock=10");
    const found = await indexer.search({ q: H(0x33) });
    const tx = found.matches.find((m) => m.type === "transaction");
    expect(tx?.type === "transaction" && tx.changes[0]!.blockTime).to.equal(1700000000n);
    expect(found.matches.map((m) => m.type)).to.deep.equal(["transaction", "purpose"]);
    expect(requests).to.include(`/v1/search?q=${H(0x33)}`);
  });
});
