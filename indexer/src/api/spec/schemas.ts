/**
 * The REST API's answers as zod schemas, for the OpenAPI document only (the routes build their
 * bodies themselves; the e2e suites validate every answer against the document). Each named schema
 * becomes a component. Addresses and hashes are lower-case; numbers that can exceed 2^53 are
 * decimal strings.
 */
import { z } from "@hono/zod-openapi";

import {
  GRANT_CHANGES,
  GRANT_STATUSES,
  ISSUER_CHANGES,
  ISSUER_STATUSES,
  STORED_GRANT_STATUSES,
} from "../../names.js";

/** A JSON object of exactly the fields of `shape`, a component of the document called `name`. */
function named<S extends z.ZodRawShape>(
  name: string,
  shape: S,
  metadata?: { description?: string; example?: unknown },
) {
  return z.object(shape).strict().openapi(name, metadata);
}

export const Address = z
  .string()
  .regex(/^0x[0-9a-f]{40}$/)
  .openapi("Address", {
    description: "A 20-byte address, lower-case",
    example: `0x${"ab".repeat(20)}`,
  });

export const Hash = z
  .string()
  .regex(/^0x[0-9a-f]{64}$/)
  .openapi("Hash", { description: "A 32-byte value, lower-case", example: `0x${"cd".repeat(32)}` });

export const Decimal = z
  .string()
  .regex(/^[0-9]+$/)
  .openapi("Decimal", {
    description: "A non-negative integer as a decimal string (it may exceed 2^53)",
    example: "1767225600",
  });

/** `schema` or null (zod's `.nullable()` on a named schema loses the null in the document). */
export const orNull = <T extends z.ZodType>(schema: T, description?: string) =>
  z.union([schema, z.null()]).openapi(description ? { description } : {});

export const Cursor = z
  .string()
  .nullable()
  .openapi({ description: "Pass as `cursor` for the next page; null on the last page" });

export const ErrorBody = named(
  "Error",
  { error: z.string().min(1).openapi({ description: "What was wrong, and what to do" }) },
  { example: { error: "owner: must be a 0x-prefixed 20-byte hex address" } },
);

export const GrantStatus = z.enum(GRANT_STATUSES).openapi("GrantStatus", {
  description:
    "The status a user sees at a time: `storedStatus`, with `expired` (active, expiresAt <= then) and `locked` (active, lockedUntil > then) derived",
});

export const StoredGrantStatus = z
  .enum(STORED_GRANT_STATUSES)
  .openapi("StoredGrantStatus", { description: "The status the chain stores" });

export const GrantChange = z.enum(GRANT_CHANGES).openapi("GrantChange", {
  description:
    "What an event did: `replaced` is the old grant's side of a replacement, `replacement` the new grant's",
});

export const IssuerStatus = z.enum(ISSUER_STATUSES).openapi("IssuerStatus");

/** What an issuer event did: an `IssuerUpdated` action, or one of the two events with their own row. */
export const IssuerChange = z.enum(ISSUER_CHANGES).openapi("IssuerChange");

/** A grant's key and terms, common to its current row and its history rows. */
const grantKey = {
  id: z
    .string()
    .openapi({ description: "`{chainId}-{contract}-{grantId}` (history: the event id)" }),
  chainId: z.number().int(),
  contract: Address,
  grantId: Hash,
  owner: Address,
  grantee: Address,
  dataHash: Hash,
  purpose: Hash,
  lockedUntil: Decimal,
  expiresAt: Decimal,
  generation: Decimal.openapi({
    description:
      "The grant id's life: 1 for its first grant, one more each time it is granted again after it ended; signed requests name it",
  }),
};

/** What a grant looks like at a time (derived from the stored status). */
const derived = {
  status: GrantStatus,
  storedStatus: StoredGrantStatus,
  isGranted: z.boolean().openapi({ description: "The contract's `isGranted` at that time" }),
  locked: z.boolean(),
};

/** Where a change was logged: every history row and audit line carries it. */
const logged = {
  blockNumber: Decimal,
  blockTime: Decimal,
  txHash: Hash,
  logIndex: z.number().int(),
};

const eventFields = {
  ...grantKey,
  kind: GrantChange,
  relatedGrantId: orNull(Hash, "The other grant of a replacement"),
  ...logged,
};

export const Grant = named(
  "Grant",
  {
    ...grantKey,
    ...derived,
    createdBlock: Decimal,
    createdAt: Decimal,
    updatedBlock: Decimal,
    updatedAt: Decimal,
    replacedBy: orNull(Hash),
    replaces: orNull(Hash),
  },
  {
    description: "A grant as it stands now (status judged at the chain head's time)",
  },
);

export const GrantEvent = named(
  "GrantEvent",
  { ...eventFields, status: StoredGrantStatus },
  { description: "One change of a grant, with the full state after it" },
);

