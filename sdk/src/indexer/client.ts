/**
 * A typed client of the indexer's REST API (`/v1`), over the types generated from its OpenAPI
 * document (./api.ts): every route, with cursor iteration, point-in-time reads, the owner export and
 * the audit stream. The base URL is always yours; numbers the API sends as decimal strings come back
 * as bigint. A thin `fetch` wrapper rather than openapi-fetch: the whole entry stays within its
 * 3 kB budget.
 */
import { GrantKitError } from "../errors/base.js";
import type { components, operations, paths } from "./api.js";

type Schemas = components["schemas"];

/** Fields the API sends as decimal strings (test/sdk/indexer.ts checks them against the document). */
export const DECIMAL_FIELDS = [
  "lockedUntil",
  "expiresAt",
  "generation",
  "createdBlock",
  "createdAt",
  "updatedBlock",
  "updatedAt",
  "blockNumber",
  "blockTime",
  "validFrom",
  "validUntil",
  "typeBits",
  "block",
  "timestamp",
  "at",
] as const;
const DECIMALS = new Set<string>(DECIMAL_FIELDS);

/** An answer of the API as the client returns it: decimal strings (see DECIMAL_FIELDS) as bigint. */
export type Decoded<T> = T extends readonly (infer U)[]
  ? Decoded<U>[]
  : T extends object
    ? { [K in keyof T]: K extends (typeof DECIMAL_FIELDS)[number] ? ToBigint<T[K]> : Decoded<T[K]> }
    : T;
type ToBigint<V> = V extends string ? bigint : V;

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = DECIMALS.has(k) && typeof v === "string" ? BigInt(v) : decode(v);
  return out;
}

/** A grant's status as the indexer derives it at a time. */
export type IndexedGrantStatus = Schemas["GrantStatus"];
/** A grant as the indexer holds it now (addresses lower-case). */
export type IndexedGrant = Decoded<Schemas["Grant"]>;
/** One change of a grant, with the state after it. */
export type IndexedGrantEvent = Decoded<Schemas["GrantEvent"]>;
/** A grant as it stood at a past block or time. */
export type IndexedGrantAt = Decoded<Schemas["GrantAt"]>;
/** A grant whose lock is in force, with `unlocksAt` (ISO date). */
export type RetainedGrant = Decoded<Schemas["RetainedGrant"]>;
export type IndexedIssuer = Decoded<Schemas["Issuer"]>;
export type IndexedIssuerEvent = Decoded<Schemas["IssuerEvent"]>;
export type IndexedIssuerWithHistory = Decoded<Schemas["IssuerWithHistory"]>;
/** One day of `getStatsSeries`. */
export type StatsSeriesPoint = Decoded<Schemas["SeriesPoint"]>;
/** One match of `search`, by its `type`. */
export type SearchMatch = Decoded<Schemas["SearchMatch"]>;
/** One line of the audit stream. */
export type AuditChange = Decoded<Schemas["AuditChange"]>;
export type OwnerExport = Decoded<Schemas["OwnerExport"]>;
/** The indexer's readiness per chain (`GET /v1/ready`; 503 answers are returned, not thrown). */
export type IndexerReadiness = Schemas["Readiness"];
/** A page of a list; pass `nextCursor` as `cursor` for the next one (`null`: last page). */
export type Page<T> = { items: T[]; nextCursor: string | null };

type Op = keyof operations;
type Part<T> = [NonNullable<T>] extends [never] ? unknown : NonNullable<T>;
/** Integers may be given as bigint. */
type Loose<T> = { [K in keyof T]: T[K] extends number | undefined ? T[K] | bigint : T[K] };
/** An operation's path and query parameters, as one object. */
export type IndexerParameters<O extends Op> = Loose<
  Part<operations[O]["parameters"]["path"]> & Part<operations[O]["parameters"]["query"]>
>;
type Answer<O extends Op> = operations[O]["responses"][200]["content"] extends {
  "application/json": infer B;
}
  ? B
  : never;

export type ListGrantsParameters = IndexerParameters<"listGrants">;

/** The path of each operation (checked against the generated `paths`). */
const ROUTES = {
  listGrants: "/v1/grants",
  getGrant: "/v1/grants/{chainId}/{grantId}",
  getGrantAt: "/v1/grants/{chainId}/{grantId}/at",
  getGranteeGrantsAt: "/v1/grantees/{grantee}/grants/at",
  getRetention: "/v1/grantees/{grantee}/retention",
  exportOwner: "/v1/owners/{owner}/export",
  streamAuditChanges: "/v1/audit/changes",
  countAuditChanges: "/v1/audit/count",
  listIssuers: "/v1/issuers",
  getIssuer: "/v1/issuers/{chainId}/{issuer}",
  wasTrusted: "/v1/issuers/{chainId}/{issuer}/trusted",
  getStats: "/v1/stats",
  getStatsSeries: "/v1/stats/series",
  search: "/v1/search",
  getReady: "/v1/ready",
} as const satisfies {
  [O in Op]?: {
    [P in keyof paths]: paths[P]["get"] extends operations[O] ? P : never;
  }[keyof paths];
};
type Routed = keyof typeof ROUTES;

