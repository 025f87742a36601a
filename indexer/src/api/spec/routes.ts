/**
 * Every REST route under /v1, defined once: its parameters (the zod schemas that validate them,
 * from validation.ts) and every answer it gives. The route modules (../routes/*.ts) mount their
 * handlers on these; the OpenAPI document (../openapi.ts) is generated from them.
 *
 * Two rules a schema cannot show are written into the document as extensions, beside the
 * refinements that enforce them: `x-one-of-groups` (parameters of exactly one group must be given)
 * and `x-ranges` (the first parameter must not exceed the second).
 */
import { createRoute, z, type RouteConfig } from "@hono/zod-openapi";

import {
  address,
  blockNumber,
  chainId,
  cursor,
  grantStatus,
  hash,
  hashOrLabel,
  limit,
  timestamp,
} from "../validation.js";
import {
  AsOf,
  AuditChange,
  Cursor,
  ErrorBody,
  Grant,
  GrantAt,
  GrantEvent,
  Issuer,
  IssuerEvent,
  IssuerWithHistory,
  Readiness,
  RetainedGrant,
  Hash,
  Address,
  Decimal,
  orNull,
} from "./schemas.js";

// ------------------------------------------------------------------ parameters

/** A parameter's schema with its description in the document. */
const doc = <T extends z.ZodType>(schema: T, description: string) =>
  schema.openapi({ description }) as T;

/**
 * The query's own object, reading the first value of a repeated parameter (the validator hands
 * repeated ones over as arrays; the API has always read the first). Typed as the object itself: the
 * step before it only picks values.
 */
function query<T extends z.ZodType>(schema: T): T {
  const first = (v: unknown) =>
    typeof v === "object" && v !== null
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, Array.isArray(x) ? x[0] : x]))
      : v;
  return z.preprocess(first, schema) as unknown as T;
}

const chainPath = doc(chainId, "Chain id");
const chainFilter = doc(chainId, "Only this chain").optional();
const page = {
  cursor: doc(cursor, "`nextCursor` of the previous page"),
  limit: doc(limit, "Page size, 1 to 100"),
};
const noQuery = query(z.object({}).strict());

const exactlyOneOfBlockOrTimestamp = {
  check: (q: { block?: unknown; timestamp?: unknown }) =>
    (q.block === undefined) !== (q.timestamp === undefined),
  message: { message: "give exactly one of block or timestamp", path: ["block"] },
  extension: { "x-one-of-groups": [["block"], ["timestamp"]] },
};
const asOfFields = {
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

const retryAfter = {
  "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" } },
} as const;

/** The error answers of a route: 429, 500 and 503 can come from any route. */
function errors(...statuses: Status[]) {
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

const ok = <T extends z.ZodType>(schema: T, description: string) => ({
  200: { description, content: { "application/json": { schema } } },
});

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: Cursor }).strict();

const attachment = {
  "Content-Disposition": {
    description: "attachment, with a file name",
    schema: { type: "string" },
  },
} as const;

// ------------------------------------------------------------------ grants

export const listGrants = createRoute({
  method: "get",
  path: "/v1/grants",
  operationId: "listGrants",
  tags: ["grants"],
  summary: "Grants, filtered and paginated",
  description:
    "Grants as they stand now, in id order. `status` filters by the derived status at each chain head's time.",
  request: {
    query: query(
      z
        .object({
          owner: doc(address, "Owner address").optional(),
          grantee: doc(address, "Grantee address").optional(),
          purpose: doc(
            hashOrLabel,
            "Purpose hash, or a label that is hashed (keccak256 of its UTF-8)",
          ).optional(),
          dataHash: doc(hash, "Data hash").optional(),
          status: doc(grantStatus, "Derived status").optional(),
          chainId: chainFilter,
          contract: doc(address, "AccessGrants address").optional(),
          ...page,
        })
        .strict(),
    ),
  },
  responses: { ...ok(pageOf(Grant), "A page of grants"), ...errors(400, 404) },
});

