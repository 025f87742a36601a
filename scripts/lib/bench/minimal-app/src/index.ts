/**
 * Every event the indexer's handlers take (indexer/src/AccessGrants.ts, IssuerRegistry.ts), so that
 * both apps fetch and index the same logs: one insert each, nothing else.
 */
import { ponder } from "ponder:registry";
import { benchEvent } from "ponder:schema";

const EVENTS = [
  "AccessGrants:GrantCreated",
  "AccessGrants:GrantRevoked",
  "AccessGrants:GrantReleased",
  "AccessGrants:GrantLockExtended",
  "AccessGrants:GrantExpiryExtended",
  "AccessGrants:GrantReplaced",
  "AccessGrants:NoncesInvalidated",
  "AccessGrants:BatchItemFailed",
  "IssuerRegistry:CredentialTypeRegistered",
  "IssuerRegistry:CredentialTypeLifetimeSet",
  "IssuerRegistry:IssuerUpdated",
  "IssuerRegistry:IssuerMetadataUpdated",
  "IssuerRegistry:IssuerKeyRotated",
] as const;

for (const name of EVENTS) {
  ponder.on(name, async ({ event, context }) => {
    await context.db.insert(benchEvent).values({
      id: event.id,
      blockNumber: event.block.number,
      logIndex: event.log.logIndex,
      name,
    });
  });
}
