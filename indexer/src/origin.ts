/** The columns every log-derived row shares: the block and transaction its event came from. */
import type { Event } from "ponder:registry";

type Located = Pick<Event<"AccessGrants:GrantCreated">, "block" | "transaction">;

/** `blockNumber`, `blockTime` and `txHash` of the row an event makes. */
export function originOf(event: Located) {
  return {
    blockNumber: event.block.number,
    blockTime: event.block.timestamp,
    txHash: event.transaction.hash,
  };
}
