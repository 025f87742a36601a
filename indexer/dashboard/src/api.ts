/**
 * Every REST call the dashboard makes. The routes of the API's OpenAPI document go through the SDK's
 * typed client (`@grantkit/sdk/indexer`), with its types; the routes outside the document (the
 * series, the audit count and the search) are here, typed from the route code in
 * indexer/src/api/routes/*.ts, in the SDK's conventions (numbers the API sends as decimal strings
 * become bigint; a 4xx/5xx throws `IndexerRequestError`).
 */
import {
  createIndexerClient,
  IndexerRequestError,
  type components,
  type IndexedGrant,
  type IndexedGrantAt,
  type IndexedGrantEvent,
  type IndexedIssuer,
  type IndexedIssuerEvent,
  type IndexedIssuerWithHistory,
  type IndexerParameters,
  type IndexerReadiness,
  type Page,
} from "@grantkit/sdk/indexer";

type Hex = `0x${string}`;

export const sdk = createIndexerClient({ baseUrl: window.location.origin });

function bigints<T>(row: unknown, fields: readonly string[]): T {
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const f of fields)
    if (out[f] !== undefined && out[f] !== null) out[f] = BigInt(out[f] as string);
  return out as T;
}

type Query = Record<string, string | number | bigint | undefined | null>;

/** `query` without what the API reads as absent (undefined, null and ""), as the SDK's parameters. */
function present<P>(query: Query): P {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== "") out[k] = v;
  return out as P;
}

/** The query string of `query` (undefined, null and "" left out). */
export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(present<Query>(query))) params.set(k, String(v));
  return params.size > 0 ? `?${params}` : "";
}

async function get<T = Record<string, unknown>>(
  path: string,
  query: Query = {},
): Promise<{ status: number; body: T }> {
  const url = `${window.location.origin}${path}${queryString(query)}`;
  const response = await fetch(url, { headers: { accept: "application/json" } });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 200)
    throw new IndexerRequestError(
      url,
      response.status,
      typeof body.error === "string" ? body.error : response.statusText,
    );
  return { status: response.status, body: body as T };
}

// ------------------------------------------------------------------ readiness (routes/ready.ts)

export type ChainReadiness = components["schemas"]["ChainReadiness"];
export type Readiness = IndexerReadiness;

/** `GET /v1/ready` with the lag per chain; 503 is an answer. */
export function getReadiness(): Promise<Readiness> {
  return sdk.getReady();
}

// ------------------------------------------------------------------ grants (routes/grants.ts, grantees.ts)

/** `GET /v1/grants/{chainId}/{grantId}/at?block=|timestamp=`: the grant as it stood then. */
export function getGrantAt(p: {
  chainId: number;
  grantId: Hex;
  contract?: string | undefined;
  block?: bigint | undefined;
  timestamp?: bigint | undefined;
}) {
  // Only these: a caller may pass more (the page passes its props).
  const { chainId, grantId, contract, block, timestamp } = p;
  return sdk.getGrantAt(
    present<IndexerParameters<"getGrantAt">>({ chainId, grantId, contract, block, timestamp }),
  );
}

/** `GET /v1/grantees/{grantee}/grants/at`: a grantee's grants as they stood at a block or time. */
export function getGranteeGrantsAt(p: {
  grantee: string;
  chainId: number;
  block?: bigint | undefined;
  timestamp?: bigint | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}) {
  return sdk.getGranteeGrantsAt(present<IndexerParameters<"getGranteeGrantsAt">>(p));
}

// ------------------------------------------------------------------ issuers (routes/issuers.ts)

export type IssuerRecord = IndexedIssuer;
export type IssuerEvent = IndexedIssuerEvent;

/** `GET /v1/issuers`: one page of issuer keys. */
export function listIssuers(p: {
  chainId?: number | undefined;
  status?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}): Promise<Page<IssuerRecord>> {
  return sdk.listIssuers(present<IndexerParameters<"listIssuers">>(p));
}

/** `GET /v1/issuers/{chainId}/{issuer}`: the key in each registry, with its types and history; null if unknown. */
export async function getIssuer(p: {
  chainId: number;
  issuer: string;
}): Promise<IndexedIssuerWithHistory[] | null> {
  const found = await sdk.getIssuer({ chainId: p.chainId, issuer: p.issuer as Hex });
  return found === null ? null : found.items;
}

