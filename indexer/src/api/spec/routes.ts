/**
 * Every REST route under /v1, defined once: its parameters (the zod schemas that validate them,
 * from validation.ts) and every answer it gives. The route modules (../routes/*.ts) mount their
 * handlers on these; the OpenAPI document (../openapi.ts) is generated from them.
 *
 * Two rules a schema cannot show are written into the document as extensions, beside the
 * refinements that enforce them: `x-one-of-groups` (parameters of exactly one group must be given)
 * and `x-ranges` (the first parameter must not exceed the second).
 */
import type { RouteConfig } from "@hono/zod-openapi";

import { countAuditChanges, getStatsSeries, search } from "./explore.js";
import {
  exportOwner,
  getGrant,
  getGrantAt,
  getGranteeGrantsAt,
  getRetention,
  listGrants,
  streamAuditChanges,
} from "./grants.js";
import { getIssuer, listIssuers, wasTrusted } from "./issuers.js";
import { getOpenApiDocument, getReady, getStats } from "./service.js";

export const ROUTES: readonly RouteConfig[] = [
  listGrants,
  getGrant,
  getGrantAt,
  getGranteeGrantsAt,
  getRetention,
  exportOwner,
  streamAuditChanges,
  countAuditChanges,
  listIssuers,
  getIssuer,
  wasTrusted,
  getStats,
  getStatsSeries,
  search,
  getReady,
  getOpenApiDocument,
];
