/** Aggregates that never name an owner: counts by grantee, purpose, status, day or issuer. */
import { grant, grantEvent, issuerEvent } from "ponder:schema";
import { Hono } from "hono";
import { asc, count, desc, eq, sql } from "ponder";
import { z } from "zod";

import type { ApiContext } from "../context.js";
import { json, parse, UNITS_PER_SCANNED_ROW } from "../http.js";
import { requestInfo } from "../gate.js";
import { DEFAULT_PAGE, chainId, limit } from "../validation.js";

const statsQuery = z
  .object({
    by: z.enum(["grantee", "purpose", "status", "day", "issuer"], {
      error: "must be grantee, purpose, status, day or issuer",
    }),
    chainId: chainId.optional(),
    limit,
  })
  .strict();

export function statsRoutes(ctx: ApiContext): Hono {
  const app = new Hono();
  const { db } = ctx;

  app.get("/v1/stats", async (c) => {
    const q = parse(statsQuery, c.req.query());
    const size = q.limit ?? DEFAULT_PAGE;
    const chainFilter = q.chainId !== undefined ? eq(grant.chainId, q.chainId) : undefined;
    let rows: { key: string; count: number }[];
    let table: string;
    if (q.by === "grantee" || q.by === "purpose") {
      const column = q.by === "grantee" ? grant.grantee : grant.purpose;
      table = "grant";
      rows = await db
        .select({ key: column, count: count() })
        .from(grant)
        .where(chainFilter)
        .groupBy(column)
        .orderBy(desc(count()), asc(column))
        .limit(size);
    } else if (q.by === "status") {
      table = "grant";
      rows = await db
        .select({ key: grant.status, count: count() })
        .from(grant)
        .where(chainFilter)
        .groupBy(grant.status);
    } else if (q.by === "day") {
      const day = sql<string>`to_char(to_timestamp(${grantEvent.blockTime}::double precision), 'YYYY-MM-DD')`;
      table = "grant_event";
      rows = await db
        .select({ key: day, count: count() })
        .from(grantEvent)
        .where(q.chainId !== undefined ? eq(grantEvent.chainId, q.chainId) : undefined)
        .groupBy(day)
        .orderBy(desc(day))
        .limit(size);
    } else {
      table = "issuer_event";
      rows = await db
        .select({ key: issuerEvent.issuer, count: count() })
        .from(issuerEvent)
        .where(q.chainId !== undefined ? eq(issuerEvent.chainId, q.chainId) : undefined)
        .groupBy(issuerEvent.issuer)
        .orderBy(desc(count()), asc(issuerEvent.issuer))
        .limit(size);
    }
    // An aggregate reads its whole table: charged by the table's size.
    const scanned = (await ctx.tableSizes()).get(table) ?? 0;
    requestInfo(c.env).charge(scanned * UNITS_PER_SCANNED_ROW);
    const items = rows.map((r) => ({ key: r.key, count: Number(r.count) }));
    return json(c, { by: q.by, items }, items.length);
  });

  return app;
}
