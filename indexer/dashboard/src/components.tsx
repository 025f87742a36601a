/** The pieces every page uses: the page frame, tables, charts, badges, hashes, pagers, errors. */
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Link } from "@tanstack/react-router";
import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from "@tanstack/react-table";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import { formatTime, shortHex } from "./format.js";
import { labelOf } from "./labels.js";

/**
 * A page: its heading, the document title, and `aria-busy` while its first answers load (the
 * browser tests and screen readers both read it).
 */
export function Page(props: { name: string; title: string; busy: boolean; children: ReactNode }) {
  useEffect(() => {
    document.title = `${props.title} · GrantKit`;
  }, [props.title]);
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

export interface ChartSeries {
  label: string;
  values: number[];
  color: string;
}

/**
 * A time chart (uPlot on a canvas), with its data as a table for keyboards and screen readers.
 * `x` are unix seconds.
 */
export function TimeChart(props: {
  title: string;
  x: number[];
  series: ChartSeries[];
  bars?: boolean;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 300),
      height: 220,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{ stroke: "#333" }, { stroke: "#333" }],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          ...(props.bars ? { fill: s.color, paths: uPlot.paths.bars!({ size: [0.8, 40] }) } : {}),
        })),
      ],
    };
    const plot = new uPlot(opts, [props.x, ...props.series.map((s) => s.values)], el);
    const observer = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(el.clientWidth, 300), height: 220 }),
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [props.x, props.series, props.bars]);
  return (
    <figure className="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <ul className="legend" aria-hidden="true">
        {props.series.map((s) => (
          <li key={s.label}>
            <span className="swatch" style={{ background: s.color }} /> {s.label}
          </li>
        ))}
      </ul>
      <div ref={box} aria-hidden="true" />
      <details>
        <summary>{props.title}: the data as a table</summary>
        <div className="table-wrap">
          <table>
            <caption>{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">day (UTC)</th>
                {props.series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.x.map((t, i) => (
                <tr key={t}>
                  <th scope="row">{new Date(t * 1000).toISOString().slice(0, 10)}</th>
                  {props.series.map((s) => (
                    <td key={s.label}>{s.values[i]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
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