const grantParams = z.object({ chainId: chainPath, grantId: doc(hash, "Grant id") });
const contractQuery = doc(address, "AccessGrants address, when several are indexed on the chain");

export const getGrant = createRoute({
  method: "get",
  path: "/v1/grants/{chainId}/{grantId}",
  operationId: "getGrant",
  tags: ["grants"],
  summary: "One grant now, with its full history",
  request: {
    params: grantParams,
    query: query(z.object({ contract: contractQuery.optional() }).strict()),
  },
  responses: {
    ...ok(
      z.object({ grant: Grant, history: z.array(GrantEvent) }).strict(),
      "The grant and its changes, oldest first",
    ),
    ...errors(400, 404, 409),
  },
});

export const getGrantAt = createRoute({
  method: "get",
  path: "/v1/grants/{chainId}/{grantId}/at",
  operationId: "getGrantAt",
  tags: ["grants"],
  summary: "A grant as it stood at a block or a time",
  description: "Give exactly one of `block` or `timestamp`.",
  ...exactlyOneOfBlockOrTimestamp.extension,
  request: {
    params: grantParams,
    query: query(
      z
        .object({ ...asOfFields, contract: contractQuery.optional() })
        .strict()
        .refine(exactlyOneOfBlockOrTimestamp.check, exactlyOneOfBlockOrTimestamp.message)
        .check((ctx) => {
          // `contract` is judged after the rest (as it always was): its problem only when the
          // rest is fine.
          const others = ctx.issues.filter((i) => i.path?.[0] !== "contract");
          if (others.length > 0) ctx.issues.splice(0, ctx.issues.length, ...others);
        }),
    ),
  },
  responses: {
    ...ok(
      z
        .object({
          asOf: AsOf,
          grant: orNull(GrantAt, "null: it did not exist then"),
          existed: z.boolean(),
        })
        .strict(),
      "The grant's last change then, judged then",
    ),
    ...errors(400, 404, 409),
  },
});

// ------------------------------------------------------------------ grantees and owners

const granteeParams = z.object({ grantee: doc(address, "Grantee address") });

export const getGranteeGrantsAt = createRoute({
  method: "get",
  path: "/v1/grantees/{grantee}/grants/at",
  operationId: "getGranteeGrantsAt",
  tags: ["grantees"],
  summary: "All grants of a grantee as they stood at a block or a time",
  description: "Give `chainId` and exactly one of `block` or `timestamp`.",
  ...exactlyOneOfBlockOrTimestamp.extension,
  request: {
    params: granteeParams,
    query: query(
      z
        .object({ ...asOfFields, chainId: chainPath, ...page })
        .strict()
        .refine(exactlyOneOfBlockOrTimestamp.check, exactlyOneOfBlockOrTimestamp.message),
    ),
  },
  responses: {
    ...ok(
      z.object({ asOf: AsOf, items: z.array(GrantAt), nextCursor: Cursor }).strict(),
      "A page of the grantee's grants as they stood then",
    ),
    ...errors(400, 404),
  },
});

export const getRetention = createRoute({
  method: "get",
  path: "/v1/grantees/{grantee}/retention",
  operationId: "getRetention",
  tags: ["grantees"],
  summary: "An obligated entity's grants whose lock is in force, with unlock times",
  request: {
    params: granteeParams,
    query: query(z.object({ chainId: chainFilter, ...page }).strict()),
  },
  responses: { ...ok(pageOf(RetainedGrant), "A page of locked grants"), ...errors(400, 404) },
});

