/**
 * Readiness that means "caught up with the chain": Ponder's backfill is done and, on every chain, the
 * indexed block is at most READY_MAX_LAG_BLOCKS (default 2) behind the head and its time at most
 * READY_MAX_LAG_SECONDS (default 60) behind the head's. Answered from memory (the checkpoint watcher,
 * the chain clock's last head, Ponder's backfill flag as last read; asking re-reads the flag in the
 * background when that read is over a second old), so it answers at once whatever the server is
 * doing; a head older than a few seconds (the RPC is down) is not ready.
 * Also the OpenAPI document (`/v1/openapi.json`).
 */
import { OpenAPIHono } from "@hono/zod-openapi";

import type { ApiContext } from "../context.js";
import { numberFromEnv } from "../env.js";
import { mount } from "../http.js";
import { buildOpenApiDocument } from "../openapi.js";
import { getOpenApiDocument, getReady } from "../spec/service.js";

/** A head read longer ago than this means the RPC does not answer. */
const HEAD_MAX_AGE_MS = 5_000;
/** Checkpoints read longer ago than this mean the database does not answer. */
const CHECKPOINT_MAX_AGE_MS = 5_000;
/** How long one read of the backfill flag answers for before an ask re-reads it in the background. */
const BACKFILL_MEMO_MS = 1_000;
/** How old a read may be and still answer at once, while the re-read runs. */
const BACKFILL_STALE_MS = 5_000;

/**
 * Ponder's backfill flag, re-read when asked and the last read is older than BACKFILL_MEMO_MS (one
 * read at a time; no timer while nobody asks). The answer is the last value read, at once, so that a
 * busy database cannot slow /v1/ready while it is asked often (a load balancer's checks); the first
 * ask, and one after more than BACKFILL_STALE_MS without a read, wait for the read. Read again and
 * again, not only until first set: a read replica (`ponder serve`, docs/scale-out.md) outlives
 * restarts of the indexer, and Ponder's crash recovery clears the flag in the transaction that rolls
 * back what was indexed past the last safe checkpoint, until the restarted indexer has backfilled
 * again.
 */
function memoBackfilled(backfillDone: () => Promise<boolean>): () => Promise<boolean> {
  let backfilled = false;
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | null = null;
  return async () => {
    if (reading === null && Date.now() - readAt >= BACKFILL_MEMO_MS) {
      reading = backfillDone()
        .then(
          (done) => void (backfilled = done),
          // not set up yet, or the database does not answer (the checkpoint's age says so)
          () => undefined,
        )
        .finally(() => {
          readAt = Date.now();
          reading = null;
        });
    }
    // The last value stands while it is recent; none yet, or an older one (nobody asked for a
    // while), is not served: the ask waits for the read it started.
    if (reading !== null && Date.now() - readAt > BACKFILL_STALE_MS) await reading;
    return backfilled;
  };
}

export function readyRoutes(ctx: ApiContext, backfillDone: () => Promise<boolean>): OpenAPIHono {
  const app = new OpenAPIHono();
  const maxLagBlocks = BigInt(numberFromEnv("READY_MAX_LAG_BLOCKS", 2));
  const maxLagSeconds = BigInt(numberFromEnv("READY_MAX_LAG_SECONDS", 60));
  const backfilled = memoBackfilled(backfillDone);

  mount(app, getReady, async (c) => {
    const done = await backfilled();
    const now = Date.now();
    const fresh = now - ctx.watcher.readAt < CHECKPOINT_MAX_AGE_MS;
    const chains = ctx.clock.chains.map((chainId) => {
      const indexed = ctx.watcher.heads.get(chainId) ?? null;
      const head = ctx.clock.lastHead(chainId);
      const headFresh = head !== null && now - head.at < HEAD_MAX_AGE_MS;
      const lagBlocks = indexed && head ? head.number - indexed.block : null;
      const lagSeconds = indexed && head ? head.time - indexed.timestamp : null;
      const caughtUp =
        headFresh &&
        lagBlocks !== null &&
        lagSeconds !== null &&
        lagBlocks <= maxLagBlocks &&
        lagSeconds <= maxLagSeconds;
      return {
        name: `chain${chainId}`,
        chainId,
        indexed: indexed ? Number(indexed.block) : null,
        head: head ? Number(head.number) : null,
        lagBlocks: lagBlocks === null ? null : Number(lagBlocks),
        lagSeconds: lagSeconds === null ? null : Number(lagSeconds),
        caughtUp,
      };
    });
    const reason = !done
      ? "backfill in progress"
      : !fresh
        ? "the database does not answer"
        : chains.some((ch) => !ch.caughtUp)
          ? "not caught up with the chain head (or its RPC does not answer)"
          : null;
    const ready = reason === null && chains.length > 0;
    return c.json({ ready, ...(reason ? { reason } : {}), chains }, ready ? 200 : 503);
  });

  // The OpenAPI document (../openapi.ts), built once.
  const document = buildOpenApiDocument();
  mount(app, getOpenApiDocument, (c) => c.json(document));

  return app;
}
