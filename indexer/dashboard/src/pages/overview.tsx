/**
 * Overview: grants created per day, counts by derived status over time, and counts by purpose,
 * grantee and issuer. Aggregates only: no owner is ever listed.
 */
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";

import { STATUSES, getReadiness } from "../api.js";
import { seriesQuery, statsQuery } from "../queries.js";
import { AddressLink, DataTable, ErrorNote, Hash, Page, StatusBadge } from "../components.js";
import { TimeChart, type ChartSeries } from "../chart.js";
import { formatTime, number } from "../format.js";

export const STATUS_COLORS: Record<string, string> = {
  active: "#1a7f37",
  locked: "#b35900",
  expired: "#6e7781",
  revoked: "#cf222e",
  released: "#0969da",
  replaced: "#8250df",
};

export const DAY_CHOICES = ["30", "90", "180", "366"];

type Row = { key: string; count: number };

export function OverviewPage() {
  const search = useSearch({ from: "/" });
  const navigate = useNavigate({ from: "/" });
  const chainId = search.chain ? Number(search.chain) : undefined;
  const days = DAY_CHOICES.includes(search.days ?? "") ? Number(search.days) : 90;

  const ready = useQuery({ queryKey: ["ready"], queryFn: getReadiness, staleTime: 0 });
  const series = useQuery(seriesQuery(days, chainId));
  const purposes = useQuery(statsQuery("purpose", chainId));
  const grantees = useQuery(statsQuery("grantee", chainId));
  const issuers = useQuery(statsQuery("issuer", chainId));

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

  const countCol = {
    accessorKey: "count",
    header: "grants",
    cell: (c: { getValue: () => unknown }) => number.format(c.getValue() as number),
  };
  const purposeColumns: ColumnDef<Row, unknown>[] = [
    {
      accessorKey: "key",
      header: "purpose",
      cell: (c) => (
        <Link to="/grants" search={{ purpose: c.row.original.key, chain: search.chain }}>
          <Hash value={c.row.original.key} label />
        </Link>
      ),
    },
    countCol,
  ];
  const granteeColumns: ColumnDef<Row, unknown>[] = [
    {
      accessorKey: "key",
      header: "grantee",
      cell: (c) => <AddressLink address={c.row.original.key} role="grantee" />,
    },
    countCol,
  ];
  const issuerColumns: ColumnDef<Row, unknown>[] = [
    {
      accessorKey: "key",
      header: "issuer key",
      cell: (c) =>
        issuerChain === undefined ? (
          <Hash value={c.row.original.key} />
        ) : (
          <Link
            to="/issuer/$chainId/$issuer"
            params={{ chainId: String(issuerChain), issuer: c.row.original.key }}
            search={{}}
          >
            <Hash value={c.row.original.key} />
          </Link>
        ),
    },
    { ...countCol, header: "registry changes" },
  ];

  const busy = series.isPending || purposes.isPending || grantees.isPending || issuers.isPending;
  return (
    <Page name="overview" title="Overview" busy={busy}>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Chain
          <select
            value={search.chain ?? ""}
            onChange={(e) =>
              void navigate({ search: { ...search, chain: e.target.value || undefined } })
            }
          >
            <option value="">all chains</option>
            {ready.data?.chains.map((c) => (
              <option key={c.chainId} value={String(c.chainId)}>
                {c.chainId}
              </option>
            ))}
          </select>
        </label>
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
      <ErrorNote error={series.error ?? purposes.error ?? grantees.error ?? issuers.error} />

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
        <DataTable
          testId="by-purpose"
          caption="By purpose (top 10)"
          data={purposes.data?.items ?? []}
          columns={purposeColumns}
          rowId={(r) => r.key}
          sortable
        />
        <DataTable
          testId="by-grantee"
          caption="By grantee (top 10)"
          data={grantees.data?.items ?? []}
          columns={granteeColumns}
          rowId={(r) => r.key}
          sortable
        />
        <DataTable
          testId="by-issuer"
          caption="By issuer key (top 10)"
          data={issuers.data?.items ?? []}
          columns={issuerColumns}
          rowId={(r) => r.key}
          sortable
        />
      </section>
    </Page>
  );
}
