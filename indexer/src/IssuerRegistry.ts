/**
 * IssuerRegistry handlers: the issuer's whole record comes with every `IssuerUpdated`, so the
 * current row is an upsert and the history row a copy.
 */
import { ponder, type Context, type Event } from "ponder:registry";
import { credentialType, issuer, issuerEvent } from "ponder:schema";

import {
  ISSUER_ACTIONS,
  ISSUER_STATUSES,
  nameOf,
  type IssuerChange,
  type StoredIssuerStatus,
} from "./names.js";
import { originOf } from "./origin.js";

type Hex = `0x${string}`;

/** 0x4348 -> "CH"; 0x0000 -> "". */
export function jurisdictionText(code: Hex): string {
  if (/^0x0*$/.test(code)) return "";
  return Buffer.from(code.slice(2), "hex").toString("ascii");
}

function keyOf(chainId: number, registry: Hex, key: Hex): string {
  return `${chainId}-${registry.toLowerCase()}-${key.toLowerCase()}`;
}

/** A record's status as a row stores it: never `none` (the contract emits a record only for a key it holds). */
function storedStatus(value: number): StoredIssuerStatus {
  const name = nameOf(ISSUER_STATUSES, value, "IssuerStatus");
  if (name === "none")
    throw new Error(
      "IssuerUpdated with status none: the registry emits a record only for a key it holds",
    );
  return name;
}

type Base = Pick<Event<"IssuerRegistry:IssuerUpdated">, "block" | "transaction" | "log" | "id">;

async function history(
  context: Context,
  event: Base,
  key: Hex,
  action: IssuerChange,
  row: {
    status: StoredIssuerStatus;
    jurisdiction: string;
    validFrom: bigint;
    validUntil: bigint;
    typeBits: bigint;
    metadataHash: Hex | null;
  },
  relatedKey: Hex | null = null,
) {
  await context.db.insert(issuerEvent).values({
    id: event.id,
    chainId: context.chain.id,
    registry: event.log.address,
    issuer: key,
    action,
    ...row,
    relatedKey,
    ...originOf(event),
    logIndex: event.log.logIndex,
  });
}

ponder.on("IssuerRegistry:CredentialTypeRegistered", async ({ event, context }) => {
  await context.db.insert(credentialType).values({
    id: keyOf(context.chain.id, event.log.address, event.args.credentialType),
    chainId: context.chain.id,
    registry: event.log.address,
    typeId: event.args.credentialType,
    bit: event.args.bit,
    blockNumber: event.block.number,
    maxReceiptLifetime: BigInt(event.args.maxReceiptLifetime),
  });
});

ponder.on("IssuerRegistry:CredentialTypeLifetimeSet", async ({ event, context }) => {
  await context.db
    .update(credentialType, {
      id: keyOf(context.chain.id, event.log.address, event.args.credentialType),
    })
    .set({ maxReceiptLifetime: BigInt(event.args.maxReceiptLifetime) });
});

ponder.on("IssuerRegistry:IssuerUpdated", async ({ event, context }) => {
  const { issuer: key, action, record } = event.args;
  const id = keyOf(context.chain.id, event.log.address, key);
  const existing = await context.db.find(issuer, { id });
  const row = {
    status: storedStatus(record.status),
    jurisdiction: jurisdictionText(record.jurisdiction),
    validFrom: BigInt(record.validFrom),
    validUntil: BigInt(record.validUntil),
    typeBits: record.typeBits,
    metadataHash: existing?.metadataHash ?? null,
  };
  await context.db
    .insert(issuer)
    .values({
      id,
      chainId: context.chain.id,
      registry: event.log.address,
      issuer: key,
      ...row,
      rotatedFrom: null,
      rotatedTo: null,
      updatedBlock: event.block.number,
      updatedAt: event.block.timestamp,
      // A key is its own lineage until IssuerKeyRotated (emitted right after) says otherwise.
      lineage: key,
    })
    .onConflictDoUpdate({
      ...row,
      updatedBlock: event.block.number,
      updatedAt: event.block.timestamp,
    });
  await history(context, event, key, nameOf(ISSUER_ACTIONS, action, "IssuerAction"), row);
});

ponder.on("IssuerRegistry:IssuerMetadataUpdated", async ({ event, context }) => {
  const id = keyOf(context.chain.id, event.log.address, event.args.issuer);
  const row = await context.db.find(issuer, { id });
  if (!row) return; // cannot happen: the record is always emitted first
  await context.db.update(issuer, { id }).set({ metadataHash: event.args.metadataHash });
  await history(
    context,
    event,
    event.args.issuer,
    "metadata_updated",
    recordOf(row, event.args.metadataHash),
  );
});

ponder.on("IssuerRegistry:IssuerKeyRotated", async ({ event, context }) => {
  const { oldKey, newKey, lineage } = event.args;
  const oldId = keyOf(context.chain.id, event.log.address, oldKey);
  const newId = keyOf(context.chain.id, event.log.address, newKey);
  const old = await context.db.find(issuer, { id: oldId });
  if (!old) return; // cannot happen: both records are emitted first
  await context.db.update(issuer, { id: oldId }).set({ rotatedTo: newKey });
  await context.db
    .update(issuer, { id: newId })
    .set({ rotatedFrom: oldKey, metadataHash: old.metadataHash, lineage });
  // The link between the two keys' histories, as a history row of the old key.
  await history(context, event, oldKey, "key_rotated", recordOf(old, old.metadataHash), newKey);
});

/** The history fields of an issuer row (never its id or keys). */
function recordOf(row: typeof issuer.$inferSelect, metadataHash: Hex | null) {
  return {
    status: row.status,
    jurisdiction: row.jurisdiction,
    validFrom: row.validFrom,
    validUntil: row.validUntil,
    typeBits: row.typeBits,
    metadataHash,
  };
}
