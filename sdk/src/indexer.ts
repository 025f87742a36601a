/**
 * @grantkit/sdk/indexer: a typed client of the indexer's REST API (base URL always yours), over the
 * types generated from the API's OpenAPI document (`paths`, `components`, `operations`).
 */
export {
  createIndexerClient,
  DECIMAL_FIELDS,
  IndexerRequestError,
  type AuditChange,
  type Decoded,
  type IndexedGrant,
  type IndexedGrantAt,
  type IndexedGrantEvent,
  type IndexedGrantStatus,
  type IndexedIssuer,
  type IndexedIssuerEvent,
  type IndexedIssuerWithHistory,
  type IndexerClient,
  type IndexerClientOptions,
  type IndexerParameters,
  type IndexerReadiness,
  type ListGrantsParameters,
  type OwnerExport,
  type Page,
  type RetainedGrant,
  type SearchMatch,
  type StatsSeriesPoint,
} from "./indexer/client.js";
export type { components, operations, paths } from "./indexer/api.js";
