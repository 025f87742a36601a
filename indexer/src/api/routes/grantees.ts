/** A grantee's view: its grants as they stood at a past block or time, and its retention duties. */
import { grant, grantEvent } from "ponder:schema";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, sql } from "ponder";

import type { ApiContext } from "../context.js";
import { isoDate, json, mount } from "../http.js";
import { getGranteeGrantsAt, getRetention } from "../spec/grants.js";
import { DEFAULT_PAGE, encodeCursor } from "../validation.js";
import { present, statusOnChains } from "../view.js";
import { resolveAsOf } from "./grants.js";

export function granteeRoutes(ctx: ApiContext): OpenAPIHono {
  const app = new OpenAPIHono();
  const { db } = ctx;

  mount(app, getGranteeGrantsAt, async (c) => {
    const { grantee } = c.req.valid("param");
    const q = c.req.valid("query");
    const at = await resolveAsOf(ctx, q.chainId, q);
    const size = q.limit ?? DEFAULT_PAGE;
    const after = q.cursor ? q.cursor.split("-") : null;
    const rows = await db
      .selectDistinctOn([grantEvent.contract, grantEvent.grantId])
      .from(grantEvent)
      .where(
        and(
          eq(grantEvent.chainId, q.chainId),
          eq(grantEvent.grantee, grantee),
          at.bound,
          after
            ? sql`(${grantEvent.contract}, ${grantEvent.grantId}) > (${after[1]}, ${after[2]})`
            : undefined,
        ),
      )
      .orderBy(
        asc(grantEvent.contract),
        asc(grantEvent.grantId),
        desc(grantEvent.blockNumber),
        desc(grantEvent.logIndex),
        desc(grantEvent.id),
      )
      .limit(size + 1);
    const page = rows.slice(0, size);
    const last = page[page.length - 1];
    return json(
      c,
      {
        asOf: { block: at.block, timestamp: at.timestamp },
        items: page.map((e) => present(e, at.time)),
        nextCursor:
          rows.length > size && last
            ? encodeCursor(`${q.chainId}-${last.contract}-${last.grantId}`)
            : null,
      },
      rows.length,
    );
  });

  mount(app, getRetention, async (c) => {
    const { grantee } = c.req.valid("param");
    const q = c.req.valid("query");
    const nows = await ctx.clock.nows(q.chainId !== undefined ? [q.chainId] : ctx.clock.chains);
    const size = q.limit ?? DEFAULT_PAGE;
    const rows = await db
      .select()
      .from(grant)
      .where(
        and(
          eq(grant.grantee, grantee),
          q.cursor ? gt(grant.id, q.cursor) : undefined,
          statusOnChains("locked", nows),
        ),
      )
      .orderBy(asc(grant.id))
      .limit(size + 1);
    const page = rows.slice(0, size);
    return json(
      c,
      {
        items: page.map((g) => ({
          ...present(g, nows.get(g.chainId)!),
          unlocksAt: isoDate(g.lockedUntil),
        })),
        nextCursor: rows.length > size ? encodeCursor(page[page.length - 1]!.id) : null,
      },
      rows.length,
    );
  });

  return app;
}
