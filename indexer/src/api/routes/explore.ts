/**
 * What an explorer needs beyond the resource routes (the dashboard's overview, export and search
 * box): grant counts per day by derived status, the size of an audit range before it is downloaded,
 * and what a typed value is (a grant id, a transaction, a purpose, an address). Aggregates never
 * name an owner; search answers only say which pages exist.
 */
import { credentialType, grant, grantEvent, issuer, issuerEvent } from "ponder:schema";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, asc, count, eq, sql } from "ponder";
import { keccak256, stringToHex } from "viem";

import type { GRANT_STATUSES } from "../../names.js";
import type { ApiContext } from "../context.js";
import { requestInfo } from "../gate.js";
import { json, mount, UNITS_PER_SCANNED_ROW } from "../http.js";
import { countAuditChanges, getStatsSeries, search } from "../spec/explore.js";
import { STREAM_BATCH, keyset } from "../streaming.js";
import type { GrantEventRow } from "../view.js";
import { inRange } from "./audit.js";

const DAY = 86_400n;
/** Every derived status (names.ts), in the order the series answers them. */
const STATUSES = [
  "active",
  "locked",
  "expired",
  "revoked",
  "released",
  "replaced",
] as const satisfies readonly (typeof GRANT_STATUSES)[number][];
type Status = (typeof STATUSES)[number];
type Counts = Record<Status, number>;

/** Per day: grants created, changes, and the count of each derived status at the day's end. */
interface SeriesPoint extends Counts {
  day: string;
  /** The time the counts are taken at: the day's last second, or the chain head's time today. */
  at: bigint;
  created: number;
  changes: number;
}

function zeros(): Counts {
  return { active: 0, locked: 0, expired: 0, revoked: 0, released: 0, replaced: 0 };
}

/**
 * Daily deltas of the derived-status counts. A grant's state after an event holds from that event's
 * block time until its next event; within it the derived status changes at `lockedUntil` (locked ->
 * active) and at `expiresAt` (-> expired), exactly as `effectiveStatus` decides at a time. Each piece
 * adds one to its status on the day it starts and takes one off on the day it ends; a boundary after
 * the chain's "now" never happens (yet).
 */
class StatusDeltas {
  readonly deltas = new Map<number, Counts>();
  readonly created = new Map<number, number>();
  readonly changes = new Map<number, number>();

  private bucket(x: bigint, now: bigint): number | null {
    return x > now ? null : Number(x / DAY);
  }

  private add(status: Status, from: bigint, to: bigint | null, now: bigint): void {
    if (to !== null && from >= to) return;
    const start = this.bucket(from, now);
    if (start === null) return;
    const atStart = this.deltas.get(start) ?? zeros();
    atStart[status] += 1;
    this.deltas.set(start, atStart);
    const end = to === null ? null : this.bucket(to, now);
    if (end === null) return;
    const atEnd = this.deltas.get(end) ?? zeros();
    atEnd[status] -= 1;
    this.deltas.set(end, atEnd);
  }

  /** The state `e` set holds over [e.blockTime, until) (`until` null: still in force). */
  piece(e: GrantEventRow, until: bigint | null, now: bigint): void {
    const from = e.blockTime;
    if (e.status !== "active") return this.add(e.status as Status, from, until, now);
    const min = (a: bigint | null, b: bigint | null) =>
      a === null ? b : b === null ? a : a < b ? a : b;
    const max = (a: bigint, b: bigint) => (a > b ? a : b);
    const expiry = e.expiresAt === 0n ? null : e.expiresAt;
    this.add("locked", from, min(min(until, e.lockedUntil), expiry), now);
    this.add("active", max(from, e.lockedUntil), min(until, expiry), now);
    if (expiry !== null) this.add("expired", max(from, expiry), until, now);
  }

  event(e: GrantEventRow, now: bigint): void {
    const day = this.bucket(e.blockTime, now);
    if (day === null) return;
    this.changes.set(day, (this.changes.get(day) ?? 0) + 1);
    if (e.kind === "created" || e.kind === "replacement")
      this.created.set(day, (this.created.get(day) ?? 0) + 1);
  }
}

/** The last series computed per query, kept until the database or a chain's time moves. */
const seriesCache = new Map<string, { stamp: string; body: unknown }>();

