/** Definitions of the service routes: counts, readiness and the document itself. */
import { createRoute, z } from "@hono/zod-openapi";

import { limit } from "../validation.js";
import { answers, chainFilter, doc, errors, ok, query, retryAfter } from "./common.js";
import { ErrorBody, Readiness } from "./schemas.js";

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
  responses: answers(
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
    400,
    404,
  ),
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
  responses: answers(
    z.object({ openapi: z.string() }).loose().openapi({ description: "OpenAPI 3.1" }),
    "The OpenAPI document",
  ),
});

/** Every route, in the document's order. */
