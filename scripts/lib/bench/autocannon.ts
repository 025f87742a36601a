/**
 * autocannon for the API benchmark (`npm run bench:api`): the few types it needs (the package ships
 * none), one run of a request list at a connection count, and its figures in the shape the direct
 * database runs (./direct.ts) give too, so that the two compare column by column.
 */
import { createRequire } from "node:module";

interface Histogram {
  average: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
}

/** One request of a list autocannon cycles through (each connection in turn). */
export interface CannonRequest {
  method?: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  onResponse?: (status: number, body: string) => void;
  /** Rewrites the request before each send: a new key every time (a cold read). */
  setupRequest?: (request: CannonRequest) => CannonRequest;
}

interface CannonResult {
  requests: Histogram;
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
}

type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  requests: CannonRequest[];
}) => Promise<CannonResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

/** What one case measured, over the API or directly on the database. */
export interface Figures {
  /** Answers per second over the whole run (answers / seconds). */
  rps: number;
  p50: number;
  p99: number;
  /** Requests that got no answer (connection errors and timeouts). */
  errors: number;
  non2xx: number;
  fiveXx: number;
  /** Answers counted. */
  total: number;
  /**
   * CPU time of the API's process per answer, ms (user + system, from /proc; cases.ts): what an
   * answer costs the server, less moved by other work on the machine than the rates are.
   */
  cpuMs?: number;
}

/** Runs `requests` at `connections` for `duration` seconds (10 s per request at most). */
export async function cannon(
  url: string,
  requests: CannonRequest[],
  connections: number,
  duration: number,
): Promise<Figures> {
  const r = await autocannon({ url, connections, duration, timeout: 10, requests });
  const stats = Object.entries(r.statusCodeStats ?? {});
  const total = stats.reduce((n, [, v]) => n + v.count, 0);
  return {
    // Not autocannon's average of per-second samples: the direct runs divide answers by seconds too.
    rps: total / (r.duration || duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
    fiveXx: stats.filter(([code]) => Number(code) >= 500).reduce((n, [, v]) => n + v.count, 0),
    total,
  };
}

/** A GET of `path`. */
export function get(path: string): CannonRequest {
  return { method: "GET", path };
}

/** A request that `make()` draws anew before every send (another key each time). */
export function drawn(make: () => CannonRequest): CannonRequest {
  return { ...make(), setupRequest: (request) => ({ ...request, ...make() }) };
}

/** A GraphQL POST of `query`. */
export function graphqlPost(query: string): CannonRequest {
  return {
    method: "POST",
    path: "/graphql",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  };
}

/** Throws unless every request answers 200 (and GraphQL without errors): 404s measure nothing. */
export async function preflight(
  api: string,
  requests: { name: string; request: CannonRequest }[],
): Promise<void> {
  for (const { name, request } of requests) {
    const res = await fetch(`${api}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    const text = await res.text();
    if (res.status !== 200 || (request.path === "/graphql" && text.includes('"errors"')))
      throw new Error(`${name} answered ${res.status}: ${text.slice(0, 300)}`);
  }
}
