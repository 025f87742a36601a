/**
 * What the response cache's e2e suite (test/e2e/cache.ts) reads with: raw answers with their cache
 * headers, the cache's counters on /metrics, and a poll until something holds.
 */
import { expect } from "chai";

export const lower = (s: string) => s.toLowerCase();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Answer {
  status: number;
  text: string;
  etag: string | null;
  cacheControl: string | null;
  /** The `content-length` header: null when the body came in chunks. */
  length: string | null;
  cors: string | null;
  type: string | null;
}

/** The cache's counters as /metrics shows them. */
export type Counters = Record<"hits" | "misses" | "invalidations" | "entries", number>;

export async function fetchText(base: string, url: string, headers: Record<string, string> = {}) {
  const res = await fetch(base + url, { headers, signal: AbortSignal.timeout(30_000) });
  return {
    status: res.status,
    text: await res.text(),
    etag: res.headers.get("etag"),
    cacheControl: res.headers.get("cache-control"),
    length: res.headers.get("content-length"),
    cors: res.headers.get("access-control-allow-origin"),
    type: res.headers.get("content-type"),
  } satisfies Answer;
}

export async function counters(base: string): Promise<Counters> {
  const text = (await fetchText(base, "/metrics")).text;
  const value = (name: string) => {
    const m = text.match(new RegExp(`^grantkit_api_cache_${name} (\\d+)$`, "m"));
    expect(m, `grantkit_api_cache_${name} on /metrics`).to.not.equal(null);
    return Number(m![1]);
  };
  return {
    hits: value("hits_total"),
    misses: value("misses_total"),
    invalidations: value("invalidations_total"),
    entries: value("entries"),
  };
}

export async function until<T>(what: string, check: () => Promise<T | null>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

