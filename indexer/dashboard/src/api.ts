/**
 * Every REST call the dashboard makes, through the SDK's typed client (`@grantkit/sdk/indexer`,
 * generated from the API's OpenAPI document): what a user sees is what the public API answers.
 * Numbers the API sends as decimal strings arrive as bigint; a 4xx/5xx throws `IndexerRequestError`.
 * The names below are the pages' vocabulary over the client's operations.
 */
import {
  createIndexerClient,
  IndexerRequestError,
  type IndexedGrant,
  type IndexedGrantAt,
  type IndexedGrantEvent,
  type IndexedIssuer,
  type IndexedIssuerEvent,
  type IndexerParameters,
  type Page,
  type SearchMatch,
  type StatsSeriesPoint,
} from "@grantkit/sdk/indexer";

export const sdk = createIndexerClient({ baseUrl: window.location.origin });

/** `GET /v1/ready` with the lag per chain; a 503 (not caught up) is an answer, not an error. */
export const getReadiness = () => sdk.getReady();

/** A grant as it stood at a block or a time. */
export const getGrantAt = sdk.getGrantAt;
/** A grantee's grants as they stood at a block or a time (one page). */
export const getGranteeGrantsAt = sdk.getGranteeGrantsAt;

/** One page of issuer keys. */
export const listIssuers = sdk.listIssuers;
/** The key in each registry, with its types and history; null when unknown. */
export const getIssuer = async (p: IndexerParameters<"getIssuer">) =>
  (await sdk.getIssuer(p))?.items ?? null;
/** Was the key trusted for the type then? */
export const getIssuerTrusted = sdk.wasTrusted;

export type StatsBy = IndexerParameters<"getStats">["by"];
/** Counts by a key (never an owner). */
export const getStats = sdk.getStats;
/** Per day: grants created, changes and counts by derived status. */
export const getSeries = sdk.getStatsSeries;

export const STATUSES = ["active", "locked", "expired", "revoked", "released", "replaced"] as const;
export type GrantStatus = (typeof STATUSES)[number];

/** A block or a time range, and a chain: what the audit export and its count take. */
export type AuditRange = IndexerParameters<"countAuditChanges">;
/** How many changes the audit stream holds for the range. */
export const getAuditCount = sdk.countAuditChanges;
/** The URL of the audit stream (a download: the browser streams it to a file). */
export const auditChangesUrl = (range: AuditRange, format: "csv" | "ndjson") =>
  sdk.auditChangesUrl({ ...range, format });

/** What a typed value is. */
export const search = (q: string) => sdk.search({ q });

export type IssuerRecord = IndexedIssuer;
export type IssuerStatus = NonNullable<IndexerParameters<"listIssuers">["status"]>;
export type IssuerEvent = IndexedIssuerEvent;
export type SeriesPoint = StatsSeriesPoint;
export type TxChange = Extract<SearchMatch, { type: "transaction" }>["changes"][number];
/** What the API adds to a grant at a time (src/api/view.ts). */
export type GrantFlags = Pick<IndexedGrantAt, "storedStatus" | "isGranted" | "locked">;

export type { IndexedGrant, IndexedGrantAt, IndexedGrantEvent, Page, SearchMatch };
export { IndexerRequestError };
