/**
 * The OpenAPI 3.1 document of the REST API, served at /v1/openapi.json: generated from the route
 * definitions (spec/routes.ts), the same zod schemas that validate every request. The committed copy
 * (indexer/openapi.json) and the SDK's types are written from it by `npm run openapi`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";

import { ROUTES } from "./spec/routes.js";

const TAGS = [
  { name: "grants", description: "Access grants: now, with history, and at a past block or time" },
  { name: "grantees", description: "A grantee's grants at a time, and its retention duties" },
  { name: "owners", description: "Portability: an owner's whole record" },
  { name: "audit", description: "Every change in a range, streamed" },
  { name: "issuers", description: "Credential issuers: keys, types, history, trust at a time" },
  { name: "stats", description: "Counts that never name an owner" },
  { name: "explore", description: "What a typed value is (the dashboard's search box)" },
  { name: "service", description: "Readiness and this document" },
];

/** Builds the document (about 10 ms; the server builds it once). */
export function buildOpenApiDocument() {
  const app = new OpenAPIHono();
  for (const route of ROUTES) app.openAPIRegistry.registerPath(route);
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "GrantKit indexer API",
      version: "1.0.0",
      description:
        'Access grants and issuer registries, current state and full history, on every indexed chain. Addresses and hashes are lower-case; numbers that can exceed 2^53 are decimal strings. A bad parameter answers 400 `{"error": "<parameter>: <what is wrong>"}`. Every client has a work budget (429, or 503 when the server is at capacity, with Retry-After). Also served: GraphQL at /graphql, SQL over HTTP at /sql, Ponder\'s /health, /ready, /status, /metrics.',
      // OpenAPI 3.1 licenses take an SPDX identifier (the generator types only 3.0's fields).
      license: { name: "MIT", identifier: "MIT" } as { name: string },
    },
    servers: [{ url: "/", description: "The indexer that serves this document" }],
    security: [],
    tags: TAGS,
  });
  // The generator writes empty sections that a reader (and a linter) would only stumble over.
  const { webhooks: _webhooks, ...rest } = document;
  const components = { ...rest.components };
  delete components.parameters;
  return { ...rest, components };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
