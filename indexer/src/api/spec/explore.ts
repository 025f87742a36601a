/**
 * Definitions of the explorer routes (the dashboard's overview, export and search box): grant counts
 * per day by derived status, the size of an audit range before it is downloaded, and what a typed
 * value is. Aggregates never name an owner; search answers only say which pages exist.
 */
import { createRoute, z } from "@hono/zod-openapi";

import { answers, chainFilter, doc, query } from "./common.js";
import { AUDIT_RANGE_RULES, auditRangeQuery } from "./grants.js";
import { Address, Decimal, GrantChange, Hash, IssuerChange, IssuerStatus } from "./schemas.js";

// ------------------------------------------------------------------ series

const count = z.number().int().min(0);

export const SeriesPoint = z
  .object({
    day: z.string().openapi({ description: "The day (UTC), YYYY-MM-DD", example: "2026-11-30" }),
    at: Decimal.openapi({
      description: "The time the counts are taken at: the day's last second, or the head's today",
    }),
    created: count.openapi({ description: "Grants created that day (replacements included)" }),
    changes: count.openapi({ description: "Grant changes that day" }),
    active: count,
    locked: count,
    expired: count,
    revoked: count,
    released: count,
    replaced: count,
  })
  .strict()
  .openapi("SeriesPoint", {
    description: "One day: what happened, and how many grants had each derived status at its end",
  });

export const getStatsSeries = createRoute({
  method: "get",
  path: "/v1/stats/series",
  operationId: "getStatsSeries",
  tags: ["stats"],
  summary: "Per day: grants created, changes, and the count of each derived status",
  description:
    "The last `days` days up to the chain head's day, oldest first. A status is derived at each day's end exactly as at a point in time (`locked` until `lockedUntil`, `expired` from `expiresAt`). Aggregates only: no owner is named.",
  request: {
    query: query(
      z
        .object({
          days: doc(
            z
              .string()
              .regex(/^[0-9]{1,3}$/, "must be an integer from 1 to 366")
              .transform((s) => Number(s))
              .refine((n) => n >= 1 && n <= 366, "must be from 1 to 366")
              .openapi({ type: "integer", minimum: 1, maximum: 366, default: 90 }),
            "Days, 1 to 366",
          ).optional(),
          chainId: chainFilter,
        })
        .strict(),
    ),
  },
  responses: answers(
    z
      .object({
        days: z.number().int(),
        chainId: z.number().int().nullable(),
        points: z.array(SeriesPoint),
      })
      .strict(),
    "One point per day, oldest first",
    400,
    404,
  ),
});

// ------------------------------------------------------------------ audit count

export const countAuditChanges = createRoute({
  method: "get",
  path: "/v1/audit/count",
  operationId: "countAuditChanges",
  tags: ["audit"],
  summary: "How many changes /v1/audit/changes streams for a range",
  description: "The same range rules as `/v1/audit/changes`: a block range or a time range.",
  ...AUDIT_RANGE_RULES,
  request: { query: auditRangeQuery({}) },
  responses: answers(
    z
      .object({ grantChanges: count, issuerChanges: count, total: count })
      .strict()
      .openapi("AuditCount"),
    "The counts",
    400,
    404,
  ),
});

// ------------------------------------------------------------------ search

const issuerKey = z
  .object({ chainId: z.number().int(), registry: Address, status: IssuerStatus })
  .strict();

export const TransactionChange = z
  .object({
    table: z.enum(["grant", "issuer"]),
    chainId: z.number().int(),
    contract: Address,
    subject: z
      .string()
      .regex(/^0x[0-9a-f]{40}([0-9a-f]{24})?$/)
      .openapi({ description: "The grant id, or the issuer key" }),
    change: z.union([GrantChange, IssuerChange]),
    blockNumber: Decimal,
    blockTime: Decimal,
    logIndex: z.number().int(),
  })
  .strict()
  .openapi("TransactionChange");

export const SearchMatch = z
  .discriminatedUnion("type", [
    z
      .object({
        type: z.literal("address"),
        address: Address,
        asOwner: z.boolean(),
        asGrantee: z.boolean(),
        issuerKeys: z.array(issuerKey),
      })
      .strict(),
    z
      .object({
        type: z.literal("grant"),
        chainId: z.number().int(),
        contract: Address,
        grantId: Hash,
      })
      .strict(),
    z
      .object({
        type: z.literal("transaction"),
        txHash: Hash,
        chainId: z.number().int(),
        blockNumber: Decimal,
        blockTime: Decimal,
        changes: z.array(TransactionChange),
      })
      .strict(),
    z.object({ type: z.literal("purpose"), purpose: Hash, label: z.string().nullable() }).strict(),
    z
      .object({
        type: z.literal("credentialType"),
        typeId: Hash,
        label: z.string().nullable(),
        registries: z.array(z.object({ chainId: z.number().int(), registry: Address }).strict()),
      })
      .strict(),
  ])
  .openapi("SearchMatch", {
    description:
      "What a typed value is: an address (with whether it owns or receives grants, and its issuer keys), a grant id, a transaction (its changes), a purpose or a credential type (a label is hashed)",
  });

export const search = createRoute({
  method: "get",
  path: "/v1/search",
  operationId: "search",
  tags: ["explore"],
  summary: "What a typed value is: a grant id, an address, a transaction, a purpose",
  description:
    "An address, a 32-byte value (grant id, transaction hash, purpose or credential type id) or a label (hashed as a purpose or a type). Answers say which pages exist; no owner list.",
  request: {
    query: query(
      z
        .object({
          q: doc(
            z
              .string()
              .trim()
              .min(1, "must not be empty")
              .max(200, "must be at most 200 characters"),
            "The value typed",
          ),
        })
        .strict(),
    ),
  },
  responses: answers(
    z.object({ query: z.string(), matches: z.array(SearchMatch) }).strict(),
    "Every match (none: an empty list)",
    400,
  ),
});