/**
 * An answer of the indexer other than the one expected, with the API's own message; `status` 0 when
 * no answer came at all (connection refused, DNS, reset).
 */
export class IndexerRequestError extends GrantKitError {
  readonly status: number;
  readonly url: string;
  /** Seconds to wait (429 and 503 answers' Retry-After). */
  readonly retryAfter: number | undefined;

  constructor(url: string, status: number, message: string, retryAfter?: number) {
    super(
      status === 0
        ? `no answer from the indexer at ${url}: ${message}`
        : `indexer answered ${status} for ${url}: ${message}`,
      {
        hint:
          status === 0
            ? "check that the indexer runs and that the base URL (host and port) is right"
            : status === 400
              ? "fix the parameter the message names"
              : status === 429
                ? "slow down (the API rate-limits per client) and retry after Retry-After"
                : status >= 500
                  ? "the indexer or its RPC is unavailable; retry shortly"
                  : "check the base URL and the route",
        name: "IndexerRequestError",
      },
    );
    this.status = status;
    this.url = url;
    this.retryAfter = retryAfter;
  }
}

/** Options of {@link createIndexerClient}. */
export type IndexerClientOptions = {
  /** The API's base URL, e.g. `http://127.0.0.1:42069` (no default: endpoints are never hard-coded). */
  baseUrl: string;
  /** A `fetch` to use (tests, proxies, auth); default the global one. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Headers sent with every request (e.g. an API key of your gateway). */
  headers?: Record<string, string> | undefined;
};

