/**
 * What each client may spend of the server, in work units (about a millisecond of the database's
 * time each; calibrated by `npm run test:attacks`, docs/reliability.md): a token bucket per client
 * and one for all clients together. Every request costs one unit, plus what it did: rows read,
 * bytes sent, the planned work of a SQL query or a GraphQL operation (see `charge` callers). A
 * client whose bucket is empty gets 429 with Retry-After; when the shared bucket is empty every
 * client gets 503 with Retry-After, so that no crowd can take the indexing thread either.
 *
 * Settings (checked at start-up, `env.ts`): API_RATE_LIMIT units per second per client (default 50;
 * 0 turns every limit off), API_RATE_BURST (default 400), API_GLOBAL_RATE (default 600),
 * API_GLOBAL_BURST (default 2,000), API_CLIENT_CONCURRENCY requests in flight per client (default 8),
 * API_GLOBAL_CONCURRENCY (default 256), API_CLIENT_STREAMS open exports/live queries per client
 * (default 2).
 */
import { numberFromEnv } from "./env.js";

export interface BudgetSettings {
  rate: number;
  burst: number;
  globalRate: number;
  globalBurst: number;
  clientConcurrency: number;
  globalConcurrency: number;
  clientStreams: number;
}

export function budgetSettings(): BudgetSettings {
  return {
    rate: numberFromEnv("API_RATE_LIMIT", 50),
    burst: numberFromEnv("API_RATE_BURST", 400, { min: 1 }),
    globalRate: numberFromEnv("API_GLOBAL_RATE", 600, { min: 1 }),
    globalBurst: numberFromEnv("API_GLOBAL_BURST", 2_000, { min: 1 }),
    clientConcurrency: numberFromEnv("API_CLIENT_CONCURRENCY", 8, { min: 1 }),
    globalConcurrency: numberFromEnv("API_GLOBAL_CONCURRENCY", 256, { min: 1 }),
    clientStreams: numberFromEnv("API_CLIENT_STREAMS", 2, { min: 1 }),
  };
}

class Bucket {
  private tokens: number;
  private at = Date.now();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  /** Tokens now (negative: in debt). */
  level(now = Date.now()): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    return this.tokens;
  }
  spend(units: number): void {
    this.level();
    this.tokens -= units;
  }
  /** Seconds until the bucket holds a token again. */
  wait(): number {
    return Math.max(1, Math.ceil((1 - this.level()) / this.rate));
  }
  idleSince(): number {
    return this.at;
  }
}

/** Why a request may not start now, with the seconds to wait. */
export interface Denial {
  status: 429 | 503;
  retryAfter: number;
  message: string;
}

export interface ClientState {
  bucket: Bucket;
  inFlight: number;
  streams: number;
}

export class Budget {
  private readonly clients = new Map<string, ClientState>();
  private readonly global: Bucket;
  private inFlight = 0;

  constructor(readonly settings: BudgetSettings = budgetSettings()) {
    this.global = new Bucket(settings.globalRate, settings.globalBurst);
    // Forget idle clients now and then, so the map stays small.
    setInterval(() => {
      const cutoff = Date.now() - 120_000;
      for (const [key, c] of this.clients)
        if (c.inFlight === 0 && c.streams === 0 && c.bucket.idleSince() < cutoff)
          this.clients.delete(key);
    }, 30_000).unref();
  }

  get enabled(): boolean {
    return this.settings.rate > 0;
  }

  private client(key: string): ClientState {
    let c = this.clients.get(key);
    if (!c) {
      c = {
        bucket: new Bucket(this.settings.rate, this.settings.burst),
        inFlight: 0,
        streams: 0,
      };
      this.clients.set(key, c);
    }
    return c;
  }

  /** Admits a request of `key` (and counts it in flight) or says why not. */
  admit(key: string): Denial | null {
    if (!this.enabled) return null;
    const s = this.settings;
    const c = this.client(key);
    if (c.inFlight >= s.clientConcurrency)
      return {
        status: 429,
        retryAfter: 1,
        message: `too many requests in flight: ${s.clientConcurrency} per client (API_CLIENT_CONCURRENCY); wait for an answer before sending more`,
      };
    if (c.bucket.level() < 1)
      return {
        status: 429,
        retryAfter: c.bucket.wait(),
        message: `rate limit: ${s.rate} work units per second per client (API_RATE_LIMIT; one unit per request plus rows, bytes and planned work); retry in ${c.bucket.wait()} s`,
      };
    if (this.inFlight >= s.globalConcurrency || this.global.level() < 1)
      return {
        status: 503,
        retryAfter: this.global.wait(),
        message: `the server is at its capacity for all clients; retry in ${this.global.wait()} s`,
      };
    c.inFlight += 1;
    this.inFlight += 1;
    return null;
  }

  /** The request of `key` has finished. */
  done(key: string): void {
    if (!this.enabled) return;
    const c = this.client(key);
    c.inFlight = Math.max(0, c.inFlight - 1);
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Charges `units` of work to `key` and to the shared bucket. */
  charge(key: string, units: number): void {
    if (!this.enabled || !(units > 0)) return;
    this.client(key).bucket.spend(units);
    this.global.spend(units);
  }

  /** Waits until `key` and the shared bucket hold a token again (a stream yields here), or `signal` aborts. */
  async settle(key: string, signal?: AbortSignal): Promise<void> {
    if (!this.enabled) return;
    const c = this.client(key);
    const s = this.settings;
    for (;;) {
      const deficit = Math.max(
        (1 - c.bucket.level()) / s.rate,
        (1 - this.global.level()) / s.globalRate,
      );
      if (deficit <= 0 || signal?.aborted) return;
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(20, deficit * 1000))));
    }
  }

  /**
   * Opens a stream (an export, an audit stream, a live query) for `key`, or says why not: each client
   * has API_CLIENT_STREAMS at a time. The returned function closes it (idempotent).
   */
  openStream(key: string): (() => void) | Denial {
    if (!this.enabled) return () => {};
    const c = this.client(key);
    if (c.streams >= this.settings.clientStreams)
      return {
        status: 429,
        retryAfter: 1,
        message: `${this.settings.clientStreams} streams (exports, audit streams, live queries) at a time per client (API_CLIENT_STREAMS); close one first`,
      };
    c.streams += 1;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      c.streams = Math.max(0, c.streams - 1);
    };
  }
}
