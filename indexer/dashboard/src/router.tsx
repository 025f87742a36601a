/**
 * The dashboard's pages and their URLs (TanStack Router). Every view's state is in its URL as plain
 * query parameters (`?role=grantee&status=locked`), so a link reproduces what its sender saw.
 */
import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  type RouteComponent,
} from "@tanstack/react-router";

import { Layout, NotFound } from "./layout.js";
import {
  daysOf,
  grantListQuery,
  grantQuery,
  issuerQuery,
  issuersQuery,
  prefetch,
  searchQuery,
  seriesQuery,
  statsQuery,
} from "./queries.js";

// One chunk per page: a page loads only its own code (uPlot comes with the overview only).
const OverviewPage = lazyRouteComponent(() => import("./pages/overview.js"), "OverviewPage");
const GrantsPage = lazyRouteComponent(() => import("./pages/grants.js"), "GrantsPage");
const GrantPage = lazyRouteComponent(() => import("./pages/grant.js"), "GrantPage");
const AddressPage = lazyRouteComponent(() => import("./pages/address.js"), "AddressPage");
const IssuersPage = lazyRouteComponent(() => import("./pages/issuer.js"), "IssuersPage");
const IssuerPage = lazyRouteComponent(() => import("./pages/issuer.js"), "IssuerPage");
const ExportPage = lazyRouteComponent(() => import("./pages/export.js"), "ExportPage");
const SearchPage = lazyRouteComponent(() => import("./pages/search.js"), "SearchPage");
const TxPage = lazyRouteComponent(() => import("./pages/search.js"), "TxPage");

type Strings<K extends string> = { [P in K]?: string };

/** Keeps the named parameters that are non-empty strings. */
function pick<K extends string>(...keys: K[]) {
  return (search: Record<string, unknown>): Strings<K> => {
    const out: Strings<K> = {};
    for (const k of keys) {
      const v = search[k];
      if (typeof v === "string" && v !== "") out[k] = v;
      else if (typeof v === "number") out[k] = String(v);
    }
    return out;
  };
}

const root = createRootRoute({ component: Layout, notFoundComponent: NotFound });

/**
 * A page without path parameters whose search parameters (`keys`) name what it shows: `load` starts
 * those queries while the page's code loads (a new set of parameters loads again).
 */
function searchPage<const P extends string, K extends string>(
  path: P,
  keys: K[],
  component: RouteComponent,
  load: (search: Strings<K>) => void,
) {
  return createRoute({
    getParentRoute: () => root,
    path,
    validateSearch: pick(...keys),
    loaderDeps: ({ search }) => search,
    loader: ({ deps }) => load(deps),
    component,
  });
}

// The indexer answers these paths with index.html (indexer/src/api/dashboard.ts): keep them in step.
const routeTree = root.addChildren([
  searchPage("/", ["chain", "days"], OverviewPage, (search) => {
    const chainId = search.chain ? Number(search.chain) : undefined;
    prefetch(seriesQuery(daysOf(search.days), chainId));
    for (const by of ["purpose", "grantee", "issuer"] as const) prefetch(statsQuery(by, chainId));
  }),
  searchPage(
    "/grants",
    ["owner", "grantee", "purpose", "status", "chain", "cursor"],
    GrantsPage,
    (search) => prefetch(grantListQuery(search)),
  ),
  createRoute({
    getParentRoute: () => root,
    path: "/grant/$chainId/$grantId",
    validateSearch: pick("contract", "block", "at"),
    loaderDeps: ({ search }) => ({ contract: search.contract }),
    loader: ({ params, deps }) => {
      if (/^0x[0-9a-fA-F]{64}$/.test(params.grantId))
        prefetch(
          grantQuery(
            Number(params.chainId),
            params.grantId.toLowerCase() as `0x${string}`,
            deps.contract as `0x${string}` | undefined,
          ),
        );
    },
    component: GrantPage,
  }),
  createRoute({
    getParentRoute: () => root,
    path: "/address/$address",
    validateSearch: pick("role", "status", "purpose", "chain", "cursor", "at"),
    loaderDeps: ({ search }) => search,
    loader: ({ params, deps }) => {
      const address = params.address.toLowerCase();
      if (/^0x[0-9a-f]{40}$/.test(address))
        prefetch(
          grantListQuery({ ...deps, [deps.role === "grantee" ? "grantee" : "owner"]: address }),
        );
    },
    component: AddressPage,
  }),
  searchPage("/issuers", ["chain", "status", "cursor"], IssuersPage, (search) =>
    prefetch(issuersQuery(search)),
  ),
  createRoute({
    getParentRoute: () => root,
    path: "/issuer/$chainId/$issuer",
    validateSearch: pick("type", "at"),
    loader: ({ params }) =>
      prefetch(issuerQuery(Number(params.chainId), params.issuer.toLowerCase())),
    component: IssuerPage,
  }),
  createRoute({
    getParentRoute: () => root,
    path: "/export",
    validateSearch: pick("by", "from", "to", "chain", "format"),
    component: ExportPage,
  }),
  createRoute({
    getParentRoute: () => root,
    path: "/tx/$hash",
    loader: ({ params }) => prefetch(searchQuery(params.hash.toLowerCase())),
    component: TxPage,
  }),
  createRoute({
    getParentRoute: () => root,
    path: "/search",
    validateSearch: pick("q"),
    component: SearchPage,
  }),
]);

export const router = createRouter({
  routeTree,
  // Plain query strings (no JSON quoting), validated per route above.
  parseSearch: (query) => Object.fromEntries(new URLSearchParams(query)),
  stringifySearch: (search) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(search))
      if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
    return params.size > 0 ? `?${params}` : "";
  },
  scrollRestoration: true,
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
