/**
 * Overview: grants created per day, counts by derived status over time, and counts by purpose,
 * grantee and issuer. Aggregates only: no owner is ever listed.
 */
import { useMemo } from "react";
import { useQueries, useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";

import { STATUSES } from "../api.js";
import { DAY_CHOICES, daysOf, readyQuery, seriesQuery, statsQuery } from "../queries.js";
import { AddressLink, DataTable, ErrorNote, Hash, Page, StatusBadge } from "../components.js";
import { TimeChart, type ChartSeries } from "../chart.js";
import { ChainSelect } from "../controls.js";
import { formatTime, number } from "../format.js";

export const STATUS_COLORS: Record<string, string> = {
  active: "#1a7f37",
  locked: "#b35900",
  expired: "#6e7781",
  revoked: "#cf222e",
  released: "#0969da",
  replaced: "#8250df",
};

type Row = { key: string; count: number };
type By = "purpose" | "grantee" | "issuer";

/** The breakdowns under the charts: by what, their caption, and what their two columns say. */
const BREAKDOWNS = [
  { by: "purpose", caption: "By purpose (top 10)", key: "purpose", count: "grants" },
  { by: "grantee", caption: "By grantee (top 10)", key: "grantee", count: "grants" },
  { by: "issuer", caption: "By issuer key (top 10)", key: "issuer key", count: "registry changes" },
] as const;

/** Where a breakdown's key leads: a purpose to its grants, a grantee to its address, a key to its page. */
function KeyCell(props: {
  by: By;
  value: string;
  chain: string | undefined;
  issuerChain: number | undefined;
}) {
  const { value } = props;
  if (props.by === "purpose")
    return (
      <Link to="/grants" search={{ purpose: value, chain: props.chain }}>
        <Hash value={value} label />
      </Link>
    );
  if (props.by === "grantee") return <AddressLink address={value} role="grantee" />;
  if (props.issuerChain === undefined) return <Hash value={value} />;
  return (
    <Link
      to="/issuer/$chainId/$issuer"
      params={{ chainId: String(props.issuerChain), issuer: value }}
      search={{}}
    >
      <Hash value={value} />
    </Link>
  );
}

function breakdownColumns(
  b: (typeof BREAKDOWNS)[number],
  chain: string | undefined,
  issuerChain: number | undefined,
): ColumnDef<Row, unknown>[] {
  return [
    {
      accessorKey: "key",
      header: b.key,
      cell: (c) => (
        <KeyCell by={b.by} value={c.row.original.key} chain={chain} issuerChain={issuerChain} />
      ),
    },
    { accessorKey: "count", header: b.count, cell: (c) => number.format(c.row.original.count) },
  ];
}

export function OverviewPage() {
  const search = useSearch({ from: "/" });
  const navigate = useNavigate({ from: "/" });
  const chainId = search.chain ? Number(search.chain) : undefined;
  const days = daysOf(search.days);

  const ready = useQuery(readyQuery);
  const series = useQuery(seriesQuery(days, chainId));
  const stats = useQueries({ queries: BREAKDOWNS.map((b) => statsQuery(b.by, chainId)) });

  const points = series.data?.points ?? [];
  const last = points[points.length - 1];
  const x = useMemo(() => points.map((p) => Date.parse(p.day) / 1000), [points]);
  const created: ChartSeries[] = useMemo(
    () => [{ label: "grants created", values: points.map((p) => p.created), color: "#0969da" }],
    [points],
  );
  const byStatus: ChartSeries[] = useMemo(
    () =>
      STATUSES.map((s) => ({
        label: s,
        values: points.map((p) => p[s]),
        color: STATUS_COLORS[s]!,
      })),
    [points],
  );
  const issuerChain = chainId ?? ready.data?.chains[0]?.chainId;

  const busy = series.isPending || stats.some((q) => q.isPending);
  return (
    <Page name="overview" title="Overview" busy={busy}>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <ChainSelect
          value={search.chain ?? ""}
          onChange={(chain) => void navigate({ search: { ...search, chain: chain || undefined } })}
        />
        <label>
          Days
          <select
            value={String(days)}
            onChange={(e) => void navigate({ search: { ...search, days: e.target.value } })}
          >
            {DAY_CHOICES.map((d) => (
              <option key={d} value={d}>
                last {d} days
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNote error={series.error ?? stats.find((q) => q.error)?.error} />

      {last ? (
        <section aria-labelledby="now-heading">
          <h2 id="now-heading">
            Grants now <span className="muted">(at {formatTime(last.at)})</span>
          </h2>
          <dl className="kpis" data-testid="now-counts">
            <div data-field="total">
              <dt>all grants</dt>
              <dd>{number.format(STATUSES.reduce((n, s) => n + last[s], 0))}</dd>
            </div>
            {STATUSES.map((s) => (
              <div key={s} data-field={s}>
                <dt>
                  <StatusBadge status={s} />
                </dt>
                <dd>{number.format(last[s])}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}

      {points.length > 0 ? (
        <section className="charts" aria-label="Over time">
          <TimeChart
            testId="chart-created"
            title="Grants created per day"
            x={x}
            series={created}
            bars
          />
          <TimeChart
            testId="chart-status"
            title="Grants by status at the end of each day"
            x={x}
            series={byStatus}
          />
        </section>
      ) : null}

      <section className="columns" aria-label="Breakdowns">
        {BREAKDOWNS.map((b, i) => (
          <DataTable
            key={b.by}
            testId={`by-${b.by}`}
            caption={b.caption}
            data={stats[i]!.data?.items ?? []}
            columns={breakdownColumns(b, search.chain, issuerChain)}
            rowId={(r) => r.key}
            sortable
          />
        ))}
      </section>
    </Page>
  );
}