export const exportOwner = createRoute({
  method: "get",
  path: "/v1/owners/{owner}/export",
  operationId: "exportOwner",
  tags: ["owners"],
  summary: "Portability: an owner's complete grant record, as a download",
  description:
    "Every grant of the owner now and every change of them, streamed (one export at a time per client).",
  request: { params: z.object({ owner: doc(address, "Owner address") }), query: noQuery },
  responses: {
    200: {
      description: "The owner's record",
      headers: attachment,
      content: {
        "application/json": {
          schema: z
            .object({
              owner: Address,
              exportedAt: z.string().openapi({ format: "date-time" }),
              grants: z.array(Grant),
              history: z.array(GrantEvent),
            })
            .strict()
            .openapi("OwnerExport"),
        },
      },
    },
    ...errors(400),
  },
});

// ------------------------------------------------------------------ audit

export const streamAuditChanges = createRoute({
  method: "get",
  path: "/v1/audit/changes",
  operationId: "streamAuditChanges",
  tags: ["audit"],
  summary: "Every change in a block or time range, streamed as NDJSON or CSV",
  description:
    "Give a block range (`fromBlock`, `toBlock`) or a time range (`fromTime`, `toTime`), one end or both. Grant changes first, then issuer changes, each in chain order. NDJSON: one `AuditChange` per line; CSV: a header line, then one row per change (null is empty).",
  "x-one-of-groups": [
    ["fromBlock", "toBlock"],
    ["fromTime", "toTime"],
  ],
  "x-ranges": [
    ["fromBlock", "toBlock"],
    ["fromTime", "toTime"],
  ],
  request: {
    query: query(
      z
        .object({
          fromBlock: doc(blockNumber, "First block").optional(),
          toBlock: doc(blockNumber, "Last block").optional(),
          fromTime: doc(timestamp, "First second (unix)").optional(),
          toTime: doc(timestamp, "Last second (unix)").optional(),
          chainId: chainFilter,
          format: doc(
            z.enum(["csv", "ndjson"], { error: "must be csv or ndjson" }),
            "ndjson (default) or csv",
          ).optional(),
        })
        .strict()
        .refine(
          (q) =>
            (q.fromBlock !== undefined || q.toBlock !== undefined) !==
            (q.fromTime !== undefined || q.toTime !== undefined),
          {
            message:
              "give a block range (fromBlock/toBlock) or a time range (fromTime/toTime), not both",
            path: ["fromBlock"],
          },
        )
        .refine((q) => (q.fromBlock ?? 0n) <= (q.toBlock ?? 2n ** 63n), {
          message: "must not be before fromBlock",
          path: ["toBlock"],
        })
        .refine((q) => (q.fromTime ?? 0n) <= (q.toTime ?? 2n ** 48n), {
          message: "must not be before fromTime",
          path: ["toTime"],
        }),
    ),
  },
  responses: {
    200: {
      description: "The changes (one stream at a time per client)",
      headers: attachment,
      content: {
        "application/x-ndjson": { schema: AuditChange },
        "text/csv": {
          schema: z.string().openapi({
            description:
              "Header `table,chainId,contract,blockNumber,blockTime,txHash,logIndex,change,subject,owner,grantee,dataHash,purpose,status,lockedUntil,expiresAt,related`, then one row per change",
          }),
        },
      },
    },
    ...errors(400),
  },
});

// ------------------------------------------------------------------ issuers

export const listIssuers = createRoute({
  method: "get",
  path: "/v1/issuers",
  operationId: "listIssuers",
  tags: ["issuers"],
  summary: "Issuer keys with their status and credential types",
  request: {
    query: query(
      z
        .object({
          chainId: chainFilter,
          status: doc(
            z.enum(["active", "suspended", "removed", "rotated"], {
              error: "must be active, suspended, removed or rotated",
            }),
            "Status",
          ).optional(),
          ...page,
        })
        .strict(),
    ),
  },
  responses: { ...ok(pageOf(Issuer), "A page of issuer keys"), ...errors(400) },
});

const issuerParams = z.object({ chainId: chainPath, issuer: doc(address, "Issuer key") });

