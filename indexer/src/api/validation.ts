/**
 * Input validation for the REST API: every parameter goes through a zod schema that normalises it
 * (checksummed addresses are lower-cased, hashes checked, numbers bounded) or yields a 400 with a
 * message that says what was wrong.
 */
import { z } from "@hono/zod-openapi";
import { keccak256, stringToHex } from "viem";

import { GRANT_STATUSES } from "../names.js";

// Numeric parameters are strings of digits on the wire; the OpenAPI document calls them integers.

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 50;

export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
  .transform((s) => s.toLowerCase() as `0x${string}`);

export const hash = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex value")
  .transform((s) => s.toLowerCase() as `0x${string}`);

/** A 32-byte id, or a label that is hashed (keccak256 of its UTF-8 bytes), e.g. "onboarding". */
export const hashOrLabel = z
  .string()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .transform((s) =>
    /^0x[0-9a-fA-F]{64}$/.test(s) ? (s.toLowerCase() as `0x${string}`) : keccak256(stringToHex(s)),
  );

const uint = (max: bigint, what: string, doc: object) =>
  z
    .string()
    .regex(/^[0-9]{1,20}$/, `must be a non-negative integer (${what})`)
    .transform((s) => BigInt(s))
    .refine((n) => n <= max, `must be at most ${max} (${what})`)
    .openapi({ type: "integer", minimum: 0, ...doc });

export const blockNumber = uint(2n ** 63n - 1n, "a block number", { format: "int64" });
export const timestamp = uint(2n ** 48n - 1n, "unix seconds", { maximum: 2 ** 48 - 1 });
export const chainId = z
  .string()
  .regex(/^[0-9]{1,10}$/, "must be a chain id (a positive integer)")
  .transform((s) => Number(s))
  .refine((n) => n > 0 && n <= 2 ** 31 - 1, "must be a chain id from 1 to 2147483647")
  .openapi({ type: "integer", minimum: 1, maximum: 2 ** 31 - 1 });

export const limit = z
  .string()
  .regex(/^[0-9]{1,4}$/, `must be an integer from 1 to ${MAX_PAGE}`)
  .transform((s) => Number(s))
  .refine((n) => n >= 1 && n <= MAX_PAGE, `must be from 1 to ${MAX_PAGE}`)
  .openapi({ type: "integer", minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE })
  .optional();

/** Opaque cursor: base64url of the last row's id. */
export const cursor = z
  .string()
  .max(400, "is not a cursor returned by this API")
  .regex(/^[A-Za-z0-9_-]+$/, "is not a cursor returned by this API")
  .transform((s, ctx) => {
    const decoded = Buffer.from(s, "base64url").toString("utf8");
    if (!/^[0-9]+-0x[0-9a-f]{40}-0x[0-9a-f]{40,64}$/.test(decoded)) {
      ctx.addIssue({ code: "custom", message: "is not a cursor returned by this API" });
      return z.NEVER;
    }
    return decoded;
  })
  .optional();

export function encodeCursor(id: string): string {
  return Buffer.from(id, "utf8").toString("base64url");
}

export const grantStatus = z.enum(GRANT_STATUSES, {
  error: `must be one of ${GRANT_STATUSES.join(", ")}`,
});

/**
 * A zod error as one readable sentence: "owner: must be a 0x-prefixed ...; limit: ...". A parameter
 * that `input` (the query or the path as sent) does not have at all is "<parameter>: is required".
 */
export function describeError(error: z.ZodError, input: Record<string, unknown>): string {
  return error.issues
    .map((i) => {
      const name = i.path.length > 0 ? i.path.join(".") : "request";
      // Absent, a parameter fails its type or its enum (zod: invalid_type, invalid_value); a rule
      // across parameters (a custom issue) keeps its own message.
      const missing =
        (i.code === "invalid_type" || i.code === "invalid_value") &&
        i.path.length === 1 &&
        input[String(i.path[0])] === undefined;
      return `${name}: ${missing ? "is required" : i.message}`;
    })
    .join("; ");
}
