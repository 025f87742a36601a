/** Issuer keys: the list, one key with its history and credential types, and "was it trusted then?". */
import { credentialType, issuer, issuerEvent } from "ponder:schema";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, asc, desc, eq, lte } from "ponder";

import type { ApiContext } from "../context.js";
import { HttpError } from "../errors.js";
import { json, mount } from "../http.js";
import { pageById } from "../paging.js";
import { getIssuer, listIssuers, wasTrusted } from "../spec/issuers.js";

/** The history rows of one key in one registry. */
function eventsOf(chain: number, registry: `0x${string}`, key: `0x${string}`) {
  return and(
    eq(issuerEvent.chainId, chain),
    eq(issuerEvent.registry, registry),
    eq(issuerEvent.issuer, key),
  );
}

export function issuerRoutes(ctx: ApiContext): OpenAPIHono {
  const app = new OpenAPIHono();
  const { db } = ctx;

  /** The credential types of each (chain, registry), read once per request. */
  function typeResolver() {
    const loaded = new Map<string, Promise<(typeof credentialType.$inferSelect)[]>>();
    return async (chain: number, registry: `0x${string}`, bits: bigint) => {
      const key = `${chain}-${registry}`;
      if (!loaded.has(key)) {
        loaded.set(
          key,
          db
            .select()
            .from(credentialType)
            .where(and(eq(credentialType.chainId, chain), eq(credentialType.registry, registry))),
        );
      }
      const types = await loaded.get(key)!;
      return types.filter((t) => (bits >> BigInt(t.bit)) & 1n).map((t) => t.typeId);
    };
  }

  mount(app, listIssuers, async (c) => {
    const q = c.req.valid("query");
    ctx.clock.requireChainFilter(q.chainId);
    const { page, nextCursor, read } = await pageById(
      ctx,
      issuer,
      [
        q.chainId !== undefined ? eq(issuer.chainId, q.chainId) : undefined,
        q.status ? eq(issuer.status, q.status) : undefined,
      ],
      q,
    );
    const typesOf = typeResolver();
    const items = [];
    for (const r of page)
      items.push({ ...r, credentialTypes: await typesOf(r.chainId, r.registry, r.typeBits) });
    return json(c, { items, nextCursor }, read);
  });

  mount(app, getIssuer, async (c) => {
    const p = c.req.valid("param");
    const rows = await db
      .select()
      .from(issuer)
      .where(and(eq(issuer.chainId, p.chainId), eq(issuer.issuer, p.issuer)));
    if (rows.length === 0) throw new HttpError(404, `no issuer ${p.issuer} on chain ${p.chainId}`);
    const typesOf = typeResolver();
    const items = [];
    for (const r of rows) {
      const history = await db
        .select()
        .from(issuerEvent)
        .where(eventsOf(p.chainId, r.registry, p.issuer))
        .orderBy(asc(issuerEvent.blockNumber), asc(issuerEvent.logIndex));
      items.push({
        ...r,
        credentialTypes: await typesOf(r.chainId, r.registry, r.typeBits),
        history,
      });
    }
    return json(
      c,
      { items },
      items.reduce((n, i) => n + 1 + i.history.length, 0),
    );
  });

  mount(app, wasTrusted, async (c) => {
    const p = c.req.valid("param");
    const q = c.req.valid("query");
    ctx.clock.requireChain(p.chainId);
    const at = q.at ?? (await ctx.clock.head(p.chainId)).time;
    // The chain's registries: those that registered a type or wrote an issuer's record.
    const onChain = (t: typeof issuerEvent | typeof credentialType) =>
      db
        .selectDistinct({ registry: t.registry })
        .from(t)
        .where(and(eq(t.chainId, p.chainId), q.registry ? eq(t.registry, q.registry) : undefined));
    const registries = [
      ...new Set(
        [...(await onChain(issuerEvent)), ...(await onChain(credentialType))].map(
          (r) => r.registry,
        ),
      ),
    ];
    if (registries.length > 1)
      throw new HttpError(
        409,
        `chain ${p.chainId} has ${registries.length} registries: add ?registry=`,
      );
    if (registries.length === 0)
      throw new HttpError(
        404,
        q.registry
          ? `registry ${q.registry} has no credential type or issuer indexed on chain ${p.chainId}; leave out ?registry= for the chain's own`
          : `no IssuerRegistry with a credential type or an issuer is indexed on chain ${p.chainId}`,
      );
    const registry = registries[0]!;
    const [type] = await db
      .select()
      .from(credentialType)
      .where(
        and(
          eq(credentialType.chainId, p.chainId),
          eq(credentialType.registry, registry),
          eq(credentialType.typeId, q.type),
        ),
      );
    const [record] = await db
      .select()
      .from(issuerEvent)
      .where(and(eventsOf(p.chainId, registry, p.issuer), lte(issuerEvent.blockTime, at)))
      .orderBy(desc(issuerEvent.blockNumber), desc(issuerEvent.logIndex))
      .limit(1);
    const trusted =
      type !== undefined &&
      record !== undefined &&
      record.status === "active" &&
      ((record.typeBits >> BigInt(type.bit)) & 1n) === 1n &&
      record.validFrom <= at &&
      (record.validUntil === 0n || at < record.validUntil);
    return json(
      c,
      { issuer: p.issuer, credentialType: q.type, at, trusted, record: record ?? null },
      3,
    );
  });

  return app;
}