/** `GET /v1/issuers/{chainId}/{issuer}/trusted?type&at`: was the key trusted for the type then? */
export function getIssuerTrusted(p: {
  chainId: number;
  issuer: string;
  type: string;
  at?: bigint | undefined;
  registry?: string | undefined;
}) {
  return sdk.wasTrusted(present<IndexerParameters<"wasTrusted">>(p));
}

// ------------------------------------------------------------------ aggregates (routes/stats.ts, explore.ts)

export type StatsBy = "grantee" | "purpose" | "status" | "day" | "issuer";

/** `GET /v1/stats?by=`: counts by a key (never an owner). */
export async function getStats(p: {
  by: StatsBy;
  chainId?: number | undefined;
  limit?: number | undefined;
}): Promise<{ by: StatsBy; items: { key: string; count: number }[] }> {
  return (await get<{ by: StatsBy; items: { key: string; count: number }[] }>("/v1/stats", p)).body;
}

export const STATUSES = ["active", "locked", "expired", "revoked", "released", "replaced"] as const;
export type GrantStatus = (typeof STATUSES)[number];

export type SeriesPoint = Record<GrantStatus, number> & {
  day: string;
  at: bigint;
  created: number;
  changes: number;
};

/** `GET /v1/stats/series?days&chainId`: per day, grants created, changes and counts by derived status. */
export async function getSeries(p: {
  days?: number | undefined;
  chainId?: number | undefined;
}): Promise<{ days: number; chainId: number | null; points: SeriesPoint[] }> {
  const { body } = await get<{ days: number; chainId: number | null; points: unknown[] }>(
    "/v1/stats/series",
    p,
  );
  return { ...body, points: body.points.map((pt) => bigints<SeriesPoint>(pt, ["at"])) };
}

// ------------------------------------------------------------------ audit (routes/audit.ts, explore.ts)

export interface AuditRange {
  fromBlock?: bigint | undefined;
  toBlock?: bigint | undefined;
  fromTime?: bigint | undefined;
  toTime?: bigint | undefined;
  chainId?: number | undefined;
}

/** `GET /v1/audit/count`: how many changes `/v1/audit/changes` streams for the range. */
export async function getAuditCount(
  range: AuditRange,
): Promise<{ grantChanges: number; issuerChanges: number; total: number }> {
  return (
    await get<{ grantChanges: number; issuerChanges: number; total: number }>(
      "/v1/audit/count",
      range as Query,
    )
  ).body;
}

/** The URL of the audit stream (a download: the browser streams it to a file). */
export function auditChangesUrl(range: AuditRange, format: "csv" | "ndjson"): string {
  return `/v1/audit/changes${queryString({ ...(range as Query), format })}`;
}

// ------------------------------------------------------------------ search (routes/explore.ts)

export interface TxChange {
  table: "grant" | "issuer";
  chainId: number;
  contract: string;
  subject: Hex;
  change: string;
  blockNumber: bigint;
  blockTime: bigint;
  logIndex: number;
}

export type SearchMatch =
  | {
      type: "address";
      address: string;
      asOwner: boolean;
      asGrantee: boolean;
      issuerKeys: { chainId: number; registry: string; status: string }[];
    }
  | { type: "grant"; chainId: number; contract: string; grantId: Hex }
  | {
      type: "transaction";
      txHash: Hex;
      chainId: number;
      blockNumber: bigint;
      blockTime: bigint;
      changes: TxChange[];
    }
  | { type: "purpose"; purpose: Hex; label: string | null }
  | {
      type: "credentialType";
      typeId: Hex;
      label: string | null;
      registries: { chainId: number; registry: string }[];
    };

/** `GET /v1/search?q=`: what a typed value is. */
export async function search(q: string): Promise<{ query: string; matches: SearchMatch[] }> {
  const { body } = await get<{ query: string; matches: Record<string, unknown>[] }>("/v1/search", {
    q,
  });
  return {
    query: body.query,
    matches: body.matches.map((m) =>
      m.type === "transaction"
        ? ({
            ...bigints(m, ["blockNumber", "blockTime"]),
            changes: (m.changes as unknown[]).map((ch) =>
              bigints(ch, ["blockNumber", "blockTime"]),
            ),
          } as SearchMatch)
        : (m as SearchMatch),
    ),
  };
}

export type { IndexedGrant, IndexedGrantAt, IndexedGrantEvent, Page };
export { IndexerRequestError };
