/**
 * Aggregates that never name an owner: counts by grantee, purpose, status, day or issuer.
 *
 * A count over a whole table reads every row: at 100,000 grants one `GROUP BY` holds embedded
 * PGlite's one thread for longer than any request may (issue 18). So a table is read in primary-key
 * order, STATS_CHUNK (2,000) rows at a time, counted here, with everything else let through between chunks;
 * the counts are kept until the database changes (one computation per indexed block, shared by every
 * request that arrives meanwhile), and the client that causes a computation is charged for the rows
 * it read.
 */
import { grant, grantEvent, issuerEvent } from "ponder:schema";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { and, asc, eq, gt } from "ponder";

import type { ApiContext } from "../context.js";
import { requestInfo } from "../gate.js";
import { json, mount, UNITS_PER_SCANNED_ROW } from "../http.js";
import { getStats, STATS_BY } from "../spec/service.js";
import { DEFAULT_PAGE } from "../validation.js";

const STATS_CHUNK = 2_000;

type By = (typeof STATS_BY)[number];

const day = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().slice(0, 10);

/** The table each grouping reads, the column it groups on, and that column's value as a key. */
function sourceOf(by: By) {
  const asText = (value: unknown) => String(value);
  switch (by) {
    case "day":
      return {
        table: grantEvent,
        column: grantEvent.blockTime,
        key: (time: unknown) => day(time as bigint), // the column is a bigint
      };
    case "issuer":
      return { table: issuerEvent, column: issuerEvent.issuer, key: asText };
    default:
      return { table: grant, column: grant[by], key: asText };
  }
}

/** Every row's key for `by`, read in chunks by primary key; resolves with the counts and rows read. */
async function count(ctx: ApiContext, by: By, chain: number | undefined) {
  const { table, column, key } = sourceOf(by);
  const counts = new Map<string, number>();
  let rows = 0;
  let after: string | null = null;
  for (;;) {
    const page = await readChunk(ctx, table, column, chain, after);
    for (const { value } of page) {
      const k = key(value);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    rows += page.length;
    if (page.length < STATS_CHUNK) return { counts, rows };
    after = page[page.length - 1]!.id;
    await new Promise((r) => setImmediate(r));
  }
}

/** Up to STATS_CHUNK (id, value of `column`) pairs of `table` past id `after`, in id order. */
function readChunk(
  ctx: ApiContext,
  table: typeof grant | typeof grantEvent | typeof issuerEvent,
  column: AnyPgColumn,
  chain: number | undefined,
  after: string | null,
): Promise<{ id: string; value: unknown }[]> {
  return ctx.db
    .select({ id: table.id, value: column })
    .from(table)
    .where(
      and(
        chain !== undefined ? eq(table.chainId, chain) : undefined,
        after ? gt(table.id, after) : undefined,
      ),
    )
    .orderBy(asc(table.id))
    .limit(STATS_CHUNK);
}

export function statsRoutes(ctx: ApiContext): OpenAPIHono {
  const app = new OpenAPIHono();
  /**
   * Counts per (by, chain), valid for one stamp of the database (checkpoint.ts: it changes with
   * every commit, a reorg's too, which leaves the checkpoint where it was); a computation in flight
   * is shared.
   */
  const cache = new Map<string, { version: string; counts: Promise<Map<string, number>> }>();

  mount(app, getStats, async (c) => {
    const q = c.req.valid("query");
    ctx.clock.requireChainFilter(q.chainId);
    const size = q.limit ?? DEFAULT_PAGE;
    const key = `${q.by}:${q.chainId ?? "*"}`;
    const version = await ctx.watcher.fresh();
    let entry = cache.get(key);
    if (!entry || entry.version !== version) {
      const computation = count(ctx, q.by, q.chainId).then(({ counts, rows }) => {
        requestInfo(c.env).charge(rows * UNITS_PER_SCANNED_ROW);
        return counts;
      });
      entry = { version, counts: computation };
      cache.set(key, entry);
      computation.catch(() => cache.delete(key));
    }
    const counts = await entry.counts;
    const ordered = [...counts].sort((a, b) =>
      q.by === "day"
        ? b[0].localeCompare(a[0])
        : q.by === "status"
          ? a[0].localeCompare(b[0])
          : b[1] - a[1] || a[0].localeCompare(b[0]),
    );
    const items = (q.by === "status" ? ordered : ordered.slice(0, size)).map(([k, n]) => ({
      key: k,
      count: n,
    }));
    return json(c, { by: q.by, items }, items.length);
  });

  return app;
}
