/**
 * Our own series on `/metrics`, after Ponder's. Ponder answers `/metrics` from its own Prometheus
 * registry before our app sees the request, so our series are appended where the answer is written:
 * the gate (gate.ts), which already wraps Ponder's request listener, calls `appendMetrics` once it
 * has let a request for `/metrics` through, so the gate still decides who may read it.
 */
import type { ServerResponse } from "node:http";

/** Prometheus text of some series (each line ending in a newline). */
export type Series = () => string;

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
 * The series to append to `/metrics` from now on. Called again (Ponder's dev mode reloads the API),
 * it replaces them.
 */
export function exposeMetrics(...series: Series[]): void {
  (globalThis as WithMetrics)[STATE] = { series };
}

/** Makes `res`, a 200 answer to `GET /metrics`, carry our series after Ponder's (none exposed: as is). */
export function appendMetrics(res: ServerResponse): void {
  const state = (globalThis as WithMetrics)[STATE];
  if (state) appendTo(res, () => state.series.map((s) => s()).join(""));
}
