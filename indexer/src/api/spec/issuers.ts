/** Definitions of the issuer routes: the list, one key, trust at a time. */
import { createRoute, z } from "@hono/zod-openapi";

import { address, hashOrLabel, timestamp } from "../validation.js";
import { answers, chainFilter, chainPath, doc, noQuery, page, pageOf, query } from "./common.js";
import {
  Address,
  Decimal,
  Hash,
  Issuer,
  IssuerEvent,
  IssuerWithHistory,
  orNull,
} from "./schemas.js";

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
  responses: answers(pageOf(Issuer), "A page of issuer keys", 400, 404),
});

const issuerParams = z.object({ chainId: chainPath, issuer: doc(address, "Issuer key") });

export const getIssuer = createRoute({
  method: "get",
  path: "/v1/issuers/{chainId}/{issuer}",
  operationId: "getIssuer",
  tags: ["issuers"],
  summary: "One issuer key with its types and history",
  request: { params: issuerParams, query: noQuery },
  responses: answers(
    z.object({ items: z.array(IssuerWithHistory).min(1) }).strict(),
    "The key in each registry that has it",
    400,
    404,
  ),
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
  responses: answers(
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
    400,
    404,
    409,
  ),
});