export function exploreRoutes(ctx: ApiContext): OpenAPIHono {
  const app = new OpenAPIHono();
  const { db } = ctx;

  mount(app, getStatsSeries, async (c) => {
    const q = c.req.valid("query");
    const days = q.days ?? 90;
    const chains = q.chainId !== undefined ? [q.chainId] : ctx.clock.chains;
    const nows = await ctx.clock.nows(chains);
    const cacheKey = `${days}-${q.chainId ?? "all"}`;
    // The database's stamp (checkpoint.ts): it changes with every commit, a reorg's too.
    const stamp = JSON.stringify([await ctx.watcher.fresh(), ...nows], (_k, v) =>
      typeof v === "bigint" ? v.toString() : v,
    );
    const cached = seriesCache.get(cacheKey);
    if (cached?.stamp === stamp) return json(c, cached.body, 1);

    // Every event of every grant, grant by grant in chain order (keyset batches, yielding between).
    type Key = {
      chain: number;
      contract: string;
      grantId: string;
      block: bigint;
      log: number;
      id: string;
    };
    const pages = keyset(
      (after: Key | null) =>
        db
          .select()
          .from(grantEvent)
          .where(
            and(
              q.chainId !== undefined ? eq(grantEvent.chainId, q.chainId) : undefined,
              after
                ? sql`(${grantEvent.chainId}, ${grantEvent.contract}, ${grantEvent.grantId}, ${grantEvent.blockNumber}, ${grantEvent.logIndex}, ${grantEvent.id}) > (${after.chain}, ${after.contract}, ${after.grantId}, ${after.block}, ${after.log}, ${after.id})`
                : undefined,
            ),
          )
          .orderBy(
            asc(grantEvent.chainId),
            asc(grantEvent.contract),
            asc(grantEvent.grantId),
            asc(grantEvent.blockNumber),
            asc(grantEvent.logIndex),
            asc(grantEvent.id),
          )
          .limit(STREAM_BATCH),
      (e): Key => ({
        chain: e.chainId,
        contract: e.contract,
        grantId: e.grantId,
        block: e.blockNumber,
        log: e.logIndex,
        id: e.id,
      }),
    );
    const deltas = new StatusDeltas();
    const { charge } = requestInfo(c.env);
    let previous: GrantEventRow | null = null;
    for await (const rows of pages) {
      for (const e of rows) {
        const now = nows.get(e.chainId) ?? 0n;
        deltas.event(e, now);
        if (previous) {
          const same =
            previous.chainId === e.chainId &&
            previous.contract === e.contract &&
            previous.grantId === e.grantId;
          deltas.piece(previous, same ? e.blockTime : null, nows.get(previous.chainId) ?? 0n);
        }
        previous = e;
      }
      charge(rows.length * UNITS_PER_SCANNED_ROW);
      await new Promise((r) => setImmediate(r));
    }
    if (previous) deltas.piece(previous, null, nows.get(previous.chainId) ?? 0n);

    const latest = [...nows.values()].reduce((a, b) => (a > b ? a : b), 0n);
    const lastDay = Number(latest / DAY);
    const firstDay = lastDay - days + 1;
    const running = zeros();
    for (const [day, d] of deltas.deltas)
      if (day < firstDay) for (const s of STATUSES) running[s] += d[s];
    const points: SeriesPoint[] = [];
    for (let day = firstDay; day <= lastDay; day++) {
      const d = deltas.deltas.get(day);
      if (d) for (const s of STATUSES) running[s] += d[s];
      const end = BigInt(day + 1) * DAY - 1n;
      points.push({
        day: new Date(day * 86_400_000).toISOString().slice(0, 10),
        at: end < latest ? end : latest,
        created: deltas.created.get(day) ?? 0,
        changes: deltas.changes.get(day) ?? 0,
        ...running,
      });
    }
    const body = { days, chainId: q.chainId ?? null, points };
    seriesCache.set(cacheKey, { stamp, body });
    return json(c, body, points.length);
  });

  mount(app, countAuditChanges, async (c) => {
    const q = c.req.valid("query");
    ctx.clock.requireChainFilter(q.chainId);
    // The same range as /v1/audit/changes (src/api/routes/audit.ts), without the keyset.
    const [grants] = await db.select({ n: count() }).from(grantEvent).where(inRange(grantEvent, q));
    const [issuers] = await db
      .select({ n: count() })
      .from(issuerEvent)
      .where(inRange(issuerEvent, q));
    const grantChanges = Number(grants?.n ?? 0);
    const issuerChanges = Number(issuers?.n ?? 0);
    // A count reads the rows it counts (through the block or time index).
    requestInfo(c.env).charge((grantChanges + issuerChanges) * UNITS_PER_SCANNED_ROW);
    return json(c, { grantChanges, issuerChanges, total: grantChanges + issuerChanges }, 2);
  });

  mount(app, search, async (c) => {
    const { q } = c.req.valid("query");
    const matches: unknown[] = [];
    let scanned = 0;
    if (/^0x[0-9a-fA-F]{40}$/.test(q)) {
      const address = q.toLowerCase() as `0x${string}`;
      const [asOwner] = await db
        .select({ id: grant.id })
        .from(grant)
        .where(eq(grant.owner, address))
        .limit(1);
      const [asGrantee] = await db
        .select({ id: grant.id })
        .from(grant)
        .where(eq(grant.grantee, address))
        .limit(1);
      const keys = await db
        .select({ chainId: issuer.chainId, registry: issuer.registry, status: issuer.status })
        .from(issuer)
        .where(eq(issuer.issuer, address));
      matches.push({
        type: "address",
        address,
        asOwner: asOwner !== undefined,
        asGrantee: asGrantee !== undefined,
        issuerKeys: keys,
      });
    } else if (/^0x[0-9a-fA-F]{64}$/.test(q)) {
      const value = q.toLowerCase() as `0x${string}`;
      const grants = await db
        .select({ chainId: grant.chainId, contract: grant.contract, grantId: grant.grantId })
        .from(grant)
        .where(eq(grant.grantId, value));
      for (const g of grants) matches.push({ type: "grant", ...g });
      // Transactions are found by a scan (no index on the hash): charged by the tables' size.
      const grantChanges = await db
        .select({
          chainId: grantEvent.chainId,
          contract: grantEvent.contract,
          subject: grantEvent.grantId,
          change: grantEvent.kind,
          blockNumber: grantEvent.blockNumber,
          blockTime: grantEvent.blockTime,
          logIndex: grantEvent.logIndex,
        })
        .from(grantEvent)
        .where(eq(grantEvent.txHash, value))
        .orderBy(asc(grantEvent.logIndex), asc(grantEvent.id))
        .limit(1_000);
      const issuerChanges = await db
        .select({
          chainId: issuerEvent.chainId,
          contract: issuerEvent.registry,
          subject: issuerEvent.issuer,
          change: issuerEvent.action,
          blockNumber: issuerEvent.blockNumber,
          blockTime: issuerEvent.blockTime,
          logIndex: issuerEvent.logIndex,
        })
        .from(issuerEvent)
        .where(eq(issuerEvent.txHash, value))
        .orderBy(asc(issuerEvent.logIndex))
        .limit(1_000);
      const sizes = await ctx.tableSizes();
      scanned += (sizes.get("grant_event") ?? 0) + (sizes.get("issuer_event") ?? 0);
      const changes = [
        ...grantChanges.map((e) => ({ table: "grant", ...e })),
        ...issuerChanges.map((e) => ({ table: "issuer", ...e })),
      ];
      const first = changes[0];
      if (first)
        matches.push({
          type: "transaction",
          txHash: value,
          chainId: first.chainId,
          blockNumber: first.blockNumber,
          blockTime: first.blockTime,
          changes,
        });
      matches.push(...(await purposeAndType(value, null)));
    } else {
      matches.push(...(await purposeAndType(keccak256(stringToHex(q)), q)));
    }
    requestInfo(c.env).charge(scanned * UNITS_PER_SCANNED_ROW);
    return json(c, { query: q, matches }, matches.length);
  });

  /** A purpose hash that some grant names, and a registered credential type with that id. */
  async function purposeAndType(value: `0x${string}`, label: string | null) {
    const found: unknown[] = [];
    const [withPurpose] = await db
      .select({ id: grant.id })
      .from(grant)
      .where(eq(grant.purpose, value))
      .limit(1);
    if (withPurpose) found.push({ type: "purpose", purpose: value, label });
    const types = await db
      .select({ chainId: credentialType.chainId, registry: credentialType.registry })
      .from(credentialType)
      .where(eq(credentialType.typeId, value));
    if (types.length > 0)
      found.push({ type: "credentialType", typeId: value, label, registries: types });
    return found;
  }

  return app;
}
