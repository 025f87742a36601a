/** A grantee's view: its grants as they stood at a past block or time, and its retention duties. */
import { grant, grantEvent } from "ponder:schema";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, asc, desc, eq, sql } from "ponder";

import type { ApiContext } from "../context.js";
import { isoDate, json, mount } from "../http.js";
import { pageById, pageOf } from "../paging.js";
import { getGranteeGrantsAt, getRetention } from "../spec/grants.js";
import { DEFAULT_PAGE } from "../validation.js";
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
    const { page, nextCursor } = pageOf(
      rows,
      size,
      (last) => `${q.chainId}-${last.contract}-${last.grantId}`,
    );
    return json(
      c,
      {
        asOf: { block: at.block, timestamp: at.timestamp },
        items: page.map((e) => present(e, at.time)),
        nextCursor,
      },
      rows.length,
    );
  });

  mount(app, getRetention, async (c) => {
    const { grantee } = c.req.valid("param");
    const q = c.req.valid("query");
    const nows = await ctx.clock.nows(q.chainId !== undefined ? [q.chainId] : ctx.clock.chains);
    const { page, nextCursor, read } = await pageById(
      ctx,
      grant,
      [eq(grant.grantee, grantee), statusOnChains("locked", nows)],
      q,
    );
    return json(
      c,
      {
        items: page.map((g) => ({
          ...present(g, nows.get(g.chainId)!),
          unlocksAt: isoDate(g.lockedUntil),
        })),
        nextCursor,
      },
      read,
    );
  });

  return app;
}
