/**
 * Plumbing every REST route shares: mounting a handler on its route definition
 * (spec/) whose schemas validate the input with a 400 that says what was wrong, and JSON
 * answers (bigints as decimal strings) that charge the rows they carry to the client's work budget.
 */
import type { OpenAPIHono, RouteConfig, RouteHandler, z } from "@hono/zod-openapi";
import type { Context } from "hono";

import { HttpError } from "./errors.js";
import { requestInfo } from "./gate.js";
import { describeError } from "./validation.js";

/**
 * Mounts `handler` on `route` (a definition in spec/): the route's schemas validate the path and the query
 * first, and a bad parameter answers 400 `{"error": "<parameter>: <what is wrong>"}`. The path is
 * judged before the query (as it always was): with both wrong, the path's problem is the answer.
 */
export function mount<R extends RouteConfig>(
  app: OpenAPIHono,
  route: R,
  handler: (c: Parameters<RouteHandler<R>>[0]) => Response | Promise<Response>,
): void {
  app.openapi(route, handler as never, (result, c): undefined => {
    if (result.success) return;
    const params = route.request?.params as z.ZodType | undefined;
    if (result.target === "query" && params) {
      const path = params.safeParse(c.req.param());
      if (!path.success) throw new HttpError(400, describeError(path.error, c.req.param()));
    }
    const input = result.target === "query" ? c.req.query() : c.req.param();
    throw new HttpError(400, describeError(result.error, input));
  });
}

/** `R` as the API writes it: each bigint a decimal string. */
export type Plain<R> = {
  [K in keyof R]: R[K] extends bigint ? string : R[K] extends bigint | null ? string | null : R[K];
};

/**
 * `row` with each bigint as a decimal string, as the API writes it (`stringify`): a body made of
 * such rows is written by `json` without a replacer, which V8 does about twice as fast for a page
 * of 50 grants.
 */
export function plain<R extends object>(row: R): Plain<R> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row) as (keyof R & string)[]) {
    const value: unknown = row[key];
    out[key] = typeof value === "bigint" ? value.toString() : value;
  }
  return out as Plain<R>;
}

/** JSON.stringify with bigints as decimal strings. */
export function stringify(body: unknown): string {
  return JSON.stringify(body, (_key, value: unknown) =>
    typeof value === "bigint" ? value.toString() : value,
  );
}

/**
 * `stringify` for a whole answer: a body without bigints (its rows made `plain`: the grant routes)
 * is written without a replacer; one that still holds a bigint (issuers, stats) makes that first try
 * throw at it, once per answer, and is written again by `stringify`. Streams of rows call
 * `stringify` itself, not this, so as not to throw once per row.
 */
function answerText(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return stringify(body);
  }
}

/**
 * Work units (about a millisecond of PGlite's time each; calibrated by `npm run test:attacks`) per
 * row an answer carries, and per row an aggregate or a scan reads without returning it.
 */
export const UNITS_PER_ROW = 0.05;
export const UNITS_PER_SCANNED_ROW = 0.001;

/**
 * The text of the answer `json` made, by request: the response cache (cache.ts) keeps it from here
 * rather than reading the Response's body back through a stream.
 */
const texts = new WeakMap<Context, string>();

/** The JSON text of this request's 200 answer, when `json` made it. */
export function jsonText(c: Context): string | undefined {
  return c.res.status === 200 ? texts.get(c) : undefined;
}

/**
 * Makes `res` (made by `c.body`, which merges the headers set so far) this request's answer as it is.
 * Hono copies a Response set over an earlier one into a new one that reads the old one's body as a
 * web stream, and Ponder's CORS middleware makes an empty Response before every route: so every
 * answer was an undici Response whose body the server read back through the stream before it wrote
 * it (in a profile of pages on PostgreSQL, 6 to 7% of the process's time, and more garbage). Unset
 * first, nothing is copied, and the server writes the text as it is. The request is finalized: a
 * Response that a later middleware returns instead (not throws) is not sent; set it with this too.
 */
export function answerWith(c: Context, res: Response): Response {
  c.res = undefined;
  c.res = res;
  return res;
}

/** A JSON answer; `rows` (the rows the route read) are charged to the client. */
export function json(c: Context, body: unknown, rows = 0) {
  requestInfo(c.env).charge(rows * UNITS_PER_ROW);
  const text = answerText(body);
  texts.set(c, text);
  return answerWith(c, c.body(text, 200, { "content-type": "application/json; charset=utf-8" }));
}

/** Unix seconds as an ISO date, or null past JavaScript's last date (a lock can be any uint64). */
export function isoDate(seconds: bigint): string | null {
  return seconds <= 8_640_000_000_000n ? new Date(Number(seconds) * 1000).toISOString() : null;
}

export function noRoute(c: Context) {
  return c.json({ error: `no route ${c.req.method} ${c.req.path} (see /v1/openapi.json)` }, 404);
}
