/**
 * The gate in front of every request the indexer's HTTP server answers, Ponder's own routes included.
 *
 * Ponder's server registers `/metrics`, `/status`, `/health`, `/ready` and a CORS `*` middleware before
 * our app, so no Hono middleware of ours can see those requests. The only place that sees them all is
 * the request listener: Ponder creates its server through `http.createServer` (via @hono/node-server)
 * after it has loaded this API module, so `installGate` wraps `http.createServer` and with it the
 * listener. If a Ponder upgrade stops creating its server that way, the gate says so and stops the
 * process instead of serving unguarded (`assertGateInstalled`). In front of each request it:
 *
 * - finds the client: the socket address, or the address a trusted proxy forwarded
 *   (`X-Forwarded-For`, honoured only from TRUSTED_PROXIES, via `proxy-addr`, Express's own), with
 *   IPv6 clients grouped by /64 (one host owns a whole /64);
 * - keeps `/metrics`, `/status` and `/ops/loop` private: answered to a direct loopback client without
 *   forwarding headers, or to `Authorization: Bearer $GRANTKIT_OPS_TOKEN`; 403 otherwise;
 * - admits the request against the client's and the shared work budget and concurrency (`budget.ts`),
 *   and charges what the answer sends (one unit per request, one per 32 KiB);
 * - removes Ponder's CORS headers where a browser has no business: only `/v1`, `/graphql` and the
 *   dashboard (`/`) answer other origins;
 * - has our series appended to Ponder's `/metrics` (metrics.ts): the one place that patches the server.
 */
import { timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";

import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";

import type { Budget } from "./budget.js";
import { appendMetrics } from "./metrics.js";

export interface GateSettings {
  /** proxy-addr trust list: addresses, CIDRs, or `loopback`, `linklocal`, `uniquelocal`. */
  trustedProxies: string[];
  /** A token that opens `/metrics` and `/status` to non-loopback clients (unset: loopback only). */
  opsToken: string | undefined;
}

export function gateSettings(env: NodeJS.ProcessEnv = process.env): GateSettings {
  const trustedProxies = (env.TRUSTED_PROXIES ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  try {
    proxyaddr.compile(trustedProxies);
  } catch (error) {
    throw new Error(
      `TRUSTED_PROXIES=${JSON.stringify(env.TRUSTED_PROXIES)}: ${(error as Error).message}; ` +
        `give comma-separated addresses or CIDRs (or loopback, linklocal, uniquelocal), or unset it`,
    );
  }
  const opsToken = env.GRANTKIT_OPS_TOKEN?.trim() || undefined;
  if (opsToken !== undefined && opsToken.length < 16)
    throw new Error(
      "GRANTKIT_OPS_TOKEN is shorter than 16 characters; use a long random value (e.g. openssl rand -hex 32)",
    );
  return { trustedProxies, opsToken };
}

/** What the gate learnt about a request, for the routes (see `requestInfo`). */
export interface RequestInfo {
  /** The client's budget key: an IPv4 address or an IPv6 /64. */
  client: string;
  /** Charges `units` of work to this request's client. */
  charge(units: number): void;
}

const infos = new WeakMap<object, RequestInfo>();

/**
 * The gate's view of a request, from Hono's `c.env.incoming` (@hono/node-server), or a fallback that
 * charges nothing when no gate stands in front (an app tested with `app.request`).
 */
export function requestInfo(env: unknown): RequestInfo {
  const incoming = (env as { incoming?: object } | undefined)?.incoming;
  return (incoming && infos.get(incoming)) ?? { client: "local", charge: () => {} };
}

/** The budget key of an address: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 by /64. */
export function clientKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (ip.kind() === "ipv4") return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(":")}::/64`;
}

function isLoopback(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === "loopback";
}

const PRIVATE_PATHS = new Set(["/metrics", "/status", "/ops/loop"]);

/**
 * Paths a browser on another origin may read: the REST API, GraphQL and the dashboard; not SQL over
 * HTTP, the private routes or the probes (which only machines call).
 */
function corsAllowed(path: string): boolean {
  return !(
    path === "/sql" ||
    path.startsWith("/sql/") ||
    path === "/health" ||
    path === "/ready" ||
    PRIVATE_PATHS.has(path)
  );
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, "") ?? "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function deny(res: ServerResponse, status: number, message: string, retryAfter?: number): void {
  const body = JSON.stringify({ error: message });
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...(retryAfter !== undefined ? { "retry-after": String(retryAfter) } : {}),
  });
  res.end(body);
}

/** Drops `access-control-*` headers from whatever the app sets on `res`. */
function withoutCors(res: ServerResponse): void {
  const isCors = (name: string) => name.toLowerCase().startsWith("access-control-");
  const setHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) =>
    isCors(name) ? res : setHeader(name, value)) as typeof res.setHeader;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    // writeHead(status, [message], headers): headers as an object or a flat [name, value, …] list.
    const i = args.findIndex((a, n) => n > 0 && a !== null && typeof a === "object");
    const headers = args[i];
    if (Array.isArray(headers)) {
      const kept: unknown[] = [];
      for (let n = 0; n < headers.length; n += 2)
        if (!isCors(String(headers[n]))) kept.push(headers[n], headers[n + 1]);
      args[i] = kept;
    } else if (i > 0) {
      args[i] = Object.fromEntries(Object.entries(headers as object).filter(([k]) => !isCors(k)));
    }
    return writeHead(...args);
  }) as typeof res.writeHead;
}

/** Counts what `res` sends and charges one unit per 32 KiB as it goes. */
function meterBytes(res: ServerResponse, charge: (units: number) => void): void {
  let pending = 0;
  const count = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    pending +=
      typeof chunk === "string"
        ? Buffer.byteLength(
            chunk,
            typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8",
          )
        : (chunk as Uint8Array).byteLength;
    if (pending >= 32_768) {
      charge(Math.floor(pending / 32_768));
      pending %= 32_768;
    }
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  res.write = ((...args: unknown[]) => {
    count(args[0], args[1]);
    return write(...args);
  }) as typeof res.write;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    count(args[0], args[1]);
    return end(...args);
  }) as typeof res.end;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

interface GateState {
  budget: Budget;
  settings: GateSettings;
  trust: ReturnType<typeof proxyaddr.compile>;
  servers: number;
  original: typeof http.createServer;
}

const STATE = Symbol.for("grantkit.gate");
type WithGate = typeof globalThis & { [STATE]?: GateState };

function guard(listener: Listener): Listener {
  return (req, res) => {
    const state = (globalThis as WithGate)[STATE]!;
    const path = (req.url ?? "/").split("?")[0]!;
    const address = proxyaddr(req, state.trust);
    const client = clientKey(address);
    if (PRIVATE_PATHS.has(path)) {
      const forwarded =
        req.headers["x-forwarded-for"] !== undefined || req.headers.forwarded !== undefined;
      const local = isLoopback(req.socket.remoteAddress) && !forwarded;
      const token = state.settings.opsToken;
      if (!local && !(token !== undefined && tokenMatches(req.headers.authorization, token)))
        return deny(
          res,
          403,
          `${path} is private: call it from the server itself (loopback) or send Authorization: Bearer <GRANTKIT_OPS_TOKEN>`,
        );
    }
    const budget = state.budget;
    const denial = budget.admit(client);
    if (denial) return deny(res, denial.status, denial.message, denial.retryAfter);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      budget.done(client);
    };
    res.once("close", finish);
    res.once("finish", finish);
    const charge = (units: number) => budget.charge(client, units);
    charge(1);
    infos.set(req, { client, charge });
    meterBytes(res, charge);
    if (!corsAllowed(path)) withoutCors(res);
    if (path === "/metrics" && req.method === "GET") appendMetrics(res);
    listener(req, res);
  };
}

/**
 * Puts the gate in front of every HTTP server created from now on in this process (Ponder's).
 * Calling it again (Ponder's dev mode reloads this module) only updates the settings.
 */
export function installGate(budget: Budget, settings: GateSettings): void {
  const g = globalThis as WithGate;
  const trust = proxyaddr.compile(settings.trustedProxies);
  if (g[STATE]) {
    Object.assign(g[STATE], { budget, settings, trust });
    return;
  }
  const original = http.createServer;
  g[STATE] = { budget, settings, trust, servers: 0, original };
  http.createServer = ((...args: unknown[]) => {
    const i = args.findIndex((a) => typeof a === "function");
    if (i >= 0) {
      args[i] = guard(args[i] as Listener);
      g[STATE]!.servers += 1;
    }
    return (original as (...a: unknown[]) => http.Server)(...args);
  }) as typeof http.createServer;
}

/** Takes the gate away from servers created from now on (tests). */
export function uninstallGate(): void {
  const g = globalThis as WithGate;
  if (!g[STATE]) return;
  http.createServer = g[STATE].original;
  delete g[STATE];
}

/**
 * Stops the process if no server was created through the gate within `ms` of start-up: a Ponder
 * that creates its server another way would otherwise serve `/metrics` and every route unguarded.
 */
export function assertGateInstalled(ms = 60_000): void {
  setTimeout(() => {
    if (((globalThis as WithGate)[STATE]?.servers ?? 0) > 0) return;
    console.error(
      "grantkit: the API gate is not in front of Ponder's HTTP server (Ponder no longer creates it " +
        "through http.createServer); refusing to serve unguarded. See indexer/src/api/gate.ts.",
    );
    process.exit(1);
  }, ms).unref();
}
