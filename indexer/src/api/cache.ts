/**
 * An exact response cache for the REST routes whose answer is a function of the request URL, the
 * indexed data and "now" (the chain heads' times): a dApp polling its users' grants, a dashboard
 * refreshing its pages. Exact means that a request never gets an answer computed before a change
 * that was committed before it arrived:
 *
 * - an answer is kept with its stamp: the checkpoints and the database's transaction snapshot
 *   (which changes with every commit, a reorg's too; checkpoint.ts) and, for a route that judges
 *   statuses at the head's time, the heads' times (chain.ts; a head can move before the block is
 *   indexed, or without any event to index), read before it was computed;
 * - a request for a kept URL is served only under the stamp as a read that starts after it arrived
 *   gives it (`CheckpointWatcher.fresh`): on PostgreSQL such a read, shared by every request that
 *   arrived meanwhile; on PGlite from memory while the process's write count (commits.ts) says
 *   nothing changed since the last read. A new database stamp empties the cache;
 * - a cold URL (none kept, none in flight) is computed at once, without waiting for a stamp, and
 *   kept only if the next read of the stamp after it (the periodic one, or one a request asks for;
 *   none is made for it) finds the one known before it started (no commit between);
 *   a request for it meanwhile waits for a fresh stamp as above, then finds the answer if that read
 *   kept it, else computes it once under that stamp for every request that follows;
 * - kept: 200s and the 4xx a route decides from the URL and the data (400, 404, 409); never 5xx,
 *   streams, /v1/ready. Nothing that depends on a request header is kept: CORS is added per request
 *   by Ponder's middleware around it, and only the status, the content type and the body are kept.
 *
 * Bounded by API_CACHE_ENTRIES (default 5,000; 0 turns the cache off) and API_CACHE_BYTES (default
 * 32 MiB), least recently used first out. A 200 carries an ETag (a hash of the body) and
 * `Cache-Control: no-cache`; `If-None-Match` with it answers 304. The gate stays in front: a hit
 * costs its client one unit and the bytes sent, like any request.
 */
import { hash } from "node:crypto";

import type { RouteConfig } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";

import type { CheckpointWatcher } from "./checkpoint.js";
import { answerWith, jsonText } from "./http.js";
import { numberFromEnv } from "./env.js";
import { countAuditChanges, getStatsSeries, search } from "./spec/explore.js";
import {
  getGrant,
  getGrantAt,
  getGranteeGrantsAt,
  getRetention,
  listGrants,
} from "./spec/grants.js";
import { getIssuer, listIssuers, wasTrusted } from "./spec/issuers.js";
import { getStats } from "./spec/service.js";

/** What the cache reads of the chain clock (chain.ts's `ChainClock`): "now" on every chain. */
export interface Now {
  /** Whether `nowStamp` would answer at once (every head fresh). */
  knowsNow(): boolean;
  /** "Now" from what is known at this moment, without asking the RPC. */
  knownNowStamp(): string;
  /** "Now" on every chain as one string, asking the RPC for a stale head. */
  nowStamp(): Promise<string>;
}

/** A route whose answers are kept; `now`: its answer depends on the heads' times too. */
export interface CachedRoute {
  route: RouteConfig;
  now: boolean;
}

/** Cached routes that judge statuses at the head's time (or default a time to it). */
const AT_HEAD_TIME = [listGrants, getGrant, getRetention, wasTrusted, getStatsSeries];

/** Cached routes that read blocks' times at most, which only a reorg changes, and the indexed head
 * (a time past it is a 404), which the stamp holds: they need not wait for the RPC. */
const AT_BLOCK_TIMES = [
  getGrantAt,
  getGranteeGrantsAt,
  listIssuers,
  getIssuer,
  getStats,
  countAuditChanges,
  search,
];

/**
 * The routes whose answers are kept: every GET under /v1 but the streams (an owner's export, the
 * audit stream: long, and the export names the time of day), /v1/ready (the time of day) and the
 * OpenAPI document (built once at start-up). A new route is not cached until it is listed above;
 * `now` says whether it waits for the head's time.
 */
