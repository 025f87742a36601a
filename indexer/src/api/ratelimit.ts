/**
 * Per-client rate limit (REST routes, and SQL over HTTP with a budget of its own): a token bucket
 * per client address, refilled at API_RATE_LIMIT requests per second up to API_RATE_BURST (defaults
 * 100 and 200; API_RATE_LIMIT=0 turns it off; a value that is not a number stops the server). Over
 * the limit: 429 with Retry-After and a JSON message.
 */
import type { MiddlewareHandler } from "hono";

import { numberFromEnv } from "./env.js";

interface Bucket {
  tokens: number;
  at: number;
}

export function rateLimit(
  rate = numberFromEnv("API_RATE_LIMIT", 100),
  burst = numberFromEnv("API_RATE_BURST", 200, { min: 1 }),
): MiddlewareHandler {
  const buckets = new Map<string, Bucket>();
  // Forget idle clients now and then, so the map stays small.
  setInterval(() => {
    const cutoff = Date.now() - 60_000;
    for (const [key, b] of buckets) if (b.at < cutoff) buckets.delete(key);
  }, 30_000).unref();
  return async (c, next) => {
    if (!(rate > 0)) return next();
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
      ?.incoming;
    const client = incoming?.socket?.remoteAddress ?? "unknown";
    const now = Date.now();
    const b = buckets.get(client) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens < 1) {
      buckets.set(client, b);
      const wait = Math.ceil((1 - b.tokens) / rate);
      c.header("retry-after", String(wait));
      return c.json(
        { error: `rate limit: ${rate} requests per second per client; retry in ${wait} s` },
        429,
      );
    }
    b.tokens -= 1;
    buckets.set(client, b);
    return next();
  };
}
