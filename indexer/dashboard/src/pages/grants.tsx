/** Grants, filtered (owner, grantee, purpose, status, chain) and paged by cursor, through the SDK. */
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useNavigate, useSearch } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";

import { STATUSES, getReadiness, type IndexedGrant } from "../api.js";
import { grantListQuery } from "../queries.js";
import {
  AddressLink,
  DataTable,
  ErrorNote,
  GrantLink,
  Hash,
  Page,
  Pager,
  StatusBadge,
  Time,
} from "../components.js";
import { formatDeadline } from "../format.js";

export interface GrantFilters {
  status?: string | undefined;
  purpose?: string | undefined;
  chain?: string | undefined;
}

/** The columns of a grant list; the address the page is about is left out. */
export function grantColumns(hide: "owner" | "grantee" | null): ColumnDef<IndexedGrant, unknown>[] {
  const columns: (ColumnDef<IndexedGrant, unknown> | null)[] = [
    {
      id: "grantId",
      header: "grant",
      cell: (c) => <GrantLink chainId={c.row.original.chainId} grantId={c.row.original.grantId} />,
    },
    hide === "owner"
      ? null
      : {
          id: "owner",
          header: "owner",
          cell: (c) => <AddressLink address={c.row.original.owner} role="owner" />,
        },
    hide === "grantee"
      ? null
      : {
          id: "grantee",
          header: "grantee",
          cell: (c) => <AddressLink address={c.row.original.grantee} role="grantee" />,
        },
    {
      id: "purpose",
      header: "purpose",
      cell: (c) => <Hash value={c.row.original.purpose} label />,
    },
    { id: "status", header: "status", cell: (c) => <StatusBadge status={c.row.original.status} /> },
    {
      id: "lockedUntil",
      header: "locked until",
      cell: (c) => formatDeadline(c.row.original.lockedUntil, "—"),
    },
    {
      id: "expiresAt",
      header: "expires",
      cell: (c) => formatDeadline(c.row.original.expiresAt, "never"),
    },
    {
      id: "createdAt",
      header: "created",
      cell: (c) => <Time seconds={c.row.original.createdAt} />,
    },
    { id: "chainId", header: "chain", cell: (c) => c.row.original.chainId },
  ];
  return columns.filter((c): c is ColumnDef<IndexedGrant, unknown> => c !== null);
}

/** Status, purpose and chain filters; applied to the URL on submit. */
export function FilterForm(props: {
  value: GrantFilters;
  onApply: (f: GrantFilters) => void;
  label: string;
}) {
  const ready = useQuery({ queryKey: ["ready"], queryFn: getReadiness, staleTime: 0 });
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
      <label>
        Status
        <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Purpose (label or hash)
        <input
          name="purpose"
          value={purpose}
          onChange={(e) => setPurpose(e.target.value)}
          spellCheck={false}
        />
      </label>
      <label>
        Chain
        <select name="chain" value={chain} onChange={(e) => setChain(e.target.value)}>
          <option value="">all chains</option>
          {ready.data?.chains.map((c) => (
            <option key={c.chainId} value={String(c.chainId)}>
              {c.chainId}
            </option>
          ))}
        </select>
      </label>
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
  hide: "owner" | "grantee" | null;
  caption: string;
  testId: string;
}) {
  const { page } = props;
  return (
    <>
      <ErrorNote error={page.error} />
      <DataTable
        testId={props.testId}
        caption={props.caption}
        data={page.data?.items ?? []}
        columns={grantColumns(props.hide)}
        rowId={(g) => g.grantId}
        empty={page.isPending ? "Loading…" : "No grant matches."}
      />
      <Pager
        label={props.caption}
        cursor={props.cursor}
        nextCursor={page.data?.nextCursor}
        onPage={props.onPage}
      />
    </>
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
