/** Definitions of the grant routes: grants, a grantee's view, an owner's export, the audit stream. */
import { createRoute, z } from "@hono/zod-openapi";

import { address, blockNumber, grantStatus, hash, hashOrLabel, timestamp } from "../validation.js";
import {
  answers,
  asOfFields,
  attachment,
  chainFilter,
  chainPath,
  doc,
  errors,
  exactlyOneOfBlockOrTimestamp,
  noQuery,
  page,
  pageOf,
  query,
} from "./common.js";
import {
  Address,
  AsOf,
  AuditChange,
  Cursor,
  Grant,
  GrantAt,
  GrantEvent,
  RetainedGrant,
  orNull,
} from "./schemas.js";

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
  responses: answers(pageOf(Grant), "A page of grants", 400, 404),
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
  responses: answers(
    z.object({ grant: Grant, history: z.array(GrantEvent) }).strict(),
    "The grant and its changes, oldest first",
    400,
    404,
    409,
  ),
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
  responses: answers(
    z
      .object({
        asOf: AsOf,
        grant: orNull(GrantAt, "null: it did not exist then"),
        existed: z.boolean(),
      })
      .strict(),
    "The grant's last change then, judged then",
    400,
    404,
    409,
  ),
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
  responses: answers(
    z.object({ asOf: AsOf, items: z.array(GrantAt), nextCursor: Cursor }).strict(),
    "A page of the grantee's grants as they stood then",
    400,
    404,
  ),
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
  responses: answers(pageOf(RetainedGrant), "A page of locked grants", 400, 404),
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

/** The audit range's rules, in the document beside the refinements that enforce them. */
export const AUDIT_RANGE_RULES = {
  "x-one-of-groups": [
    ["fromBlock", "toBlock"],
    ["fromTime", "toTime"],
  ],
  "x-ranges": [
    ["fromBlock", "toBlock"],
    ["fromTime", "toTime"],
  ],
};

type AuditRange = { fromBlock?: bigint; toBlock?: bigint; fromTime?: bigint; toTime?: bigint };
const oneRange = (q: AuditRange) =>
  (q.fromBlock !== undefined || q.toBlock !== undefined) !==
  (q.fromTime !== undefined || q.toTime !== undefined);

/**
 * A block range or a time range (one end or both) and a chain, with the `extra` parameters of a
 * route: the audit stream's query (with its `format`) and its count's.
 */
export function auditRangeQuery<E extends z.ZodRawShape>(extra: E) {
  return query(
    z
      .object({
        fromBlock: doc(blockNumber, "First block").optional(),
        toBlock: doc(blockNumber, "Last block").optional(),
        fromTime: doc(timestamp, "First second (unix)").optional(),
        toTime: doc(timestamp, "Last second (unix)").optional(),
        chainId: chainFilter,
        ...extra,
      })
      .strict()
      .refine((q) => oneRange(q as AuditRange), {
        message:
          "give a block range (fromBlock/toBlock) or a time range (fromTime/toTime), not both",
        path: ["fromBlock"],
      })
      .refine(
        (q) => ((q as AuditRange).fromBlock ?? 0n) <= ((q as AuditRange).toBlock ?? 2n ** 63n),
        {
          message: "must not be before fromBlock",
          path: ["toBlock"],
        },
      )
      .refine(
        (q) => ((q as AuditRange).fromTime ?? 0n) <= ((q as AuditRange).toTime ?? 2n ** 48n),
        {
          message: "must not be before fromTime",
          path: ["toTime"],
        },
      ),
  );
}

export const streamAuditChanges = createRoute({
  method: "get",
  path: "/v1/audit/changes",
  operationId: "streamAuditChanges",
  tags: ["audit"],
  summary: "Every change in a block or time range, streamed as NDJSON or CSV",
  description:
    "Give a block range (`fromBlock`, `toBlock`) or a time range (`fromTime`, `toTime`), one end or both. Grant changes first, then issuer changes, each in chain order. NDJSON: one `AuditChange` per line; CSV: a header line, then one row per change (null is empty).",
  ...AUDIT_RANGE_RULES,
  request: {
    query: auditRangeQuery({
      format: doc(
        z.enum(["csv", "ndjson"], { error: "must be csv or ndjson" }),
        "ndjson (default) or csv",
      ).optional(),
    }),
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
              "Header `table,chainId,contract,blockNumber,blockTime,txHash,logIndex,change,subject,owner,grantee,dataHash,purpose,status,lockedUntil,expiresAt,related,generation,jurisdiction,validFrom,validUntil,typeBits,metadataHash`, then one row per change",
          }),
        },
      },
    },
    ...errors(400, 404),
  },
});