export const getIssuer = createRoute({
  method: "get",
  path: "/v1/issuers/{chainId}/{issuer}",
  operationId: "getIssuer",
  tags: ["issuers"],
  summary: "One issuer key with its types and history",
  request: { params: issuerParams, query: noQuery },
  responses: {
    ...ok(
      z.object({ items: z.array(IssuerWithHistory).min(1) }).strict(),
      "The key in each registry that has it",
    ),
    ...errors(400, 404),
  },
});

export const wasTrusted = createRoute({
  method: "get",
  path: "/v1/issuers/{chainId}/{issuer}/trusted",
  operationId: "wasTrusted",
  tags: ["issuers"],
  summary: "Was the issuer trusted for a credential type at a time (default now)",
  description: "The registry's `wasTrusted`, with the record then in force.",
  request: {
    params: issuerParams,
    query: query(
      z
        .object({
          type: doc(hashOrLabel, "Credential type id, or a label that is hashed"),
          at: doc(timestamp, "Unix seconds (default: the chain head's time)").optional(),
          registry: doc(address, "IssuerRegistry address, when several are indexed").optional(),
        })
        .strict(),
    ),
  },
  responses: {
    ...ok(
      z
        .object({
          issuer: Address,
          credentialType: Hash,
          at: Decimal,
          trusted: z.boolean(),
          record: orNull(IssuerEvent, "The record in force then"),
        })
        .strict(),
      "The answer, with the record then in force",
    ),
    ...errors(400, 404, 409),
  },
});

// ------------------------------------------------------------------ stats and service

export const STATS_BY = ["grantee", "purpose", "status", "day", "issuer"] as const;

export const getStats = createRoute({
  method: "get",
  path: "/v1/stats",
  operationId: "getStats",
  tags: ["stats"],
  summary: "Aggregate counts that never name an owner",
  request: {
    query: query(
      z
        .object({
          by: doc(
            z.enum(STATS_BY, { error: "must be grantee, purpose, status, day or issuer" }),
            "Grouping",
          ),
          chainId: chainFilter,
          limit: doc(limit, "Rows, 1 to 100 (every status with by=status)"),
        })
        .strict(),
    ),
  },
  responses: {
    ...ok(
      z
        .object({
          by: z.enum(STATS_BY),
          items: z.array(
            z
              .object({
                key: z.string().openapi({
                  description: "Grantee, purpose, stored status, day (YYYY-MM-DD) or issuer",
                }),
                count: z.number().int(),
              })
              .strict(),
          ),
        })
        .strict(),
      "Counts, largest first (by=day: latest day first)",
    ),
    ...errors(400),
  },
});

export const getReady = createRoute({
  method: "get",
  path: "/v1/ready",
  operationId: "getReady",
  tags: ["service"],
  summary: "Ready when every chain is indexed up to its head",
  description:
    "200 when the backfill is done and every chain is within READY_MAX_LAG_BLOCKS blocks and READY_MAX_LAG_SECONDS seconds of its head; 503 with the same body otherwise.",
  responses: {
    ...ok(Readiness, "Caught up"),
    ...errors(),
    503: {
      description: "Not caught up (a Readiness body), or the server is at capacity (an Error body)",
      headers: retryAfter,
      content: { "application/json": { schema: z.union([Readiness, ErrorBody]) } },
    },
  },
});

export const getOpenApiDocument = createRoute({
  method: "get",
  path: "/v1/openapi.json",
  operationId: "getOpenApiDocument",
  tags: ["service"],
  summary: "This document",
  responses: {
    ...ok(
      z.object({ openapi: z.string() }).loose().openapi({ description: "OpenAPI 3.1" }),
      "The OpenAPI document",
    ),
    ...errors(),
  },
});

/** Every route, in the document's order. */
export const ROUTES: readonly RouteConfig[] = [
  listGrants,
  getGrant,
  getGrantAt,
  getGranteeGrantsAt,
  getRetention,
  exportOwner,
  streamAuditChanges,
  listIssuers,
  getIssuer,
  wasTrusted,
  getStats,
  getReady,
  getOpenApiDocument,
];
