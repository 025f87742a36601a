/**
 * The SDK's indexer client (`@grantkit/sdk/indexer`) against a stand-in of the REST API whose every
 * answer validates against the API's OpenAPI document (indexer/openapi.json), so the stand-in
 * cannot drift from the API: every route, path and query parameters, decimal strings as bigint,
 * cursor iteration, the NDJSON audit stream, 404 as null, errors with the API's message.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";

import {
  createIndexerClient,
  DECIMAL_FIELDS,
  IndexerRequestError,
  type IndexerClient,
} from "../../sdk/src/indexer.js";
import { answerChecker, type OpenApiDocument } from "../support/openapi.js";

const DOCUMENT = JSON.parse(
  readFileSync(new URL("../../indexer/openapi.json", import.meta.url), "utf8"),
) as OpenApiDocument;

const A = (n: number): `0x${string}` => `0x${n.toString(16).padStart(40, "0")}`;
const H = (n: number): `0x${string}` => `0x${n.toString(16).padStart(64, "0")}`;
const MAX_U64 = "18446744073709551615";

const grantKey = (i: number) => ({
  chainId: 31337,
  contract: A(0xab),
  grantId: H(i),
  owner: A(0xaa),
  grantee: A(0xbb),
  dataHash: H(0x11),
  purpose: H(0x22),
  lockedUntil: MAX_U64,
  expiresAt: "0",
  generation: "1",
});
const derived = { status: "locked", storedStatus: "active", isGranted: true, locked: true };
const grant = (i: number) => ({
  id: `31337-${A(0xab)}-${H(i)}`,
  ...grantKey(i),
  ...derived,
  createdBlock: "5",
  createdAt: "1700000000",
  updatedBlock: "6",
  updatedAt: "1700000001",
  replacedBy: null,
  replaces: null,
});
const event = (i: number) => ({
  id: `e${i}`,
  ...grantKey(i),
  kind: "created",
  status: "active",
  relatedGrantId: null,
  blockNumber: "5",
  blockTime: "1700000000",
  txHash: H(0x33),
  logIndex: 0,
});
const issuerRecord = {
  chainId: 31337,
  registry: A(0xcc),
  issuer: A(0xdd),
  status: "active",
  jurisdiction: "CH",
  validFrom: "0",
  validUntil: "0",
  typeBits: "3",
  metadataHash: null,
};
const issuerEvent = {
  id: "i1",
  ...issuerRecord,
  action: "added",
  relatedKey: null,
  blockNumber: "7",
  blockTime: "1700000100",
  txHash: H(0x44),
  logIndex: 1,
};
const issuer = {
  id: `31337-${A(0xcc)}-${A(0xdd)}`,
  ...issuerRecord,
  rotatedFrom: null,
  rotatedTo: null,
  updatedBlock: "7",
  updatedAt: "1700000100",
  lineage: A(0xdd),
  credentialTypes: [H(1), H(2)],
};
const auditLine = (i: number) => ({
  table: "grant",
  chainId: 31337,
  contract: A(0xab),
  blockNumber: String(i),
  blockTime: "1700000000",
  txHash: H(0x33),
  logIndex: i,
  change: "created",
  subject: H(i),
  owner: A(0xaa),
  grantee: A(0xbb),
  dataHash: H(0x11),
  purpose: H(0x22),
  status: "active",
  lockedUntil: "0",
  expiresAt: "0",
  related: null,
});

describe("sdk: indexer client (@grantkit/sdk/indexer)", function () {
  let server: Server;
  let indexer: IndexerClient;
  const requests: string[] = [];
  const problems: string[] = [];
  const check = answerChecker(DOCUMENT);
  let readyStatus = 200;

  /** The stand-in's answer to `url`: status, content type and body. */
  function answer(url: URL): [number, string, string] {
    const json = (status: number, body: unknown) =>
      [status, "application/json", JSON.stringify(body)] as [number, string, string];
    const p = url.pathname;
    const q = url.searchParams;
    if (q.get("limit") === "0") return json(400, { error: "limit: must be from 1 to 100" });
    if (p === "/v1/grants") {
      const page = Number(q.get("cursor") ?? "0");
      return json(200, {
        items: [grant(page * 2), grant(page * 2 + 1)],
        nextCursor: page < 2 ? String(page + 1) : null,
      });
    }
    if (p === `/v1/grants/31337/${H(1)}`)
      return json(200, { grant: grant(1), history: [event(1)] });
    if (p === `/v1/grants/31337/${H(1)}/at`)
      return json(200, {
        asOf: { block: q.get("block"), timestamp: "1700000000" },
        grant: { ...event(1), ...derived },
        existed: true,
      });
    if (p.startsWith("/v1/grants/")) return json(404, { error: "no grant on chain 31337" });
    if (p === `/v1/grantees/${A(0xbb)}/grants/at`)
      return json(200, {
        asOf: { block: null, timestamp: q.get("timestamp") },
        items: q.get("cursor") ? [] : [{ ...event(2), ...derived }],
        nextCursor: q.get("cursor") ? null : "next",
      });
    if (p === `/v1/grantees/${A(0xbb)}/retention`)
      return json(200, { items: [{ ...grant(3), unlocksAt: null }], nextCursor: null });
    if (p === `/v1/owners/${A(0xaa)}/export`)
      return json(200, {
        owner: A(0xaa),
        exportedAt: "2026-01-01T00:00:00.000Z",
        grants: [grant(4)],
        history: [event(4)],
      });
    if (p === "/v1/audit/changes") {
      const rows = [1, 2, 3].map((i) => JSON.stringify(auditLine(i)) + "\n").join("");
      return [200, "application/x-ndjson", rows];
    }
    if (p === "/v1/issuers") return json(200, { items: [issuer], nextCursor: null });
    if (p === `/v1/issuers/31337/${A(0xdd)}`)
      return json(200, { items: [{ ...issuer, history: [issuerEvent] }] });
    if (p === `/v1/issuers/31337/${A(0xdd)}/trusted`)
      return json(200, {
        issuer: A(0xdd),
        credentialType: H(1),
        at: q.get("at") ?? "1700000200",
        trusted: true,
        record: issuerEvent,
      });
    if (p.startsWith("/v1/issuers/")) return json(404, { error: "no issuer on chain 31337" });
    if (p === "/v1/stats")
      return json(200, { by: q.get("by"), items: [{ key: "active", count: 3 }] });
    if (p === "/v1/stats/series") {
      const point = (day: string, at: string) => ({
        day,
        at,
        created: 1,
        changes: 2,
        active: 3,
        locked: 1,
        expired: 0,
        revoked: 0,
        released: 0,
        replaced: 0,
      });
      return json(200, {
        days: Number(q.get("days") ?? "90"),
        chainId: null,
        points: [point("2023-11-13", "1699919999"), point("2023-11-14", "1700000200")],
      });
    }
    if (p === "/v1/audit/count") return json(200, { grantChanges: 3, issuerChanges: 1, total: 4 });
    if (p === "/v1/search")
      return json(200, {
        query: q.get("q"),
        matches: [
          {
            type: "transaction",
            txHash: H(0x33),
            chainId: 31337,
            blockNumber: "5",
            blockTime: "1700000000",
            changes: [
              {
                table: "grant",
                chainId: 31337,
                contract: A(0xab),
                subject: H(1),
                change: "created",
                blockNumber: "5",
                blockTime: "1700000000",
                logIndex: 0,
              },
            ],
          },
          { type: "purpose", purpose: H(0x33), label: null },
        ],
      });
    if (p === "/v1/ready") {
      if (readyStatus === 429) return json(429, { error: "rate limit: retry after 2 s" });
      const caughtUp = readyStatus === 200;
      return json(readyStatus, {
        ready: caughtUp,
        ...(caughtUp ? {} : { reason: "backfill in progress" }),
        chains: [
          {
            name: "chain31337",
            chainId: 31337,
            indexed: 100,
            head: caughtUp ? 100 : 120,
            lagBlocks: caughtUp ? 0 : 20,
            lagSeconds: caughtUp ? 0 : 20,
            caughtUp,
          },
        ],
      });
    }
    return json(404, { error: `no route GET ${p}` });
  }

  before(async function () {
    server = createServer((req, res) => {
      requests.push(req.url ?? "");
      const [status, type, body] = answer(new URL(req.url ?? "/", "http://x"));
      const bad = check({ target: req.url ?? "/", status, contentType: type, text: body });
      if (bad) problems.push(`${req.url}: ${bad}`);
      res.writeHead(status, {
        "content-type": type,
        ...(status === 429 ? { "retry-after": "2" } : {}),
      });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    indexer = createIndexerClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(function () {
    expect(problems.splice(0), "stand-in answers outside the OpenAPI document").to.deep.equal([]);
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
    readyStatus = 200;
    expect((await indexer.getReady()).ready).to.equal(true);
    readyStatus = 503;
    const behind = await indexer.getReady();
    expect(behind).to.deep.include({ ready: false, reason: "backfill in progress" });
    expect(behind.chains[0]!.lagBlocks).to.equal(20);
    readyStatus = 429;
    const error = await indexer.getReady().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IndexerRequestError);
    expect((error as IndexerRequestError).retryAfter).to.equal(2);
    readyStatus = 200;
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
