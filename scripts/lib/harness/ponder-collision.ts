/**
 * Ponder 0.17's SQL-over-HTTP check caches its verdict on each query under the first 10 hex digits of
 * the query's SHA-256 (`ALLOW_CACHE` in ponder/src/utils/sql-parse.ts): 40 bits, so two different
 * queries collide after about 2^20 tries of each (a birthday search of a few seconds). Sending the
 * allowed one first made the forbidden one pass (issue 18). This finds such a pair, for tests that
 * prove our own check (indexer/src/api/sql/validate.ts) decides every query on its own parse.
 */
import { createHash } from "node:crypto";

/** Ponder's cache key of a query: the first 40 bits of its SHA-256, as a number. */
export function ponderCacheKey(sql: string): number {
  return parseInt(createHash("sha256").update(sql).digest("hex").slice(0, 10), 16);
}

/**
 * An `allowed` variant of `allowedBase` and a `forbidden` variant of `forbiddenBase` (each with a
 * trailing comment) that share Ponder's cache key.
 */
export function collidingPair(
  allowedBase: string,
  forbiddenBase: string,
  tries = 1 << 21,
): { allowed: string; forbidden: string } {
  const variant = (base: string, n: number) => `${base} /*${n.toString(36)}*/`;
  const seen = new Map<number, number>();
  for (let i = 0; i < tries; i++) seen.set(ponderCacheKey(variant(allowedBase, i)), i);
  for (let j = 0; ; j++) {
    const forbidden = variant(forbiddenBase, j);
    const i = seen.get(ponderCacheKey(forbidden));
    if (i !== undefined) return { allowed: variant(allowedBase, i), forbidden };
  }
}
