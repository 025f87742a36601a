/** @grantkit/sdk/indexer: a typed client of the indexer's REST API (base URL always yours). */
export {
  createIndexerClient,
  IndexerRequestError,
  type IndexedGrant,
  type IndexedGrantEvent,
  type IndexedGrantStatus,
  type IndexerClient,
  type IndexerClientOptions,
  type IndexerReadiness,
  type ListGrantsParameters,
  type Page,
} from "./indexer/client.js";
