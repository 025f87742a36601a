/**
 * Every REST call the dashboard makes. Grants (list, one, retention) go through the SDK's typed
 * client (`@grantkit/sdk/indexer`); the routes it does not cover yet are here, typed from the route
 * code in indexer/src/api/routes/*.ts, in the SDK's conventions (numbers the API sends as decimal
 * strings become bigint; a 4xx/5xx throws `IndexerRequestError`). When the client generated from the
 * OpenAPI document lands in the SDK, this file is the one to swap.
 */
import {
  createIndexerClient,
  IndexerRequestError,
  type IndexedGrant,
  type IndexedGrantEvent,
  type Page,
} from "@grantkit/sdk/indexer";

type Hex = `0x${string}`;

export const sdk = createIndexerClient({ baseUrl: window.location.origin });

const GRANT_BIGINTS = [
  "lockedUntil",
  "expiresAt",
  "createdBlock",
  "createdAt",
  "updatedBlock",
  "updatedAt",
  "blockNumber",
  "blockTime",
];
const ISSUER_BIGINTS = [
  "validFrom",
  "validUntil",
  "typeBits",
  "updatedBlock",
  "updatedAt",
  "blockNumber",
  "blockTime",
];

function bigints<T>(row: unknown, fields: readonly string[]): T {
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const f of fields)
    if (out[f] !== undefined && out[f] !== null) out[f] = BigInt(out[f] as string);
  return out as T;
}

type Query = Record<string, string | number | bigint | undefined | null>;

/** The query string of `query` (undefined, null and "" left out). */
export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  return params.size > 0 ? `?${params}` : "";
}

async function get<T = Record<string, unknown>>(
  path: string,
  query: Query = {},
  accept: number[] = [200],
): Promise<{ status: number; body: T }> {
  const url = `${window.location.origin}${path}${queryString(query)}`;
  const response = await fetch(url, { headers: { accept: "application/json" } });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!accept.includes(response.status))
    throw new IndexerRequestError(
      url,
      response.status,
      typeof body.error === "string" ? body.error : response.statusText,
    );
  return { status: response.status, body: body as T };
}

// ------------------------------------------------------------------ readiness (routes/ready.ts)

export interface ChainReadiness {
  name: string;
  chainId: number;
  indexed: number | null;
  head: number | null;
  lagBlocks: number | null;
  lagSeconds: number | null;
  caughtUp: boolean;
}
export interface Readiness {
  ready: boolean;
  reason?: string;
  chains: ChainReadiness[];
}

/** `GET /v1/ready` with the lag per chain (the SDK's `getReady` leaves the lag out); 503 is an answer. */
export async function getReadiness(): Promise<Readiness> {
  const { body } = await get<Readiness>("/v1/ready", {}, [200, 503]);
  return body;
}

// ------------------------------------------------------------------ grants (routes/grants.ts, grantees.ts)

export interface AsOf {
  block: bigint | null;
  timestamp: bigint;
}

/** `GET /v1/grants/{chainId}/{grantId}/at?block=|timestamp=`: the grant as it stood then. */
export async function getGrantAt(p: {
  chainId: number;
  grantId: Hex;
  contract?: string | undefined;
  block?: bigint | undefined;
  timestamp?: bigint | undefined;
}): Promise<{ asOf: AsOf; grant: (IndexedGrantEvent & GrantFlags) | null; existed: boolean }> {
  const { body } = await get<{
    asOf: { block: string | null; timestamp: string };
    grant: unknown;
    existed: boolean;
  }>(`/v1/grants/${p.chainId}/${p.grantId}/at`, {
    contract: p.contract,
    block: p.block,
    timestamp: p.timestamp,
  });
  return {
    asOf: {
      block: body.asOf.block === null ? null : BigInt(body.asOf.block),
      timestamp: BigInt(body.asOf.timestamp),
    },
    grant: body.grant ? bigints<IndexedGrantEvent & GrantFlags>(body.grant, GRANT_BIGINTS) : null,
    existed: body.existed,
  };
}

/** What `present()` adds to a grant or an event (src/api/view.ts). */
export interface GrantFlags {
  storedStatus: string;
  isGranted: boolean;
  locked: boolean;
}

