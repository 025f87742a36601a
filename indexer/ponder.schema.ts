/**
 * Current state beside an append-only history, for grants and issuers. Every row holds only what the
 * events carry: addresses, hashes, numbers. The chain id (and the contract address) is part of every
 * key, so one database serves many chains and several deployments per chain.
 */
import type { PgColumnBuilderBase } from "drizzle-orm/pg-core";
import { index, onchainEnum, onchainTable, type PgColumnsBuilders } from "ponder";

import {
  GRANT_CHANGES,
  ISSUER_CHANGES,
  STORED_GRANT_STATUSES,
  STORED_ISSUER_STATUSES,
} from "./src/names.js";

/** The names a row may hold, as PostgreSQL enums: the database refuses any other. */
export const grantStatus = onchainEnum("grant_status", STORED_GRANT_STATUSES);
export const grantChange = onchainEnum("grant_change", GRANT_CHANGES);
export const issuerStatus = onchainEnum("issuer_status", STORED_ISSUER_STATUSES);
export const issuerChange = onchainEnum("issuer_change", ISSUER_CHANGES);

// A current-state table and its history hold the same state columns: one definition keeps them in
// step. Each group is spread where its columns stood, so every table's column order is unchanged.

/** The AccessGrants deployment a row belongs to. */
const deployment = (t: PgColumnsBuilders) => ({
  chainId: t.integer().notNull(),
  contract: t.hex().notNull(),
});

/** Where a grant lives: chain, contract, id. */
const grantKey = (t: PgColumnsBuilders) => ({
  ...deployment(t),
  grantId: t.hex().notNull(),
});

/** A grant's state after a change. */
const grantState = (t: PgColumnsBuilders) => ({
  owner: t.hex().notNull(),
  grantee: t.hex().notNull(),
  dataHash: t.hex().notNull(),
  purpose: t.hex().notNull(),
  status: grantStatus("status").notNull(),
  lockedUntil: t.bigint().notNull(),
  expiresAt: t.bigint().notNull(),
});

/** Where an issuer key lives: chain, registry, key. */
const issuerKey = (t: PgColumnsBuilders) => ({
  chainId: t.integer().notNull(),
  registry: t.hex().notNull(),
  issuer: t.hex().notNull(),
});

/** An issuer key's record after a change. */
const issuerRecord = (t: PgColumnsBuilders) => ({
  status: issuerStatus("status").notNull(),
  jurisdiction: t.text().notNull(),
  validFrom: t.bigint().notNull(),
  validUntil: t.bigint().notNull(),
  typeBits: t.bigint().notNull(),
  metadataHash: t.hex(),
});

/** The block and transaction a log row came from. */
const origin = (t: PgColumnsBuilders) => ({
  blockNumber: t.bigint().notNull(),
  blockTime: t.bigint().notNull(),
  txHash: t.hex().notNull(),
});

/** A table of one AccessGrants event kept as it came: Ponder's event id, the deployment, the event's
 * own `columns`, and where it came from. */
function contractLogTable<N extends string, C extends Record<string, PgColumnBuilderBase>>(
  name: N extends "" ? never : N,
  columns: (t: PgColumnsBuilders) => C,
) {
  return onchainTable(name, (t) => ({
    id: t.text().primaryKey(),
    ...deployment(t),
    ...columns(t),
    ...origin(t),
  }));
}

/** A grant as it stands now. `status` is what the chain stores; "expired" and "locked" are derived
 * from `expiresAt` / `lockedUntil` at query time (a grant expires without an event). */
export const grant = onchainTable(
  "grant",
  (t) => ({
    id: t.text().primaryKey(), // `${chainId}-${contract}-${grantId}`
    ...grantKey(t),
    ...grantState(t),
    createdBlock: t.bigint().notNull(),
    createdAt: t.bigint().notNull(),
    updatedBlock: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
    replacedBy: t.hex(),
    replaces: t.hex(),
    generation: t.bigint().notNull(), // lives of this grant id so far; signed requests name it
  }),
  // Lists filter by owner, grantee or purpose and page by id: (column, id) indexes serve both.
  (table) => ({
    ownerIdx: index().on(table.owner, table.id),
    granteeIdx: index().on(table.grantee, table.id),
    purposeIdx: index().on(table.purpose, table.id),
    grantIdIdx: index().on(table.grantId),
  }),
);

/** Every change of every grant, with the full state after it. */
export const grantEvent = onchainTable(
  "grant_event",
  (t) => ({
    id: t.text().primaryKey(), // Ponder's event id (+ "-old"/"-new" for the two sides of a replace)
    ...grantKey(t),
    kind: grantChange("kind").notNull(),
    ...grantState(t),
    relatedGrantId: t.hex(),
    ...origin(t),
    logIndex: t.integer().notNull(),
    generation: t.bigint().notNull(),
  }),
  // The audit stream pages in (block, log index, id) order; an owner's export reads its history.
  (table) => ({
    grantIdx: index().on(table.chainId, table.grantId),
    blockIdx: index().on(table.blockNumber, table.logIndex, table.id),
    timeIdx: index().on(table.blockTime),
    granteeIdx: index().on(table.grantee),
    ownerIdx: index().on(table.owner, table.chainId, table.blockNumber, table.logIndex, table.id),
  }),
);

/** Items of a relayer's `tryMulticall` that reverted (`BatchItemFailed`), with their revert data: one of
 * our custom errors (selector and ABI words of ids, addresses and numbers), or empty. */
export const batchItemFailure = contractLogTable("batch_item_failure", (t) => ({
  sender: t.hex().notNull(),
  itemIndex: t.integer().notNull(),
  reason: t.hex().notNull(),
}));

/** Nonces an owner cancelled (`invalidateNonces`). */
export const nonceInvalidation = contractLogTable("nonce_invalidation", (t) => ({
  owner: t.hex().notNull(),
  wordPos: t.bigint().notNull(),
  mask: t.bigint().notNull(),
}));

/** Registered credential types and their bits. */
export const credentialType = onchainTable("credential_type", (t) => ({
  id: t.text().primaryKey(), // `${chainId}-${registry}-${typeId}`
  chainId: t.integer().notNull(),
  registry: t.hex().notNull(),
  typeId: t.hex().notNull(),
  bit: t.integer().notNull(),
  blockNumber: t.bigint().notNull(),
  maxReceiptLifetime: t.bigint().notNull(), // seconds; bounds how far a receipt can be backdated
}));

/** An issuer key as it stands now. */
export const issuer = onchainTable(
  "issuer",
  (t) => ({
    id: t.text().primaryKey(), // `${chainId}-${registry}-${issuer}`
    ...issuerKey(t),
    ...issuerRecord(t),
    rotatedFrom: t.hex(),
    rotatedTo: t.hex(),
    updatedBlock: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
    lineage: t.hex().notNull(), // the lineage's first key; a suspension or removal covers every key of it
  }),
  (table) => ({ issuerIdx: index().on(table.issuer) }),
);

/** Every change of every issuer key, with the full record after it. */
export const issuerEvent = onchainTable(
  "issuer_event",
  (t) => ({
    id: t.text().primaryKey(),
    ...issuerKey(t),
    action: issuerChange("action").notNull(),
    ...issuerRecord(t),
    relatedKey: t.hex(),
    ...origin(t),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    issuerIdx: index().on(table.chainId, table.issuer),
    timeIdx: index().on(table.blockTime),
    blockIdx: index().on(table.blockNumber, table.logIndex, table.id),
  }),
);
