/**
 * The frame of every page: skip link, navigation, the search box, and the indexer's freshness,
 * which is also what keeps pages live: when a chain's indexed block moves, every query is refetched.
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useNavigate } from "@tanstack/react-router";

import { getReadiness } from "./api.js";
import { Page } from "./components.js";
import { number } from "./format.js";

/** How often the indexer's progress is read. */
export const POLL_MS = 1_000;

export function Layout() {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" search={{}} className="brand">
          GrantKit <span>audit</span>
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link to="/" search={{}} activeOptions={{ exact: true, includeSearch: false }}>
                Overview
              </Link>
            </li>
            <li>
              <Link to="/grants" search={{}} activeOptions={{ includeSearch: false }}>
                Grants
              </Link>
            </li>
            <li>
              <Link to="/issuers" search={{}} activeOptions={{ includeSearch: false }}>
                Issuers
              </Link>
            </li>
            <li>
              <Link to="/export" search={{}} activeOptions={{ includeSearch: false }}>
                Audit export
              </Link>
            </li>
          </ul>
        </nav>
        <SearchBox />
      </header>
      <Freshness />
      <Outlet />
      <footer className="muted">
        Data from this indexer's public REST API (<a href="/v1/openapi.json">OpenAPI</a>). Times are
        UTC, "now" is each chain's head.
      </footer>
    </>
  );
}

/** One box for a grant id, an address, a transaction hash or a purpose label. */
function SearchBox() {
  const navigate = useNavigate();
  const [value, setValue] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = value.trim();
    if (q === "") return;
    if (/^0x[0-9a-fA-F]{40}$/.test(q))
      void navigate({ to: "/address/$address", params: { address: q.toLowerCase() }, search: {} });
    else void navigate({ to: "/search", search: { q } });
    setValue("");
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <label htmlFor="search">Search</label>
      <input
        id="search"
        type="search"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder="grant id, address, tx hash or purpose label"
        autoComplete="off"
        spellCheck={false}
      />
      <button type="submit">Go</button>
    </form>
  );
}

/** "Indexed to block N of M", per chain; a new indexed block refetches every page's data. */
function Freshness() {
  const client = useQueryClient();
  const ready = useQuery({
    queryKey: ["ready"],
    queryFn: getReadiness,
    refetchInterval: POLL_MS,
    staleTime: 0,
  });
  const stamp = ready.data?.chains.map((c) => `${c.chainId}:${c.indexed}`).join(",");
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (stamp === undefined) return;
    if (seen.current !== undefined && seen.current !== stamp)
      void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "ready" });
    seen.current = stamp;
  }, [stamp, client]);
  if (ready.error)
    return (
      <p className="freshness error" role="alert">
        The indexer does not answer: {String((ready.error as Error).message)}
      </p>
    );
  if (!ready.data) return <p className="freshness muted">Reading the indexer's progress…</p>;
  const ago = Math.max(0, Math.round((Date.now() - ready.dataUpdatedAt) / 1000));
  return (
    <div className="freshness" data-testid="freshness">
      {ready.data.chains.map((c) => (
        <p
          key={c.chainId}
          data-chain={c.chainId}
          data-indexed={c.indexed ?? ""}
          data-head={c.head ?? ""}
        >
          Chain {c.chainId}: indexed to block{" "}
          <strong>{c.indexed === null ? "—" : number.format(c.indexed)}</strong> of{" "}
          {c.head === null ? "—" : number.format(c.head)}
          {c.caughtUp ? " (caught up)" : ` (${c.lagBlocks ?? "?"} blocks behind)`}, checked {ago} s
          ago
        </p>
      ))}
      {ready.data.reason && !ready.data.ready ? <p className="muted">{ready.data.reason}</p> : null}
    </div>
  );
}

export function NotFound() {
  return (
    <Page name="not-found" title="No such page" busy={false}>
      <p>
        This address is not a page of the dashboard.{" "}
        <Link to="/" search={{}}>
          Back to the overview
        </Link>
        .
      </p>
    </Page>
  );
}
