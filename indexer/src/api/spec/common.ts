/** What every route definition shares: parameter helpers and the answers every route can give. */
import { z } from "@hono/zod-openapi";

import { blockNumber, chainId, cursor, limit, timestamp } from "../validation.js";
import { Cursor, ErrorBody } from "./schemas.js";

// ------------------------------------------------------------------ parameters

/** A parameter's schema with its description in the document. */
export const doc = <T extends z.ZodType>(schema: T, description: string) =>
  schema.openapi({ description }) as T;

/**
 * The query's own object, reading the first value of a repeated parameter (the validator hands
 * repeated ones over as arrays; the API has always read the first). Typed as the object itself: the
 * step before it only picks values.
 */
export function query<T extends z.ZodType>(schema: T): T {
  const first = (v: unknown) =>
    typeof v === "object" && v !== null
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, Array.isArray(x) ? x[0] : x]))
      : v;
  return z.preprocess(first, schema) as unknown as T;
}

export const chainPath = doc(chainId, "Chain id");
export const chainFilter = doc(chainId, "Only this chain").optional();
export const page = {
  cursor: doc(cursor, "`nextCursor` of the previous page"),
  limit: doc(limit, "Page size, 1 to 100"),
};
export const noQuery = query(z.object({}).strict());

export const exactlyOneOfBlockOrTimestamp = {
  check: (q: { block?: unknown; timestamp?: unknown }) =>
    (q.block === undefined) !== (q.timestamp === undefined),
  message: { message: "give exactly one of block or timestamp", path: ["block"] },
  extension: { "x-one-of-groups": [["block"], ["timestamp"]] },
};
export const asOfFields = {
  block: doc(blockNumber, "As of this block (its time judges the statuses)").optional(),
  timestamp: doc(timestamp, "As of this time (unix seconds)").optional(),
};

// ------------------------------------------------------------------ answers

type Status = 400 | 404 | 409 | 429 | 500 | 503;

const ERRORS: Record<Status, string> = {
  400: "A parameter is invalid: `error` names it and says what is wrong",
  404: "Not found (or the chain is not indexed, or the block not yet)",
  409: "Ambiguous: several deployments match; the message says which parameter to add",
  429: "This client's work budget is spent (or it has its streams open): retry after Retry-After",
  500: "An internal error (a bug: please report it)",
  503: "The server (all clients together) is at capacity, or the chain's RPC does not answer: retry after Retry-After",
};

export const retryAfter = {
  "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" } },
} as const;

/** The error answers of a route: 429, 500 and 503 can come from any route. */
export function errors(...statuses: Status[]) {
  return Object.fromEntries(
    [...statuses, 429 as const, 500 as const, 503 as const].map((s) => [
      s,
      {
        description: ERRORS[s],
        content: { "application/json": { schema: ErrorBody } },
        ...(s === 429 || s === 503 ? { headers: retryAfter } : {}),
      },
    ]),
  ) as Record<
    Status,
    { description: string; content: { "application/json": { schema: typeof ErrorBody } } }
  >;
}

export const ok = <T extends z.ZodType>(schema: T, description: string) => ({
  200: { description, content: { "application/json": { schema } } },
});

/** The answers of a route whose only success is a JSON `schema`: that, and the errors `statuses`. */
export const answers = <T extends z.ZodType>(
  schema: T,
  description: string,
  ...statuses: Status[]
) => ({ ...ok(schema, description), ...errors(...statuses) });

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: Cursor }).strict();

export const attachment = {
  "Content-Disposition": {
    description: "attachment, with a file name",
    schema: { type: "string" },
  },
} as const;
