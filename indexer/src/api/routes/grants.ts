/**
 * Grants: a filtered, paginated list; one grant now with its whole history; one grant as it stood at
 * a past block or time.
 */
import { grant, grantEvent } from "ponder:schema";
import { Hono } from "hono";
import { and, asc, desc, eq, gt, lte } from "ponder";
import { z } from "zod";

import type { ApiContext } from "../context.js";
import { HttpError, json, parse } from "../http.js";
import {
  DEFAULT_PAGE,
  address,
  asOf,
  chainId,
  cursor,
  encodeCursor,
  grantStatus,
  hash,
  hashOrLabel,
  limit,
} from "../validation.js";
import { present, statusOnChains, type SQL } from "../view.js";

const listQuery = z
  .object({
    owner: address.optional(),
    grantee: address.optional(),
    purpose: hashOrLabel.optional(),
    dataHash: hash.optional(),
    status: grantStatus.optional(),
    chainId: chainId.optional(),
    contract: address.optional(),
    cursor,
    limit,
  })
  .strict();

const grantParams = z.object({ chainId, grantId: hash });
const grantQuery = z.object({ contract: address.optional() }).strict();

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
    .where(
      and(
        eq(grantEvent.chainId, chain),
        eq(grantEvent.contract, contract),
        eq(grantEvent.grantId, id),
      ),
    )
    .orderBy(asc(grantEvent.blockNumber), asc(grantEvent.logIndex), asc(grantEvent.id));
}

/** Resolves an "as of" query to a bound on events and the time statuses are judged at. */
export async function resolveAsOf(ctx: ApiContext, chain: number, q: z.output<typeof asOf>) {
  if (q.block !== undefined) {
    const time = await ctx.clock.blockTime(chain, q.block);
    return { bound: lte(grantEvent.blockNumber, q.block), time, block: q.block, timestamp: time };
  }
  const time = q.timestamp!;
  return { bound: lte(grantEvent.blockTime, time), time, block: null, timestamp: time };
}

export function grantRoutes(ctx: ApiContext): Hono {
  const app = new Hono();
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

  app.get("/v1/grants", async (c) => {
    const q = parse(listQuery, c.req.query());
    const where: (SQL | undefined)[] = [
      q.owner ? eq(grant.owner, q.owner) : undefined,
      q.grantee ? eq(grant.grantee, q.grantee) : undefined,
      q.purpose ? eq(grant.purpose, q.purpose) : undefined,
      q.dataHash ? eq(grant.dataHash, q.dataHash) : undefined,
      q.chainId !== undefined ? eq(grant.chainId, q.chainId) : undefined,
      q.contract ? eq(grant.contract, q.contract) : undefined,
      q.cursor ? gt(grant.id, q.cursor) : undefined,
    ];
    const nows = await ctx.clock.nows(q.chainId !== undefined ? [q.chainId] : ctx.clock.chains);
    if (q.status) where.push(statusOnChains(q.status, nows));
    const size = q.limit ?? DEFAULT_PAGE;
    const rows = await db
      .select()
      .from(grant)
      .where(and(...where))
      .orderBy(asc(grant.id))
      .limit(size + 1);
    const page = rows.slice(0, size);
    return json(
      c,
      {
        items: page.map((g) => present(g, nows.get(g.chainId) ?? 0n)),
        nextCursor: rows.length > size ? encodeCursor(page[page.length - 1]!.id) : null,
      },
      rows.length,
    );
  });

  app.get("/v1/grants/:chainId/:grantId", async (c) => {
    const p = parse(grantParams, c.req.param());
    const q = parse(grantQuery, c.req.query());
    const g = await findGrant(p.chainId, p.grantId, q.contract);
    const history = await historyOf(ctx, p.chainId, g.contract, p.grantId);
    const now = (await ctx.clock.head(p.chainId)).time;
    return json(c, { grant: present(g, now), history }, 1 + history.length);
  });

  app.get("/v1/grants/:chainId/:grantId/at", async (c) => {
    const p = parse(grantParams, c.req.param());
    const { contract, ...rest } = c.req.query();
    const q = parse(asOf, rest);
    const contractAddr =
      contract === undefined
        ? undefined
        : parse(z.object({ contract: address }), { contract }).contract;
    const g = await findGrant(p.chainId, p.grantId, contractAddr);
    const at = await resolveAsOf(ctx, p.chainId, q);
    const [last] = await db
      .select()
      .from(grantEvent)
      .where(
        and(
          eq(grantEvent.chainId, p.chainId),
          eq(grantEvent.contract, g.contract),
          eq(grantEvent.grantId, p.grantId),
          at.bound,
        ),
      )
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
