/**
 * AccessGrants handlers: upserts from `event.args` alone (no contract reads, no calldata), one
 * history row per change with the full state after it.
 */
import { ponder, type Context, type Event } from "ponder:registry";
import { batchItemFailure, grant, grantEvent, nonceInvalidation } from "ponder:schema";

import { grantStatuses } from "../../sdk/src/constants.js";
import type { GrantChange, StoredGrantStatus } from "./names.js";
import { originOf } from "./origin.js";

type Hex = `0x${string}`;

interface GrantState {
  grantId: Hex;
  owner: Hex;
  grantee: Hex;
  dataHash: Hex;
  purpose: Hex;
  status: StoredGrantStatus;
  lockedUntil: bigint;
  expiresAt: bigint;
  generation: bigint;
}

type AnyGrantEvent = Event<"AccessGrants:GrantCreated">;

/** `IAccessGrants.GrantStatus.Active` as the ABI encodes it (its index in the SDK's table). */
const GRANT_STATUS_ACTIVE = grantStatuses.indexOf("Active");

function keyOf(chainId: number, contract: Hex, grantId: Hex): string {
  return `${chainId}-${contract.toLowerCase()}-${grantId}`;
}

async function record(
  context: Context,
  event: Pick<AnyGrantEvent, "block" | "transaction" | "log">,
  id: string,
  kind: GrantChange,
  state: GrantState,
  relatedGrantId: Hex | null = null,
) {
  await context.db.insert(grantEvent).values({
    id,
    chainId: context.chain.id,
    contract: event.log.address,
    kind,
    ...state,
    relatedGrantId,
    ...originOf(event),
    logIndex: event.log.logIndex,
  });
}

async function upsert(
  context: Context,
  event: Pick<AnyGrantEvent, "block" | "log">,
  state: GrantState,
  links: { fresh?: boolean; replaces?: Hex; replacedBy?: Hex } = {},
) {
  const id = keyOf(context.chain.id, event.log.address, state.grantId);
  const common = {
    status: state.status,
    lockedUntil: state.lockedUntil,
    expiresAt: state.expiresAt,
    generation: state.generation,
    updatedBlock: event.block.number,
    updatedAt: event.block.timestamp,
  };
  // A (re-)grant is a new consent: it starts a new life, with new creation fields and links.
  const fresh = links.fresh === true;
  await context.db
    .insert(grant)
    .values({
      id,
      chainId: context.chain.id,
      contract: event.log.address,
      ...state,
      createdBlock: event.block.number,
      createdAt: event.block.timestamp,
      updatedBlock: event.block.number,
      updatedAt: event.block.timestamp,
      replaces: links.replaces ?? null,
      replacedBy: links.replacedBy ?? null,
    })
    .onConflictDoUpdate(() => ({
      ...common,
      ...(fresh
        ? {
            createdBlock: event.block.number,
            createdAt: event.block.timestamp,
            replacedBy: null,
            replaces: links.replaces ?? null,
          }
        : {}),
      ...(links.replacedBy !== undefined ? { replacedBy: links.replacedBy } : {}),
    }));
}

/** An event's key and state, with the generation as a bigint like every other number. */
function stateOf(args: AnyGrantEvent["args"], status: GrantState["status"]): GrantState {
  return { ...args, generation: BigInt(args.generation), status };
}

/**
 * The events that carry one grant's whole state: the stored status each leaves and the change it
 * records. Only a creation starts a new life of the grant id.
 */
const SINGLE_GRANT_EVENTS = [
  ["GrantCreated", "active", "created"],
  ["GrantRevoked", "revoked", "revoked"],
  ["GrantReleased", "released", "released"],
  ["GrantLockExtended", "active", "lock_extended"],
  ["GrantExpiryExtended", "active", "expiry_extended"],
] as const satisfies readonly (readonly [string, StoredGrantStatus, GrantChange])[];

for (const [name, status, kind] of SINGLE_GRANT_EVENTS) {
  ponder.on(`AccessGrants:${name}`, async ({ event, context }) => {
    const state = stateOf(event.args, status);
    await upsert(context, event, state, { fresh: kind === "created" });
    await record(context, event, event.id, kind, state);
  });
}

ponder.on("AccessGrants:GrantReplaced", async ({ event, context }) => {
  const a = event.args;
  const base = { owner: a.owner, grantee: a.grantee, purpose: a.purpose };
  // The event carries both grants' state: the old one ended ("replaced"), or still in force until
  // its lock (status Active, expiry = lock) when the lock was in force.
  const oldState: GrantState = {
    ...base,
    grantId: a.oldGrantId,
    dataHash: a.oldDataHash,
    status: a.oldStatus === GRANT_STATUS_ACTIVE ? "active" : "replaced",
    lockedUntil: a.oldLockedUntil,
    expiresAt: a.oldExpiresAt,
    generation: BigInt(a.oldGeneration),
  };
  const newState: GrantState = {
    ...base,
    grantId: a.newGrantId,
    dataHash: a.newDataHash,
    status: "active",
    lockedUntil: a.lockedUntil,
    expiresAt: a.expiresAt,
    generation: BigInt(a.generation),
  };
  await upsert(context, event, oldState, { replacedBy: a.newGrantId });
  await upsert(context, event, newState, { fresh: true, replaces: a.oldGrantId });
  await record(context, event, `${event.id}-old`, "replaced", oldState, a.newGrantId);
  await record(context, event, `${event.id}-new`, "replacement", newState, a.oldGrantId);
});

/** The columns of a row that keeps one event as it came (the schema's `contractLogTable`). */
function logRow(
  context: Context,
  event: Pick<AnyGrantEvent, "id" | "block" | "transaction" | "log">,
) {
  return {
    id: event.id,
    chainId: context.chain.id,
    contract: event.log.address,
    ...originOf(event),
  };
}

ponder.on("AccessGrants:NoncesInvalidated", async ({ event, context }) => {
  const { owner, wordPos, mask } = event.args;
  await context.db
    .insert(nonceInvalidation)
    .values({ ...logRow(context, event), owner, wordPos, mask });
});

ponder.on("AccessGrants:BatchItemFailed", async ({ event, context }) => {
  const { sender, index, reason } = event.args;
  await context.db
    .insert(batchItemFailure)
    .values({ ...logRow(context, event), sender, itemIndex: Number(index), reason });
});