export const CACHED_ROUTES: readonly CachedRoute[] = [
  ...AT_HEAD_TIME.map((route) => ({ route, now: true })),
  ...AT_BLOCK_TIMES.map((route) => ({ route, now: false })),
];

export interface CacheSettings {
  /** Answers kept at most (0: no cache). */
  entries: number;
  /** Bytes of bodies kept at most; one body may take an eighth of it. */
  bytes: number;
}

export function cacheSettings(): CacheSettings {
  return {
    entries: numberFromEnv("API_CACHE_ENTRIES", 5_000),
    bytes: numberFromEnv("API_CACHE_BYTES", 32 * 2 ** 20, { min: 1 }),
  };
}

/** One kept answer. */
interface Entry {
  /** The database's stamp when it was computed (checkpoint.ts). */
  db: string;
  /** `db` with the heads' times, for a route that reads them. */
  stamp: string;
  status: number;
  type: string;
  body: Uint8Array<ArrayBuffer>;
  /** A 200's strong ETag (a hash of the body); null for errors. */
  etag: string | null;
}

/** The statuses whose answers are kept: a route's own answer from the URL and the data. */
const KEPT = new Set([200, 400, 404, 409]);

/** The kept answers, least recently used first, all under one database stamp. */
export class ResponseStore {
  hits = 0;
  misses = 0;
  /** Times a new stamp emptied the store. */
  invalidations = 0;
  private readonly map = new Map<string, Entry>();
  private stamp = "";
  private size = 0;

  constructor(readonly settings: CacheSettings) {}

  get entries(): number {
    return this.map.size;
  }

  get bytes(): number {
    return this.size;
  }

  /**
   * The answer kept for `key` under `stamp` (`db` with the heads' times, if the route reads them); a
   * database stamp other than the store's empties it first.
   */
  get(key: string, db: string, stamp: string): Entry | undefined {
    if (this.adopt(db)) return undefined;
    const entry = this.map.get(key);
    if (entry === undefined || entry.stamp !== stamp) return undefined;
    this.map.delete(key);
    this.map.set(key, entry);
    return entry;
  }

  /** True when an answer is kept for `key`, under whatever stamp (a request for it may hit). */
  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Moves the store to database stamp `db` (emptying it) unless it is there; true if it moved. */
  private adopt(db: string): boolean {
    if (db === this.stamp) return false;
    if (this.map.size > 0) this.invalidations += 1;
    this.map.clear();
    this.size = 0;
    this.stamp = db;
    return true;
  }

  /** Keeps `entry` if it is of the store's stamp (not overtaken meanwhile) and not too large. */
  set(key: string, entry: Entry): void {
    if (entry.db !== this.stamp || entry.body.byteLength > this.settings.bytes / 8) return;
    const old = this.map.get(key);
    if (old) {
      this.size -= old.body.byteLength;
      this.map.delete(key);
    }
    this.map.set(key, entry);
    this.size += entry.body.byteLength;
    for (const [k, e] of this.map) {
      if (this.map.size <= this.settings.entries && this.size <= this.settings.bytes) break;
      this.map.delete(k);
      this.size -= e.body.byteLength;
    }
  }

  /**
   * Keeps `entry` whose `db` comes from a read that ended after it was computed (a cold answer,
   * responseCache): the newest stamp known, so the store moves to it first.
   */
  setLatest(key: string, entry: Entry): void {
    this.adopt(entry.db);
    this.set(key, entry);
  }

  /** Prometheus text for /metrics (metrics.ts). */
  metrics(): string {
    const series = [
      ["hits_total", "counter", "REST answers served from the response cache", this.hits],
      ["misses_total", "counter", "REST answers computed for the response cache", this.misses],
      ["invalidations_total", "counter", "times a commit emptied the cache", this.invalidations],
      ["entries", "gauge", "answers in the response cache", this.entries],
      ["bytes", "gauge", "bytes of answers in the response cache", this.bytes],
    ] as const;
    return series
      .map(([name, type, help, value]) => {
        const full = `grantkit_api_cache_${name}`;
        return `# HELP ${full} ${help}.\n# TYPE ${full} ${type}\n${full} ${value}\n`;
      })
      .join("");
  }
}

