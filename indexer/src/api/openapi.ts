/** The OpenAPI 3.1 document of the REST API, served at /v1/openapi.json. */

type Param = {
  name: string;
  in: "path" | "query";
  required?: boolean;
  description: string;
  schema: object;
};

const addr = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" };
const h32 = { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" };
const uint = { type: "string", pattern: "^[0-9]{1,20}$" };

const p = (name: string, description: string, schema: object = uint): Param => ({
  name,
  in: "path",
  required: true,
  description,
  schema,
});
const q = (name: string, description: string, schema: object = uint, required = false): Param => ({
  name,
  in: "query",
  required,
  description,
  schema,
});

const chain = p("chainId", "Chain id");
const page = [
  q("cursor", "Opaque cursor from a previous page's nextCursor", { type: "string" }),
  q("limit", "Page size, 1-100 (default 50)"),
];
const errors = {
  "400": { description: "Invalid input: { error } says what was wrong" },
  "404": { description: "Not found: { error }" },
};

function get(summary: string, parameters: Param[], extra: Record<string, object> = {}) {
  return {
    get: { summary, parameters, responses: { "200": { description: "OK" }, ...errors, ...extra } },
  };
}

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "GrantKit indexer API",
    version: "1.0.0",
    description:
      "Access grants and issuer registries, current state and full history, on every indexed chain. Numbers above 2^53 are decimal strings. Also: GraphQL at /graphql, SQL over HTTP at /sql, Ponder's /health, /ready, /status, /metrics.",
  },
  paths: {
    "/v1/grants": get("Grants, filtered and paginated", [
      q("owner", "Owner address", addr),
      q("grantee", "Grantee address", addr),
      q("purpose", "Purpose hash, or a label that is hashed", { type: "string" }),
      q("dataHash", "Data hash", h32),
      q("status", "Derived status", {
        enum: ["active", "locked", "revoked", "expired", "released", "replaced"],
      }),
      q("chainId", "Chain id"),
      q("contract", "AccessGrants address", addr),
      ...page,
    ]),
    "/v1/grants/{chainId}/{grantId}": get(
      "One grant with its full history",
      [
        chain,
        p("grantId", "Grant id", h32),
        q("contract", "AccessGrants address, when several are indexed", addr),
      ],
      { "409": { description: "The id exists in several deployments: add ?contract=" } },
    ),
    "/v1/grants/{chainId}/{grantId}/at": get("A grant's state as of a block or a time", [
      chain,
      p("grantId", "Grant id", h32),
      q("block", "Block number"),
      q("timestamp", "Unix seconds"),
      q("contract", "AccessGrants address", addr),
    ]),
    "/v1/grantees/{grantee}/grants/at": get("All grants of a grantee as of a block or a time", [
      p("grantee", "Grantee address", addr),
      q("chainId", "Chain id", uint, true),
      q("block", "Block number"),
      q("timestamp", "Unix seconds"),
      ...page,
    ]),
    "/v1/grantees/{grantee}/retention": get(
      "An obligated entity's grants whose lock is in force, with unlock times",
      [p("grantee", "Grantee address", addr), q("chainId", "Chain id"), ...page],
    ),
    "/v1/owners/{owner}/export": get(
      "Portability: an owner's complete grant record, as a download",
      [p("owner", "Owner address", addr)],
    ),
    "/v1/audit/changes": get("Every change in a block or time range, streamed as NDJSON or CSV", [
      q("fromBlock", "First block"),
      q("toBlock", "Last block"),
      q("fromTime", "First second (unix)"),
      q("toTime", "Last second (unix)"),
      q("chainId", "Chain id"),
      q("format", "ndjson (default) or csv", { enum: ["ndjson", "csv"] }),
    ]),
    "/v1/issuers": get("Issuers with their status and types", [
      q("chainId", "Chain id"),
      q("status", "Status", { enum: ["active", "suspended", "removed", "rotated"] }),
      ...page,
    ]),
    "/v1/issuers/{chainId}/{issuer}": get("One issuer key with its types and history", [
      chain,
      p("issuer", "Issuer key", addr),
    ]),
    "/v1/issuers/{chainId}/{issuer}/trusted": get(
      "Was the issuer trusted for a type at a time (default now)",
      [
        chain,
        p("issuer", "Issuer key", addr),
        q("type", "Credential type id, or a label that is hashed", { type: "string" }, true),
        q("at", "Unix seconds"),
        q("registry", "IssuerRegistry address, when several are indexed", addr),
      ],
    ),
    "/v1/stats": get("Aggregate counts that reveal no owner address", [
      q("by", "Grouping", { enum: ["grantee", "purpose", "status", "day", "issuer"] }, true),
      q("chainId", "Chain id"),
      q("limit", "Rows, 1-100"),
    ]),
    "/v1/ready": get("Ready when every chain is indexed up to its head", [], {
      "503": { description: "Not caught up: { ready: false, chains }" },
    }),
  },
} as const;
