/** The pieces every page uses: the page frame, tables, paged tables, badges, hashes, pagers, errors. */
import { useEffect, useState, type ReactNode } from "react";
import { Link } from "@tanstack/react-router";
import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from "@tanstack/react-table";

import { formatTime, number, shortHex } from "./format.js";
import { labelOf } from "./labels.js";

/**
 * A page: its heading, the document title, and `aria-busy` while its first answers load (the
 * browser tests and screen readers both read it).
 */
export function Page(props: { name: string; title: string; busy: boolean; children: ReactNode }) {
  useEffect(() => {
    document.title = `${props.title} · GrantKit`;
  }, [props.title]);
  // The first time the page's data is on screen: a performance mark (the browser tests read it).
  useEffect(() => {
    if (!props.busy && performance.getEntriesByName(`grantkit:ready:${props.name}`).length === 0)
      performance.mark(`grantkit:ready:${props.name}`);
  }, [props.busy, props.name]);
  return (
    <main id="main" data-page={props.name} aria-busy={props.busy} tabIndex={-1}>
      <h1>{props.title}</h1>
      {props.children}
    </main>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return <p className="muted">Loading {what}…</p>;
}

/** A grant status with its colour and its word (colour is never the only signal). */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      {status}
    </span>
  );
}

/** A hash shown short, full in its title; `label` shows a known purpose or type label first. */
export function Hash({ value, label = false }: { value: string; label?: boolean }) {
  const known = label ? labelOf(value) : null;
  return (
    <code title={value} data-value={value}>
      {known ? `${known} ` : ""}
      {known ? <span className="muted">({shortHex(value, 4)})</span> : shortHex(value)}
    </code>
  );
}

export function AddressLink({ address, role }: { address: string; role?: "owner" | "grantee" }) {
  return (
    <Link to="/address/$address" params={{ address }} search={role ? { role } : {}}>
      <Hash value={address} />
    </Link>
  );
}

export function GrantLink({ chainId, grantId }: { chainId: number; grantId: string }) {
  return (
    <Link
      to="/grant/$chainId/$grantId"
      params={{ chainId: String(chainId), grantId }}
      search={{}}
      data-grant={grantId}
    >
      <Hash value={grantId} />
    </Link>
  );
}

export function TxLink({ hash }: { hash: string }) {
  return (
    <Link to="/tx/$hash" params={{ hash }}>
      <Hash value={hash} />
    </Link>
  );
}

export function Time({ seconds }: { seconds: bigint }) {
  return (
    <time dateTime={new Date(Number(seconds) * 1000).toISOString()}>{formatTime(seconds)}</time>
  );
}

/** A table (TanStack Table) with a caption, optional sorting by header click, and a test id per row. */
export function DataTable<T>(props: {
  caption: string;
  data: T[];
  columns: ColumnDef<T, unknown>[];
  rowId?: (row: T) => string;
  sortable?: boolean;
  empty?: string;
  testId?: string;
}) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const table = useReactTable({
    data: props.data,
    columns: props.columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    enableSorting: props.sortable ?? false,
    ...(props.rowId ? { getRowId: props.rowId } : {}),
  });
  return (
    <div className="table-wrap">
      <table data-testid={props.testId}>
        <caption>{props.caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={
                      sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined
                    }
                  >
                    {header.column.getCanSort() ? (
                      <button
                        type="button"
                        className="sort"
                        onClick={header.column.getToggleSortingHandler()}
                      >
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        <span aria-hidden="true">
                          {sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : ""}
                        </span>
                      </button>
                    ) : (
                      flexRender(header.column.columnDef.header, header.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length} className="muted">
                {props.empty ?? "Nothing here."}
              </td>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <tr key={row.id} data-row={row.id}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} data-col={cell.column.id}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Cursor paging: the first page, and the next one while the API gives a cursor. */
export function Pager(props: {
  cursor: string | undefined;
  nextCursor: string | null | undefined;
  onPage: (cursor: string | undefined) => void;
  label: string;
}) {
  return (
    <nav className="pager" aria-label={`${props.label} pages`}>
      <button
        type="button"
        disabled={props.cursor === undefined}
        onClick={() => props.onPage(undefined)}
      >
        First page
      </button>
      <button
        type="button"
        disabled={!props.nextCursor}
        onClick={() => props.onPage(props.nextCursor ?? undefined)}
      >
        Next page
      </button>
    </nav>
  );
}

/** A label/value list (a grant's or a key's fields). */
export function Fields({ items, testId }: { items: [string, ReactNode][]; testId?: string }) {
  return (
    <dl className="fields" data-testid={testId}>
      {items.map(([k, v]) => (
        <div key={k} data-field={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** "block 123, <time>": where a change stands on the chain. */
export function BlockTime({ block, seconds }: { block: bigint; seconds: bigint }) {
  return (
    <span>
      block {number.format(block)}, <Time seconds={seconds} />
    </span>
  );
}

/**
 * One page of a cursor-paged list: its error, its table and its pager. `query` is the page's
 * `useQuery` result; `empty`, when given, stands in an empty table once the answer is in (a loading
 * note before it).
 */
export function PagedTable<T>(props: {
  query: {
    error: unknown;
    isPending: boolean;
    data?: { items: T[]; nextCursor?: string | null | undefined } | undefined;
  };
  caption: string;
  pagerLabel?: string;
  testId: string;
  columns: ColumnDef<T, unknown>[];
  rowId: (row: T) => string;
  empty?: string;
  cursor: string | undefined;
  onPage: (cursor: string | undefined) => void;
}) {
  const { query } = props;
  return (
    <>
      <ErrorNote error={query.error} />
      <DataTable
        testId={props.testId}
        caption={props.caption}
        data={query.data?.items ?? []}
        columns={props.columns}
        rowId={props.rowId}
        {...(props.empty ? { empty: query.isPending ? "Loading…" : props.empty } : {})}
      />
      <Pager
        label={props.pagerLabel ?? props.caption}
        cursor={props.cursor}
        nextCursor={query.data?.nextCursor}
        onPage={props.onPage}
      />
    </>
  );
}
