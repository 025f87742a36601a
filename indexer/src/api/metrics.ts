/**
 * Our own series on `/metrics`, after Ponder's. Ponder answers `/metrics` from its own Prometheus
 * registry before our app sees the request, so our series are appended where the answer is written:
 * in the request listener, wrapped the way the gate wraps it (gate.ts) and installed after the gate,
 * so that the gate still runs first and decides who may read `/metrics`.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";

/** Prometheus text of some series (each line ending in a newline). */
export type Series = () => string;

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const STATE = Symbol.for("grantkit.metrics");
type WithMetrics = typeof globalThis & { [STATE]?: { series: Series[] } };

/** Adds `text()` to `res` if it answers 200 (Ponder's series, then ours). */
function appendTo(res: ServerResponse, text: () => string): void {
  let extra: Buffer | null = null;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const headers = args.find((a, n) => n > 0 && a !== null && typeof a === "object");
    // A list of header pairs is not how @hono/node-server writes: then nothing is added.
    if (args[0] === 200 && !Array.isArray(headers)) {
      extra = Buffer.from(text());
      const record = (headers ?? {}) as Record<string, unknown>;
      const name = Object.keys(record).find((k) => k.toLowerCase() === "content-length");
      if (name !== undefined) record[name] = Number(record[name]) + extra.byteLength;
      else if (res.hasHeader("content-length"))
        res.setHeader("content-length", Number(res.getHeader("content-length")) + extra.byteLength);
    }
    return writeHead(...args);
  }) as typeof res.writeHead;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    if (extra !== null) {
      const chunk = args[0];
      if (typeof chunk === "string" || chunk instanceof Uint8Array) {
        res.write(chunk, typeof args[1] === "string" ? (args[1] as BufferEncoding) : "utf8");
        args[0] = extra;
      } else {
        res.write(extra);
      }
      extra = null;
    }
    return end(...args);
  }) as typeof res.end;
}

/**
 * Appends `series` to `/metrics` on every HTTP server created from now on in this process (Ponder's).
 * Called again (Ponder's dev mode reloads the API), it only replaces the series.
 */
export function exposeMetrics(...series: Series[]): void {
  const g = globalThis as WithMetrics;
  if (g[STATE]) {
    g[STATE].series = series;
    return;
  }
  const state = { series };
  g[STATE] = state;
  const text = () => state.series.map((s) => s()).join("");
  const create = http.createServer;
  http.createServer = ((...args: unknown[]) => {
    const i = args.findIndex((a) => typeof a === "function");
    if (i >= 0) {
      const listener = args[i] as Listener;
      args[i] = ((req, res) => {
        if (req.method === "GET" && (req.url ?? "").split("?")[0] === "/metrics")
          appendTo(res, text);
        listener(req, res);
      }) as Listener;
    }
    return (create as (...a: unknown[]) => http.Server)(...args);
  }) as typeof http.createServer;
}
