/**
 * A small typed client of the indexer's REST API (`/v1`), for the routes whose answers are stable
 * today: grants (list, one, a grantee's retention duties) and readiness. The base URL is always
 * yours; numbers that the API sends as decimal strings come back as bigint; lists page by cursor.
 * The full client is to be generated from the API's OpenAPI document once it describes its answers.
 */
import type { Address, Hex } from "viem";

import { GrantKitError } from "../errors/base.js";

/** A grant's status as the indexer derives it at the chain head's time. */
export type IndexedGrantStatus =
  "active" | "locked" | "expired" | "revoked" | "released" | "replaced";

/** A grant as the indexer holds it (addresses lower-case). */
export type IndexedGrant = {
  id: string;
  chainId: number;
  contract: Address;
  grantId: Hex;
  owner: Address;
  grantee: Address;
  dataHash: Hex;
  purpose: Hex;
  status: IndexedGrantStatus;
  storedStatus: "active" | "revoked" | "released" | "replaced";
  /** `isGranted` at the chain head's time. */
  isGranted: boolean;
  locked: boolean;
  lockedUntil: bigint;
  expiresAt: bigint;
  createdBlock: bigint;
  createdAt: bigint;
  updatedBlock: bigint;
  updatedAt: bigint;
  replacedBy: Hex | null;
  replaces: Hex | null;
};

/** One change of a grant. */
export type IndexedGrantEvent = {
  id: string;
  chainId: number;
  contract: Address;
  grantId: Hex;
  kind: string;
  owner: Address;
  grantee: Address;
  dataHash: Hex;
  purpose: Hex;
  status: string;
  lockedUntil: bigint;
  expiresAt: bigint;
  relatedGrantId: Hex | null;
  blockNumber: bigint;
  blockTime: bigint;
  txHash: Hex;
  logIndex: number;
};

/** A page of a list; pass `nextCursor` as `cursor` for the next one (`null`: last page). */
export type Page<T> = { items: T[]; nextCursor: string | null };

/** Filters of `GET /v1/grants`. */
export type ListGrantsParameters = {
  owner?: Address | undefined;
  grantee?: Address | undefined;
  /** A purpose hash, or a label the API hashes. */
  purpose?: string | undefined;
  dataHash?: Hex | undefined;
  status?: IndexedGrantStatus | undefined;
  chainId?: number | undefined;
  contract?: Address | undefined;
  cursor?: string | undefined;
  /** 1 to 100; default 50. */
  limit?: number | undefined;
};

/** The indexer's readiness per chain (`GET /v1/ready`; 503 answers are returned, not thrown). */
export type IndexerReadiness = {
  ready: boolean;
  reason?: string | undefined;
  chains: {
    name: string;
    chainId: number;
    indexed: number | null;
    head: number | null;
    caughtUp: boolean;
  }[];
};

/** An answer of the indexer other than the one expected, with the API's own message. */
export class IndexerRequestError extends GrantKitError {
  readonly status: number;
  readonly url: string;