/** The route of `routes` a request path is for (OpenAPI paths: `{name}` is one path segment). */
export function routeMatcher(
  routes: readonly CachedRoute[],
): (path: string) => CachedRoute | undefined {
  const patterns = routes.map((r) => ({
    r,
    re: new RegExp(
      `^${r.route.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`,
    ),
  }));
  return (path) => patterns.find((p) => p.re.test(path))?.r;
}

/**
 * The cache key of a URL: its path and query, the query's parameters in name order (the routes read
 * them by name; several of one name keep their order). A name written with `%` or `+` keeps the
 * query as it came: two spellings of one name must not change places.
 */
export function cacheKey(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const rest = start < 0 ? "/" : url.slice(start).split("#")[0]!;
  const q = rest.indexOf("?");
  if (q < 0) return rest;
  const pairs = rest.slice(q + 1).split("&");
  const name = (pair: string) => pair.split("=")[0]!;
  if (pairs.some((p) => /[%+]/.test(name(p)))) return rest;
  pairs.sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  return `${rest.slice(0, q)}?${pairs.join("&")}`;
}

/** A 200's strong ETag: SHA-1 of the body (one-shot `hash`, no Hash object per answer). */
function etagOf(body: Uint8Array): string {
  return `"${hash("sha1", body, "base64url")}"`;
}