/** `GET /v1/grantees/{grantee}/grants/at`: a grantee's grants as they stood at a block or time. */
export async function getGranteeGrantsAt(p: {
  grantee: string;
  chainId: number;
  block?: bigint | undefined;
  timestamp?: bigint | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}): Promise<Page<IndexedGrantEvent & GrantFlags> & { asOf: AsOf }> {
  const { grantee, ...query } = p;
  const { body } = await get<{
    asOf: { block: string | null; timestamp: string };
    items: unknown[];
    nextCursor: string | null;
  }>(`/v1/grantees/${grantee}/grants/at`, query);
  return {
    asOf: {
      block: body.asOf.block === null ? null : BigInt(body.asOf.block),
      timestamp: BigInt(body.asOf.timestamp),
    },
    items: body.items.map((g) => bigints(g, GRANT_BIGINTS)),
    nextCursor: body.nextCursor,
  };
}

// ------------------------------------------------------------------ issuers (routes/issuers.ts)

export interface IssuerRecord {
  id: string;
  chainId: number;
  registry: string;
  issuer: string;
  status: "active" | "suspended" | "removed" | "rotated";
  /** bytes2 as hex, e.g. 0x4445 ("DE"). */
  jurisdiction: string;
  validFrom: bigint;
  validUntil: bigint;
  typeBits: bigint;
  metadataHash: Hex | null;
  rotatedFrom: string | null;
  rotatedTo: string | null;
  updatedBlock: bigint;
  updatedAt: bigint;
  credentialTypes: Hex[];
}

export interface IssuerEvent {
  id: string;
  chainId: number;
  registry: string;
  issuer: string;
  action: string;
  status: string;
  jurisdiction: string;
  validFrom: bigint;
  validUntil: bigint;
  typeBits: bigint;
  metadataHash: Hex | null;
  relatedKey: string | null;
  blockNumber: bigint;
  blockTime: bigint;
  txHash: Hex;
  logIndex: number;
}

/** `GET /v1/issuers`: one page of issuer keys. */
export async function listIssuers(p: {
  chainId?: number | undefined;
  status?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}): Promise<Page<IssuerRecord>> {
  const { body } = await get<{ items: unknown[]; nextCursor: string | null }>("/v1/issuers", p);
  return { items: body.items.map((r) => bigints(r, ISSUER_BIGINTS)), nextCursor: body.nextCursor };
}

/** `GET /v1/issuers/{chainId}/{issuer}`: the key in each registry, with its types and history; null if unknown. */
export async function getIssuer(p: {
  chainId: number;
  issuer: string;
}): Promise<(IssuerRecord & { history: IssuerEvent[] })[] | null> {
  const { status, body } = await get<{
    items: (Record<string, unknown> & { history: unknown[] })[];
  }>(`/v1/issuers/${p.chainId}/${p.issuer}`, {}, [200, 404]);
  if (status === 404) return null;
  return body.items.map((r) => ({
    ...bigints<IssuerRecord>(r, ISSUER_BIGINTS),
    history: r.history.map((e) => bigints<IssuerEvent>(e, ISSUER_BIGINTS)),
  }));
}

/** `GET /v1/issuers/{chainId}/{issuer}/trusted?type&at`: was the key trusted for the type then? */
export async function getIssuerTrusted(p: {
  chainId: number;
  issuer: string;
  type: string;
  at?: bigint | undefined;
  registry?: string | undefined;
}): Promise<{
  issuer: string;
  credentialType: Hex;
  at: bigint;
  trusted: boolean;
  record: IssuerEvent | null;
}> {
  const { chainId, issuer, ...query } = p;
  const { body } = await get<{
    issuer: string;
    credentialType: Hex;
    at: string;
    trusted: boolean;
    record: unknown;
  }>(`/v1/issuers/${chainId}/${issuer}/trusted`, query);
  return {
    ...body,
    at: BigInt(body.at),
    record: body.record ? bigints<IssuerEvent>(body.record, ISSUER_BIGINTS) : null,
  };
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

export type { IndexedGrant, IndexedGrantEvent, Page };
export { IndexerRequestError };