  constructor(url: string, status: number, message: string) {
    super(`indexer answered ${status} for ${url}: ${message}`, {
      hint:
        status === 400
          ? "fix the parameter the message names"
          : status === 429
            ? "slow down (the API rate-limits per client) and retry after Retry-After"
            : status >= 500
              ? "the indexer or its RPC is unavailable; retry shortly"
              : "check the base URL and the route",
      name: "IndexerRequestError",
    });
    this.status = status;
    this.url = url;
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

const GRANT_BIGINTS = [
  "lockedUntil",
  "expiresAt",
  "createdBlock",
  "createdAt",
  "updatedBlock",
  "updatedAt",
] as const;
const EVENT_BIGINTS = ["lockedUntil", "expiresAt", "blockNumber", "blockTime"] as const;

function withBigints<T>(row: Record<string, unknown>, fields: readonly string[]): T {
  const out: Record<string, unknown> = { ...row };
  for (const f of fields)
    if (out[f] !== undefined && out[f] !== null) out[f] = BigInt(out[f] as string);
  return out as T;
}

/**
 * A client of the indexer's REST API.
 *
 * @example
 * const indexer = createIndexerClient({ baseUrl: "http://127.0.0.1:42069" });
 * for await (const g of indexer.iterateGrants({ grantee, status: "locked" })) console.log(g.grantId, g.lockedUntil);
 */
export function createIndexerClient(options: IndexerClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch;

  async function get(
    path: string,
    query: Record<string, string | number | undefined> = {},
    accept: number[] = [200],
  ) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const url = `${base}${path}${params.size > 0 ? `?${params}` : ""}`;
    const response = await doFetch(url, {
      headers: { accept: "application/json", ...options.headers },
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!accept.includes(response.status)) {
      throw new IndexerRequestError(
        url,
        response.status,
        typeof body.error === "string" ? body.error : response.statusText,
      );
    }
    return { status: response.status, body };
  }

  const listGrants = async (parameters: ListGrantsParameters = {}): Promise<Page<IndexedGrant>> => {
    const { body } = await get("/v1/grants", parameters);
    return {
      items: (body.items as Record<string, unknown>[]).map((g) =>
        withBigints<IndexedGrant>(g, GRANT_BIGINTS),
      ),
      nextCursor: (body.nextCursor as string | null) ?? null,
    };
  };

  const getRetention = async (parameters: {
    grantee: Address;
    chainId?: number | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
  }): Promise<Page<IndexedGrant & { unlocksAt: string | null }>> => {
    const { grantee, ...query } = parameters;
    const { body } = await get(`/v1/grantees/${grantee}/retention`, query);
    return {
      items: (body.items as Record<string, unknown>[]).map((g) => withBigints(g, GRANT_BIGINTS)),
      nextCursor: (body.nextCursor as string | null) ?? null,
    };
  };

  async function* iterate<T, P extends { cursor?: string | undefined }>(
    list: (p: P) => Promise<Page<T>>,
    parameters: P,
  ): AsyncGenerator<T> {
    let cursor = parameters.cursor;
    do {
      const page = await list({ ...parameters, cursor });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  return {
    baseUrl: base,
    /** One page of grants (`GET /v1/grants`). */
    listGrants,
    /** Every grant matching the filters, page after page. */
    iterateGrants: (parameters: Omit<ListGrantsParameters, "cursor"> = {}) =>
      iterate(listGrants, parameters as ListGrantsParameters),
    /** One grant and its history; `null` when the indexer has no such grant (`GET /v1/grants/{chainId}/{grantId}`). */
    async getGrant(parameters: {
      chainId: number;
      grantId: Hex;
      contract?: Address | undefined;
    }): Promise<{ grant: IndexedGrant; history: IndexedGrantEvent[] } | null> {
      const { status, body } = await get(
        `/v1/grants/${parameters.chainId}/${parameters.grantId}`,
        { contract: parameters.contract },
        [200, 404],
      );
      if (status === 404) return null;
      return {
        grant: withBigints<IndexedGrant>(body.grant as Record<string, unknown>, GRANT_BIGINTS),
        history: (body.history as Record<string, unknown>[]).map((e) =>
          withBigints<IndexedGrantEvent>(e, EVENT_BIGINTS),
        ),
      };
    },
    /** One page of a grantee's grants whose lock is in force (its retention duties). */
    getRetention,
    /** Every grant whose lock is in force for `grantee`. */
    iterateRetention: (parameters: {
      grantee: Address;
      chainId?: number | undefined;
      limit?: number | undefined;
    }) => iterate(getRetention, parameters),
    /** Whether every chain is indexed up to its head (`GET /v1/ready`). */
    async getReady(): Promise<IndexerReadiness> {
      const { body } = await get("/v1/ready", {}, [200, 503]);
      return {
        ready: body.ready === true,
        reason: typeof body.reason === "string" ? body.reason : undefined,
        chains: (body.chains as IndexerReadiness["chains"] | undefined) ?? [],
      };
    },
  };
}

/** The client {@link createIndexerClient} returns. */
export type IndexerClient = ReturnType<typeof createIndexerClient>;
