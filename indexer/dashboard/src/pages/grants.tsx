/** Grants, filtered (owner, grantee, purpose, status, chain) and paged by cursor, through the SDK. */
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useNavigate, useSearch } from "@tanstack/react-router";

import { STATUSES, type IndexedGrant } from "../api.js";
import { grantListQuery } from "../queries.js";
import { AddressLink, Page, PagedTable, Time } from "../components.js";
import * as col from "../columns.js";
import { ChainSelect, Choice, plainOptions } from "../controls.js";

export interface GrantFilters {
  status?: string | undefined;
  purpose?: string | undefined;
  chain?: string | undefined;
}

type Party = "owner" | "grantee";

const partyColumn = (party: Party) =>
  col.column<IndexedGrant>(party, party, (g) => <AddressLink address={g[party]} role={party} />);

/** The columns of a grant list; the address the page is about is left out. */
export function grantColumns(hide: Party | null): col.Column<IndexedGrant>[] {
  return [
    col.grant(),
    ...(["owner", "grantee"] as const).filter((p) => p !== hide).map(partyColumn),
    col.purpose(),
    col.status(),
    col.lockedUntil(),
    col.expires(),
    col.column("createdAt", "created", (g) => <Time seconds={g.createdAt} />),
    col.chain(),
  ];
}

/** Status, purpose and chain filters; applied to the URL on submit. */
export function FilterForm(props: {
  value: GrantFilters;
  onApply: (f: GrantFilters) => void;
  label: string;
}) {
  const [status, setStatus] = useState(props.value.status ?? "");
  const [purpose, setPurpose] = useState(props.value.purpose ?? "");
  const [chain, setChain] = useState(props.value.chain ?? "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onApply({
      status: status || undefined,
      purpose: purpose.trim() || undefined,
      chain: chain || undefined,
    });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label={props.label}>
      <Choice
        label="Status"
        name="status"
        value={status}
        any="any"
        options={plainOptions(STATUSES)}
        onChange={setStatus}
      />
      <label>
        Purpose (label or hash)
        <input
          name="purpose"
          value={purpose}
          onChange={(e) => setPurpose(e.target.value)}
          spellCheck={false}
        />
      </label>
      <ChainSelect value={chain} onChange={setChain} />
      <button type="submit">Apply filters</button>
    </form>
  );
}

/** One page of `GET /v1/grants` for the filters (through the SDK). */
export function useGrantPage(
  query: { owner?: string; grantee?: string } & GrantFilters,
  cursor: string | undefined,
  enabled = true,
) {
  return useQuery({ ...grantListQuery({ ...query, cursor }), enabled });
}

/** A page of grants with its pager. */
export function GrantList(props: {
  page: ReturnType<typeof useGrantPage>;
  cursor: string | undefined;
  onPage: (cursor: string | undefined) => void;
  hide: Party | null;
  caption: string;
  testId: string;
}) {
  return (
    <PagedTable
      query={props.page}
      testId={props.testId}
      caption={props.caption}
      columns={grantColumns(props.hide)}
      rowId={(g) => g.grantId}
      empty="No grant matches."
      cursor={props.cursor}
      onPage={props.onPage}
    />
  );
}

export function GrantsPage() {
  const search = useSearch({ from: "/grants" });
  const navigate = useNavigate({ from: "/grants" });
  const page = useGrantPage(search, search.cursor);
  return (
    <Page name="grants" title="Grants" busy={page.isPending}>
      <FilterForm
        label="Grant filters"
        value={search}
        onApply={(f) =>
          void navigate({ search: { owner: search.owner, grantee: search.grantee, ...f } })
        }
      />
      <GrantList
        testId="grants"
        caption={
          search.owner || search.grantee ? `Grants of ${search.owner ?? search.grantee}` : "Grants"
        }
        hide={null}
        page={page}
        cursor={search.cursor}
        onPage={(cursor) => void navigate({ search: { ...search, cursor } })}
      />
    </Page>
  );
}