/** Every page of `list`, item by item. */
async function* pages<T, P extends { cursor?: string | undefined }>(
  list: (p: P) => Promise<{ items: T[]; nextCursor: string | null }>,
  parameters: P,
): AsyncGenerator<T> {
  let cursor = parameters.cursor;
  do {
    const page = await list({ ...parameters, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/**
 * A client of the indexer's REST API.
 *
 * @example
 * const indexer = createIndexerClient({ baseUrl: "http://127.0.0.1:42069" });
 * for await (const g of indexer.iterateGrants({ grantee, status: "locked" })) console.log(g.grantId, g.lockedUntil);
 * for await (const change of indexer.streamAuditChanges({ fromBlock: 0n })) console.log(change.change);
 */
export function createIndexerClient(options: IndexerClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch;

  /** The URL of `op` with `parameters` (path parameters filled in, the rest as the query). */
  function url<O extends Routed>(op: O, parameters: IndexerParameters<O> | object = {}): string {
    const query = new URLSearchParams();
    let path: string = ROUTES[op];
    for (const [k, v] of Object.entries(parameters)) {
      if (v === undefined) continue;
      if (path.includes(`{${k}}`)) path = path.replace(`{${k}}`, encodeURIComponent(String(v)));
      else query.set(k, String(v));
    }
    return `${base}${path}${query.size > 0 ? `?${query}` : ""}`;
  }

  /** Sends the request; a status outside `accept` throws with the API's message. */
  async function send(target: string, accept: number[], signal?: AbortSignal) {
    const response = await doFetch(target, {
      headers: { accept: "application/json", ...options.headers },
      ...(signal ? { signal } : {}),
    }).catch((error: unknown) => {
      if (signal?.aborted) throw error;
      // No answer at all (refused, DNS, reset): status 0, with the cause's own words.
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why = String(cause?.code ?? cause?.message ?? (error as Error).message ?? error);
      throw new IndexerRequestError(target, 0, why);
    });
    if (accept.includes(response.status)) return response;
    const body = (await response.json().catch(() => ({}))) as { error?: unknown };
    const retry = Number(response.headers.get("retry-after") ?? Number.NaN);
    throw new IndexerRequestError(
      target,
      response.status,
      typeof body.error === "string" ? body.error : response.statusText,
      Number.isFinite(retry) ? retry : undefined,
    );
  }

  /** GET `op` as JSON, decoded; `null` for a 404 when `orNull`. */
  async function get<O extends Routed>(op: O, parameters?: IndexerParameters<O>) {
    const response = await send(url(op, parameters), [200]);
    return decode(await response.json()) as Decoded<Answer<O>>;
  }
  async function getOrNull<O extends Routed>(op: O, parameters: IndexerParameters<O>) {
    const response = await send(url(op, parameters), [200, 404]);
    if (response.status === 404) return null;
    return decode(await response.json()) as Decoded<Answer<O>>;
  }

  const listGrants = (parameters: ListGrantsParameters = {}) => get("listGrants", parameters);
  const getGranteeGrantsAt = (parameters: IndexerParameters<"getGranteeGrantsAt">) =>
    get("getGranteeGrantsAt", parameters);
  const getRetention = (parameters: IndexerParameters<"getRetention">) =>
    get("getRetention", parameters);
  const listIssuers = (parameters: IndexerParameters<"listIssuers"> = {}) =>
    get("listIssuers", parameters);

  return {
    baseUrl: base,
    /** One page of grants (`GET /v1/grants`). */
    listGrants,
    /** Every grant matching the filters, page after page. */
    iterateGrants: (parameters: Omit<ListGrantsParameters, "cursor"> = {}) =>
      pages(listGrants, parameters as ListGrantsParameters),
    /** One grant and its history; `null` when the indexer has no such grant. */
    getGrant: (parameters: IndexerParameters<"getGrant">) => getOrNull("getGrant", parameters),
    /** A grant as it stood at a block or a time (give exactly one); `grant: null` before it existed. */
    getGrantAt: (parameters: IndexerParameters<"getGrantAt">) => get("getGrantAt", parameters),
    /** One page of a grantee's grants as they stood at a block or a time. */
    getGranteeGrantsAt,
    /** Every grant of a grantee as it stood at a block or a time. */
    iterateGranteeGrantsAt: (parameters: Omit<IndexerParameters<"getGranteeGrantsAt">, "cursor">) =>
      pages(getGranteeGrantsAt, parameters as IndexerParameters<"getGranteeGrantsAt">),
    /** One page of a grantee's grants whose lock is in force (its retention duties). */
    getRetention,
    /** Every grant whose lock is in force for `grantee`. */
    iterateRetention: (parameters: Omit<IndexerParameters<"getRetention">, "cursor">) =>
      pages(getRetention, parameters as IndexerParameters<"getRetention">),
    /** An owner's complete record: every grant now and every change (portability). */
    exportOwner: (parameters: IndexerParameters<"exportOwner">) => get("exportOwner", parameters),
    /**
     * Every change in a block or a time range, line by line as the server streams them (NDJSON).
     * Breaking out of the loop closes the stream.
     */
    async *streamAuditChanges(
      parameters: Omit<IndexerParameters<"streamAuditChanges">, "format"> & {
        signal?: AbortSignal | undefined;
      },
    ): AsyncGenerator<AuditChange> {
      const { signal, ...query } = parameters;
      const response = await send(url("streamAuditChanges", query), [200], signal);
      const reader = response.body!.getReader();
      const text = new TextDecoder();
      let rest = "";
      try {
        for (;;) {
          const { done, value } = await reader.read();
          rest += text.decode(value, { stream: !done });
          const lines = rest.split("\n");
          rest = lines.pop()!;
          for (const line of lines) if (line !== "") yield decode(JSON.parse(line)) as AuditChange;
          if (done) return;
        }
      } finally {
        await reader.cancel().catch(() => {});
      }
    },
    /** The URL of the audit stream, e.g. for a CSV download link (`format: "csv"`). */
    auditChangesUrl: (parameters: IndexerParameters<"streamAuditChanges">) =>
      url("streamAuditChanges", parameters),
    /** How many changes `streamAuditChanges` yields for the same range (before a download). */
    countAuditChanges: (parameters: IndexerParameters<"countAuditChanges">) =>
      get("countAuditChanges", parameters),
    /** One page of issuer keys. */
    listIssuers,
    /** Every issuer key matching the filters. */
    iterateIssuers: (parameters: Omit<IndexerParameters<"listIssuers">, "cursor"> = {}) =>
      pages(listIssuers, parameters as IndexerParameters<"listIssuers">),
    /** One issuer key in each registry that has it, with types and history; `null` when unknown. */
    getIssuer: (parameters: IndexerParameters<"getIssuer">) => getOrNull("getIssuer", parameters),
    /** Whether the issuer was trusted for a credential type at a time (default now). */
    wasTrusted: (parameters: IndexerParameters<"wasTrusted">) => get("wasTrusted", parameters),
    /** Counts by grantee, purpose, status, day or issuer (never an owner). */
    getStats: (parameters: IndexerParameters<"getStats">) => get("getStats", parameters),
    /** Per day: grants created, changes, and how many grants had each derived status (no owner named). */
    getStatsSeries: (parameters: IndexerParameters<"getStatsSeries"> = {}) =>
      get("getStatsSeries", parameters),
    /** What a typed value is: an address, a grant id, a transaction, a purpose or a credential type. */
    search: (parameters: IndexerParameters<"search">) => get("search", parameters),
    /** Whether every chain is indexed up to its head (`GET /v1/ready`). */
    async getReady(): Promise<IndexerReadiness> {
      const response = await send(url("getReady"), [200, 503]);
      const body = (await response.json().catch(() => ({}))) as Partial<IndexerReadiness>;
      return {
        ready: body.ready === true,
        reason: typeof body.reason === "string" ? body.reason : undefined,
        chains: body.chains ?? [],
      };
    },
  };
}

/** The client {@link createIndexerClient} returns. */
export type IndexerClient = ReturnType<typeof createIndexerClient>;
