/** Aggregates that never name an owner: counts by grantee, purpose, status, day or issuer. */
import { grant, grantEvent, issuerEvent } from "ponder:schema";
import { OpenAPIHono } from "@hono/zod-openapi";
import { asc, count, desc, eq, sql } from "ponder";

import type { ApiContext } from "../context.js";
import { json, mount, UNITS_PER_SCANNED_ROW } from "../http.js";
import { requestInfo } from "../gate.js";
import { getStats } from "../spec/service.js";
import { DEFAULT_PAGE } from "../validation.js";

export function statsRoutes(ctx: ApiContext): OpenAPIHono {
  const app = new OpenAPIHono();
  const { db } = ctx;

  mount(app, getStats, async (c) => {
    const q = c.req.valid("query");
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
