/**
 * The dashboard's pages and their URLs (TanStack Router). Every view's state is in its URL as plain
 * query parameters (`?role=grantee&status=locked`), so a link reproduces what its sender saw.
 */
import { createRootRoute, createRoute, createRouter } from "@tanstack/react-router";

import { Layout, NotFound } from "./layout.js";
import { AddressPage } from "./pages/address.js";
import { ExportPage } from "./pages/export.js";
import { GrantPage } from "./pages/grant.js";
import { GrantsPage } from "./pages/grants.js";
import { IssuerPage, IssuersPage } from "./pages/issuer.js";
import { OverviewPage } from "./pages/overview.js";
import { SearchPage, TxPage } from "./pages/search.js";

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

const routeTree = root.addChildren([
  createRoute({
    getParentRoute: () => root,
    path: "/",
    validateSearch: pick("chain", "days"),
    component: OverviewPage,
  }),
  createRoute({
    getParentRoute: () => root,
    path: "/grants",
    validateSearch: pick("owner", "grantee", "purpose", "status", "chain", "cursor"),
    component: GrantsPage,
  }),
  createRoute({
    getParentRoute: () => root,
    path: "/grant/$chainId/$grantId",
    validateSearch: pick("contract", "block", "at"),
    component: GrantPage,
  }),
  createRoute({
    getParentRoute: () => root,
    path: "/address/$address",
    validateSearch: pick("role", "status", "purpose", "chain", "cursor", "at"),
    component: AddressPage,
  }),
  createRoute({
    getParentRoute: () => root,
    path: "/issuers",
    validateSearch: pick("chain", "status", "cursor"),
    component: IssuersPage,
  }),
  createRoute({
    getParentRoute: () => root,
    path: "/issuer/$chainId/$issuer",
    validateSearch: pick("type", "at"),
    component: IssuerPage,
  }),
  createRoute({
    getParentRoute: () => root,
    path: "/export",
    validateSearch: pick("by", "from", "to", "chain", "format"),
    component: ExportPage,
  }),
  createRoute({ getParentRoute: () => root, path: "/tx/$hash", component: TxPage }),
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
