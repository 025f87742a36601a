/**
 * Grants: a filtered, paginated list; one grant now with its whole history; one grant as it stood at
 * a past block or time.
 */
import { grant, grantEvent } from "ponder:schema";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, asc, desc, eq, lte, sql } from "ponder";

import type { ApiContext } from "../context.js";
import { HttpError } from "../errors.js";
import { json, mount, plain } from "../http.js";
import { pageById, preparedGrantPages } from "../paging.js";
import { schemaFreeColumns } from "../prepared.js";
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
  ctx.clock.requireIndexedTime(chain, time);
  return { bound: lte(grantEvent.blockTime, time), time, block: null, timestamp: time };
}

/**
 * The lookups of one grant as prepared statements: built once (no query building per request), and
 * on PostgreSQL parsed and planned once per connection (named statements).
 */
function lookups(db: ApiContext["db"]) {
  const chain = sql.placeholder("chain");
  const id = sql.placeholder("id");
  const contract = sql.placeholder("contract");
  const order = [asc(grantEvent.blockNumber), asc(grantEvent.logIndex), asc(grantEvent.id)];
  const byId = and(eq(grant.chainId, chain), eq(grant.grantId, id));
  const sameGrant = and(
    eq(grantEvent.chainId, grant.chainId),
    eq(grantEvent.contract, grant.contract),
    eq(grantEvent.grantId, grant.grantId),
  );
  /** The grant with its history in one statement: a row per event (a grant has at least one). */
  const withHistory = (where: SQL | undefined, name: string) =>
    db
      .select({ grant: schemaFreeColumns(grant), event: schemaFreeColumns(grantEvent) })
      .from(grant)
      .leftJoin(grantEvent, sameGrant)
      .where(where)
      .orderBy(...order)
      .prepare(name);
  const inContract = and(byId, eq(grant.contract, contract));
  const columns = schemaFreeColumns(grant);
  return {
    grant: db.select(columns).from(grant).where(byId).prepare("grantkit_grant"),
    grantIn: db.select(columns).from(grant).where(inContract).prepare("grantkit_grant_in"),
    withHistory: withHistory(byId, "grantkit_grant_history"),
    withHistoryIn: withHistory(inContract, "grantkit_grant_history_in"),
  };
}

/** The one grant of `rows` (one per deployment that has the id), or the 404 or 409 that says why not. */
function theOne<R extends { contract: string }>(rows: R[], chain: number, grantId: string): R {
  if (rows.length === 0) throw new HttpError(404, `no grant ${grantId} on chain ${chain}`);
  if (rows.length > 1)
    throw new HttpError(
      409,
      `grant ${grantId} exists in ${rows.length} deployments on chain ${chain}: add ?contract=`,
    );
  return rows[0]!;
}

export function grantRoutes(ctx: ApiContext): OpenAPIHono {
  const app = new OpenAPIHono();
  const { db } = ctx;
  const prepared = lookups(db);
  const grantPages = preparedGrantPages(db);

  /** The one grant with this id on this chain (several deployments: `contract` picks one). */
  const findGrant = async (chain: number, grantId: `0x${string}`, contract?: `0x${string}`) =>
    theOne(
      contract
        ? await prepared.grantIn.execute({ chain, id: grantId, contract })
        : await prepared.grant.execute({ chain, id: grantId }),
      chain,
      grantId,
    );

  mount(app, listGrants, async (c) => {
    const q = c.req.valid("query");
    const filters = {
      owner: q.owner,
      grantee: q.grantee,
      purpose: q.purpose,
      dataHash: q.dataHash,
      chainId: q.chainId,
      contract: q.contract,
    };
    const nows = await ctx.clock.nows(q.chainId !== undefined ? [q.chainId] : ctx.clock.chains);
    // A status filter depends on the heads' times: built per request; the rest is prepared.
    const { page, nextCursor, read } = q.status
      ? await pageById(
          ctx,
          grant,
          [
            ...Object.entries(filters).map(([k, v]) =>
              v === undefined ? undefined : eq(grant[k as keyof typeof filters], v),
            ),
            statusOnChains(q.status, nows),
          ],
          q,
        )
      : await grantPages(filters, q);
    return json(
      c,
      { items: page.map((g) => present(g, nows.get(g.chainId) ?? 0n)), nextCursor },
      read,
    );
  });

  mount(app, getGrant, async (c) => {
    const p = c.req.valid("param");
    const q = c.req.valid("query");
    const chain = p.chainId;
    const rows = q.contract
      ? await prepared.withHistoryIn.execute({ chain, id: p.grantId, contract: q.contract })
      : await prepared.withHistory.execute({ chain, id: p.grantId });
    const byContract = new Map(rows.map((r) => [r.grant.contract, r.grant]));
    const g = theOne([...byContract.values()], chain, p.grantId);
    const history = rows.flatMap((r) => (r.event === null ? [] : [plain(r.event)]));
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
