/**
 * Grants: a filtered, paginated list; one grant now with its whole history; one grant as it stood at
 * a past block or time.
 */
import { grant, grantEvent } from "ponder:schema";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, asc, desc, eq, lte } from "ponder";

import type { ApiContext } from "../context.js";
import { HttpError } from "../errors.js";
import { json, mount } from "../http.js";
import { pageById } from "../paging.js";
import { getGrant, getGrantAt, listGrants } from "../spec/grants.js";
import { present, statusOnChains, type SQL } from "../view.js";

/** The history rows of one grant. */
function eventsOf(chain: number, contract: `0x${string}`, id: `0x${string}`) {
  return and(
    eq(grantEvent.chainId, chain),
    eq(grantEvent.contract, contract),
    eq(grantEvent.grantId, id),
  );
}

/** The history of one grant, oldest first. */
export function historyOf(
  ctx: ApiContext,
  chain: number,
  contract: `0x${string}`,
  id: `0x${string}`,
) {
  return ctx.db
    .select()
    .from(grantEvent)
    .where(eventsOf(chain, contract, id))
    .orderBy(asc(grantEvent.blockNumber), asc(grantEvent.logIndex), asc(grantEvent.id));
}

/** Resolves an "as of" query to a bound on events and the time statuses are judged at. */
export async function resolveAsOf(
  ctx: ApiContext,
  chain: number,
  q: { block?: bigint | undefined; timestamp?: bigint | undefined },
) {
  if (q.block !== undefined) {
    const time = await ctx.clock.blockTime(chain, q.block);
    return { bound: lte(grantEvent.blockNumber, q.block), time, block: q.block, timestamp: time };
  }
  const time = q.timestamp!;
  return { bound: lte(grantEvent.blockTime, time), time, block: null, timestamp: time };
}

export function grantRoutes(ctx: ApiContext): OpenAPIHono {
  const app = new OpenAPIHono();
  const { db } = ctx;

  /** The one grant with this id on this chain (several deployments: `contract` picks one). */
  const findGrant = async (chain: number, grantId: `0x${string}`, contract?: `0x${string}`) => {
    const rows = await db
      .select()
      .from(grant)
      .where(
        and(
          eq(grant.chainId, chain),
          eq(grant.grantId, grantId),
          contract ? eq(grant.contract, contract) : undefined,
        ),
      );
    if (rows.length === 0) throw new HttpError(404, `no grant ${grantId} on chain ${chain}`);
    if (rows.length > 1)
      throw new HttpError(
        409,
        `grant ${grantId} exists in ${rows.length} deployments on chain ${chain}: add ?contract=`,
      );
    return rows[0]!;
  };

  mount(app, listGrants, async (c) => {
    const q = c.req.valid("query");
    const where: (SQL | undefined)[] = [
      q.owner ? eq(grant.owner, q.owner) : undefined,
      q.grantee ? eq(grant.grantee, q.grantee) : undefined,
      q.purpose ? eq(grant.purpose, q.purpose) : undefined,
      q.dataHash ? eq(grant.dataHash, q.dataHash) : undefined,
      q.chainId !== undefined ? eq(grant.chainId, q.chainId) : undefined,
      q.contract ? eq(grant.contract, q.contract) : undefined,
    ];
    const nows = await ctx.clock.nows(q.chainId !== undefined ? [q.chainId] : ctx.clock.chains);
    if (q.status) where.push(statusOnChains(q.status, nows));
    const { page, nextCursor, read } = await pageById(ctx, grant, where, q);
    return json(
      c,
      { items: page.map((g) => present(g, nows.get(g.chainId) ?? 0n)), nextCursor },
      read,
    );
  });

  mount(app, getGrant, async (c) => {
    const p = c.req.valid("param");
    const q = c.req.valid("query");
    const g = await findGrant(p.chainId, p.grantId, q.contract);
    const history = await historyOf(ctx, p.chainId, g.contract, p.grantId);
    const now = (await ctx.clock.head(p.chainId)).time;
    return json(c, { grant: present(g, now), history }, 1 + history.length);
  });

  mount(app, getGrantAt, async (c) => {
    const p = c.req.valid("param");
    const q = c.req.valid("query");
    const g = await findGrant(p.chainId, p.grantId, q.contract);
    const at = await resolveAsOf(ctx, p.chainId, q);
    const [last] = await db
      .select()
      .from(grantEvent)
      .where(and(eventsOf(p.chainId, g.contract, p.grantId), at.bound))
      .orderBy(desc(grantEvent.blockNumber), desc(grantEvent.logIndex), desc(grantEvent.id))
      .limit(1);
    return json(
      c,
      {
        asOf: { block: at.block, timestamp: at.timestamp },
        grant: last ? present(last, at.time) : null,
        existed: last !== undefined,
      },
      2,
    );
  });

  return app;
}