export const GrantAt = named(
  "GrantAt",
  { ...eventFields, ...derived },
  {
    description: "A grant as it stood at a past block or time: its last change then, judged then",
  },
);

export const RetainedGrant = named("RetainedGrant", {
  ...Grant.shape,
  unlocksAt: z.string().nullable().openapi({
    description:
      "lockedUntil as an ISO 8601 date (years past 9999 in the +YYYYYY form); null past JavaScript's last date",
  }),
});

export const AsOf = named(
  "AsOf",
  {
    block: orNull(Decimal),
    timestamp: Decimal,
  },
  {
    description:
      "`block`: the block asked for (null: asked by time); `timestamp`: the time statuses are judged at",
  },
);

const issuerRecord = {
  chainId: z.number().int(),
  registry: Address,
  issuer: Address,
  status: IssuerStatus,
  jurisdiction: z.string().openapi({ description: "ISO 3166 code, or empty" }),
  validFrom: Decimal,
  validUntil: Decimal,
  typeBits: Decimal,
  metadataHash: orNull(Hash),
};

export const IssuerEvent = named(
  "IssuerEvent",
  {
    id: z.string(),
    ...issuerRecord,
    action: IssuerChange,
    relatedKey: orNull(Address, "The other key of a rotation"),
    ...logged,
  },
  {
    description:
      "One change of an issuer key, with the record after it (`validUntil` 0: no end; `typeBits`: a bit per credential type)",
  },
);

export const Issuer = named(
  "Issuer",
  {
    id: z.string().openapi({ description: "`{chainId}-{registry}-{issuer}`" }),
    ...issuerRecord,
    rotatedFrom: orNull(Address),
    rotatedTo: orNull(Address),
    updatedBlock: Decimal,
    updatedAt: Decimal,
    lineage: Address.openapi({
      description:
        "The first key of this key's rotation lineage: a suspension or removal covers every key of it",
    }),
    credentialTypes: z.array(Hash).openapi({ description: "The type ids of typeBits" }),
  },
  {
    description:
      "An issuer key as it stands now (`validUntil` 0: no end; `typeBits`: a bit per credential type)",
  },
);

export const IssuerWithHistory = named("IssuerWithHistory", {
  ...Issuer.shape,
  history: z.array(IssuerEvent),
});

export const AuditChange = named(
  "AuditChange",
  {
    table: z.enum(["grant", "issuer"]),
    chainId: z.number().int(),
    contract: Address,
    ...logged,
    change: z.union([GrantChange, IssuerChange]),
    subject: z
      .string()
      .regex(/^0x[0-9a-f]{40}([0-9a-f]{24})?$/)
      .openapi({ description: "The grant id, or the issuer key" }),
    owner: orNull(Address),
    grantee: orNull(Address),
    dataHash: orNull(Hash),
    purpose: orNull(Hash),
    status: z.union([StoredGrantStatus, IssuerStatus]),
    lockedUntil: orNull(Decimal),
    expiresAt: orNull(Decimal),
    related: z
      .string()
      .regex(/^0x[0-9a-f]{40}([0-9a-f]{24})?$/)
      .nullable()
      .openapi({ description: "The other grant of a replacement, or the other key of a rotation" }),
    generation: orNull(Decimal, "A grant's life the change belongs to (1 for the first grant)"),
    jurisdiction: orNull(
      z.string().regex(/^([A-Z]{2})?$/),
      "An issuer's ISO 3166 code after the change, or empty",
    ),
    validFrom: orNull(Decimal, "An issuer's trust window after the change: from (unix seconds)"),
    validUntil: orNull(Decimal, "… and until (0: no end)"),
    typeBits: orNull(Decimal, "An issuer's credential types after the change, a bit per type"),
    metadataHash: orNull(Hash, "An issuer's metadata hash after the change"),
  },
  {
    description:
      "One change, as one NDJSON line (a CSV row has the same columns, null empty); `contract` is the AccessGrants or IssuerRegistry address. An issuer row carries the key's whole record after the change, so that an export alone tells whether the key was trusted for a type at a time",
  },
);

export const ChainReadiness = named("ChainReadiness", {
  name: z.string().openapi({ example: "chain31337" }),
  chainId: z.number().int(),
  indexed: z.number().int().nullable().openapi({ description: "The last indexed block" }),
  head: z.number().int().nullable().openapi({ description: "The chain's head block" }),
  lagBlocks: z.number().int().nullable(),
  lagSeconds: z.number().int().nullable(),
  caughtUp: z.boolean(),
});

export const Readiness = named("Readiness", {
  ready: z.boolean(),
  reason: z.string().optional().openapi({ description: "Why not ready" }),
  chains: z.array(ChainReadiness),
});