/** True when `If-None-Match` names `etag` (or is `*`). */
function notModified(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

/**
 * The answer of `entry` to this request, made the request's answer (`answerWith`): its own, or 304
 * when the client has it already.
 */
function answer(c: Context, entry: Omit<Entry, "db" | "stamp">): Response {
  if (entry.etag === null)
    return answerWith(c, c.body(entry.body, entry.status as 200, { "content-type": entry.type }));
  const headers = { etag: entry.etag, "cache-control": "no-cache" };
  if (notModified(c.req.header("if-none-match"), entry.etag))
    return answerWith(c, c.body(null, 304, headers));
  return answerWith(
    c,
    c.body(entry.body, entry.status as 200, { ...headers, "content-type": entry.type }),
  );
}

/** A route's answer, ready to keep: everything of an entry but its stamps. */
type Answer = Omit<Entry, "db" | "stamp">;

/**
 * Runs the route and answers this request with what it computed; the answer, if it may be kept
 * (a kept status, JSON), else null.
 */
async function run(c: Context, next: () => Promise<void>): Promise<Answer | null> {
  await next();
  const res = c.res;
  if (!KEPT.has(res.status)) return null;
  const type = res.headers.get("content-type") ?? "";
  if (!type.startsWith("application/json")) return null;
  const text = jsonText(c);
  const body = text === undefined ? new Uint8Array(await res.arrayBuffer()) : Buffer.from(text);
  const computed = {
    status: res.status,
    type,
    body,
    etag: res.status === 200 ? etagOf(body) : null,
  };
  answer(c, computed);
  return computed;
}

/**
 * The cache as Hono middleware for the GET requests to `routes` (others pass through): `store`
 * keeps the answers, `watcher` and `clock` give the stamp.
 *
 * A URL the store holds no answer for (a cold key: most lookups of a large table) does not wait for
 * a fresh stamp: it is computed at once, from queries that start after the request arrived, and
 * kept only if the next read of the stamp, which starts after the computation (the periodic one, or
 * one a request asks for), finds the stamp known before it began (no commit in between, and the same
 * "now"): an answer is never tagged with a stamp older than its data. A URL the store holds, or one
 * being computed, waits for a fresh stamp as before.
 */
export function responseCache(
  store: ResponseStore,
  watcher: CheckpointWatcher,
  clock: Now,
  routes: readonly CachedRoute[] = CACHED_ROUTES,
): MiddlewareHandler {
  const routeOf = routeMatcher(routes);
  /** Computations in flight, by stamp and key: later requests wait for them. */
  const computing = new Map<string, Promise<Entry | null>>();
  /**
   * Keys being computed, or (cold ones) waiting for the read that decides whether they are kept: a
   * request for one waits for a fresh stamp, so that it finds the answer once kept.
   */
  const inFlight = new Map<string, number>();
  const hold = (key: string) => {
    inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
    return () => {
      const n = inFlight.get(key)! - 1;
      if (n === 0) inFlight.delete(key);
      else inFlight.set(key, n);
    };
  };

  /** Runs the route under a fresh stamp; keeps its answer unless "now" moved meanwhile. */
  const compute = async (
    c: Context,
    next: () => Promise<void>,
    key: string,
    { db, stamp, now }: { db: string; stamp: string; now: boolean },
  ) => {
    const computed = await run(c, next);
    if (computed === null) return null;
    const entry: Entry = { ...computed, db, stamp };
    // "Now" moved while the route ran (a head read meanwhile): the answer may hold the newer one.
    if (now && stamp !== `${db}#${clock.knownNowStamp()}`) return null;
    store.set(key, entry);
    return entry;
  };

  /** A cold key: computed at once, kept if the stamp read after it is the one known before it. */
  const computeCold = async (
    c: Context,
    next: () => Promise<void>,
    key: string,
    route: CachedRoute,
  ) => {
    const db = watcher.stamp;
    const now = route.now ? clock.knownNowStamp() : null;
    const release = hold(key);
    let computed: Answer | null;
    try {
      computed = await run(c, next);
    } catch (error) {
      release();
      throw error;
    }
    // Not to be kept whatever the next read says: a newer stamp was read meanwhile, or too large.
    if (
      computed === null ||
      watcher.stamp !== db ||
      computed.body.byteLength > store.settings.bytes / 8
    )
      return release();
    // Kept (or not) at the next read of the stamp, which starts after the computation: the periodic
    // one, or one that a request asks for. The request does not wait for it, and no read is made
    // for it (under cold keys alone those reads ran back to back: 0.15 per answer on PostgreSQL).
    // A request for this key that arrives from now on asks for a fresh stamp, so its read is that
    // next one or a later one, and the answer is kept (or not) before it looks; one that arrived
    // during the computation may have read earlier, and computes the answer again.
    const answered = computed;
    void watcher
      .after()
      .then(
        (after) => {
          if (after !== db || (now !== null && clock.knownNowStamp() !== now)) return;
          store.setLatest(key, { ...answered, db, stamp: now === null ? db : `${db}#${now}` });
        },
        () => {},
      )
      .finally(release);
  };

  return async (c, next) => {
    const route = c.req.method === "GET" ? routeOf(c.req.path) : undefined;
    if (route === undefined) return next();
    const key = cacheKey(c.req.url);
    if (
      watcher.stamp !== "" &&
      !store.has(key) &&
      !inFlight.has(key) &&
      (!route.now || clock.knowsNow())
    ) {
      store.misses += 1;
      return computeCold(c, next, key, route);
    }
    let db: string;
    let stamp: string;
    try {
      db = await watcher.fresh();
      stamp = route.now ? `${db}#${await clock.nowStamp()}` : db;
    } catch {
      // The database or the RPC does not answer: the route says so in its own words.
      return next();
    }
    // A newer database stamp was read while this request waited for the heads' times: answer
    // without the cache rather than move the store back to the older stamp (emptying it twice).
    if (watcher.stamp !== db) return next();
    const kept = store.get(key, db, stamp);
    if (kept) {
      store.hits += 1;
      return answer(c, kept);
    }
    const flight = `${stamp}\n${key}`;
    const pending = computing.get(flight);
    if (pending) {
      const entry = await pending.catch(() => null);
      if (entry) {
        store.hits += 1;
        return answer(c, entry);
      }
      return next();
    }
    store.misses += 1;
    const computation = compute(c, next, key, { db, stamp, now: route.now });
    computing.set(flight, computation);
    const release = hold(key);
    try {
      await computation;
    } finally {
      computing.delete(flight);
      release();
    }
  };
}
