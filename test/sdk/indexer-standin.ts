/**
 * A stand-in of the indexer's REST API for the SDK's indexer client tests (test/sdk/indexer.ts): it
 * answers every route the client reads, and checks each answer against the API's OpenAPI document
 * (indexer/openapi.json), so the stand-in cannot drift from the API.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { answerChecker, type OpenApiDocument } from "../support/openapi.js";

export const DOCUMENT = JSON.parse(
  readFileSync(new URL("../../indexer/openapi.json", import.meta.url), "utf8"),
) as OpenApiDocument;

export const A = (n: number): `0x${string}` => `0x${n.toString(16).padStart(40, "0")}`;
export const H = (n: number): `0x${string}` => `0x${n.toString(16).padStart(64, "0")}`;
export const MAX_U64 = "18446744073709551615";

export const grantKey = (i: number) => ({
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
export const derived = { status: "locked", storedStatus: "active", isGranted: true, locked: true };
export const grant = (i: number) => ({
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
export const event = (i: number) => ({
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
export const issuerRecord = {
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
export const issuerEvent = {
  id: "i1",
  ...issuerRecord,
  action: "added",
  relatedKey: null,
  blockNumber: "7",
  blockTime: "1700000100",
  txHash: H(0x44),
  logIndex: 1,
};
export const issuer = {
  id: `31337-${A(0xcc)}-${A(0xdd)}`,
  ...issuerRecord,
  rotatedFrom: null,
  rotatedTo: null,
  updatedBlock: "7",
  updatedAt: "1700000100",
  lineage: A(0xdd),
  credentialTypes: [H(1), H(2)],
};
export const auditLine = (i: number) => ({
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
  generation: "1",
  jurisdiction: null,
  validFrom: null,
  validUntil: null,
  typeBits: null,
  metadataHash: null,
});

/** The stand-in's answer to `url`: status, content type and body. */
function answer(url: URL, readyStatus: number): [number, string, string] {
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
  if (p === `/v1/grants/31337/${H(1)}`) return json(200, { grant: grant(1), history: [event(1)] });
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

/** A running stand-in: its URL, what it was asked, answers outside the document, and its readiness. */
export interface StandIn {
  url: string;
  requests: string[];
  problems: string[];
  /** What /v1/ready answers: 200 (caught up), 503 (behind) or 429 (rate limited). */
  readyStatus: number;
  close(): Promise<void>;
}

/** Starts the stand-in on a free local port. */
export async function startStandIn(): Promise<StandIn> {
  const check = answerChecker(DOCUMENT);
  const requests: string[] = [];
  const problems: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const [status, type, body] = answer(new URL(req.url ?? "/", "http://x"), standIn.readyStatus);
    const bad = check({ target: req.url ?? "/", status, contentType: type, text: body });
    if (bad) problems.push(`${req.url}: ${bad}`);
    res.writeHead(status, {
      "content-type": type,
      ...(status === 429 ? { "retry-after": "2" } : {}),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const standIn: StandIn = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    problems,
    readyStatus: 200,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return standIn;
}
