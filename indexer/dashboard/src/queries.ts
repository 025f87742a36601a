/**
 * The query cache and the queries pages open with, shared by the pages and the router: a route's
 * loader starts its page's requests while the page's code is still loading, and the page then finds
 * them in the cache under the same keys.
 */
import { QueryClient } from "@tanstack/react-query";

import {
  getIssuer,
  getReadiness,
  getSeries,
  getStats,
  listIssuers,
  sdk,
  search,
  type IndexedGrant,
  type IssuerStatus,
} from "./api.js";

export const queryClient = new QueryClient({
  defaultOptions: {
    // Fresh until the indexer moves (layout.tsx invalidates every query on a new indexed block).
    queries: { staleTime: 60_000, retry: 1, refetchOnWindowFocus: false },
  },
});

type Hex = `0x${string}`;

/** The indexer's progress per chain (the chains it follows); always asked afresh. */
export const readyQuery = { queryKey: ["ready"], queryFn: getReadiness, staleTime: 0 };

/** The overview's choices of how many days back; 90 unless the URL names one of them. */
export const DAY_CHOICES = ["30", "90", "180", "366"];
export const daysOf = (days: string | undefined) =>
  DAY_CHOICES.includes(days ?? "") ? Number(days) : 90;

export const seriesQuery = (days: number, chainId: number | undefined) => ({
  queryKey: ["series", days, chainId],
  queryFn: () => getSeries({ days, chainId }),
});

export const statsQuery = (by: "purpose" | "grantee" | "issuer", chainId: number | undefined) => ({
  queryKey: ["stats", by, chainId],
  queryFn: () => getStats({ by, chainId, limit: 10 }),
});

export const grantQuery = (chainId: number, grantId: Hex, contract: Hex | undefined) => ({
  queryKey: ["grant", chainId, grantId, contract],
  queryFn: () => sdk.getGrant({ chainId, grantId, contract }),
});

/** Grants shown per page. */
export const PAGE_SIZE = 25;

export interface GrantListFilters {
  owner?: string | undefined;
  grantee?: string | undefined;
  status?: string | undefined;
  purpose?: string | undefined;
  chain?: string | undefined;
  cursor?: string | undefined;
}

export const grantListQuery = (f: GrantListFilters) => {
  const params = {
    owner: f.owner as Hex | undefined,
    grantee: f.grantee as Hex | undefined,
    status: f.status as IndexedGrant["status"] | undefined,
    purpose: f.purpose,
    chainId: f.chain ? Number(f.chain) : undefined,
    cursor: f.cursor,
    limit: PAGE_SIZE,
  };
  return { queryKey: ["grants", params], queryFn: () => sdk.listGrants(params) };
};

/** One page of issuer keys for the list's URL parameters (as the grant list's). */
export const issuersQuery = (f: {
  chain?: string | undefined;
  status?: string | undefined;
  cursor?: string | undefined;
}) => {
  const params = {
    chainId: f.chain ? Number(f.chain) : undefined,
    status: f.status as IssuerStatus | undefined,
    cursor: f.cursor,
    limit: 50,
  };
  return { queryKey: ["issuers", params], queryFn: () => listIssuers(params) };
};

export const issuerQuery = (chainId: number, issuer: string) => ({
  queryKey: ["issuer", chainId, issuer],
  queryFn: () => getIssuer({ chainId, issuer: issuer as Hex }),
});

export const searchQuery = (q: string) => ({ queryKey: ["search", q], queryFn: () => search(q) });

/** Starts a query in the background (a loader never waits for it: the page shows its own loading). */
export function prefetch(options: { queryKey: unknown[]; queryFn: () => Promise<unknown> }): void {
  void queryClient.prefetchQuery(options);
}
