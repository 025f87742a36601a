/**
 * One address as owner and as grantee: its grants (filters, cursor paging) and, as grantee, its
 * retention duties (grants whose lock is in force, with their unlock dates) and its grants as they
 * stood at a past date.
 */
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useParams, useSearch } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";

import {
  getGranteeGrantsAt,
  getReadiness,
  sdk,
  search as searchApi,
  type IndexedGrant,
  type IndexedGrantAt,
} from "../api.js";
import {
  DataTable,
  ErrorNote,
  GrantLink,
  Hash,
  Page,
  Pager,
  StatusBadge,
  Time,
} from "../components.js";
import { formatDeadline, formatTime, parseUtc, shortHex } from "../format.js";
import { FilterForm, GrantList, useGrantPage } from "./grants.js";

type Role = "owner" | "grantee";
type Retained = IndexedGrant & { unlocksAt: string | null };

const retentionColumns: ColumnDef<Retained, unknown>[] = [
  {
    id: "grantId",
    header: "grant",
    cell: (c) => <GrantLink chainId={c.row.original.chainId} grantId={c.row.original.grantId} />,
  },
  { id: "purpose", header: "purpose", cell: (c) => <Hash value={c.row.original.purpose} label /> },
  { id: "dataHash", header: "data hash", cell: (c) => <Hash value={c.row.original.dataHash} /> },
  {
    id: "unlocksAt",
    header: "unlocks at",
    cell: (c) => (
      <time
        dateTime={c.row.original.unlocksAt ?? undefined}
        data-unlocks={c.row.original.lockedUntil.toString()}
      >
        {formatDeadline(c.row.original.lockedUntil, "—")}
      </time>
    ),
  },
  {
    id: "expiresAt",
    header: "expires",
    cell: (c) => formatDeadline(c.row.original.expiresAt, "never"),
  },
  { id: "chainId", header: "chain", cell: (c) => c.row.original.chainId },
];

const asOfColumns: ColumnDef<IndexedGrantAt, unknown>[] = [
  {
    id: "grantId",
    header: "grant",
    cell: (c) => <GrantLink chainId={c.row.original.chainId} grantId={c.row.original.grantId} />,
  },
  { id: "purpose", header: "purpose", cell: (c) => <Hash value={c.row.original.purpose} label /> },
  {
    id: "status",
    header: "status then",
    cell: (c) => <StatusBadge status={c.row.original.status} />,
  },
  {
    id: "lockedUntil",
    header: "locked until",
    cell: (c) => formatDeadline(c.row.original.lockedUntil, "—"),
  },
  {
    id: "changed",
    header: "last change",
    cell: (c) => (
      <>
        {c.row.original.kind} at <Time seconds={c.row.original.blockTime} />
      </>
    ),
  },
];

export function AddressPage() {
  const { address: raw } = useParams({ from: "/address/$address" });
  const address = raw.toLowerCase();
  const search = useSearch({ from: "/address/$address" });
  const navigate = useNavigate({ from: "/address/$address" });
  const role: Role = search.role === "grantee" ? "grantee" : "owner";
  const valid = /^0x[0-9a-f]{40}$/.test(address);

  const page = useGrantPage({ ...search, [role]: address }, search.cursor, valid);
  const roles = useQuery({
    queryKey: ["search", address],
    queryFn: () => searchApi(address),
    enabled: valid,
  });
  const match = roles.data?.matches.find((m) => m.type === "address");

  const tab = (r: Role, text: string) => (
    <Link
      to="/address/$address"
      params={{ address }}
      search={{ role: r }}
      aria-current={role === r ? "page" : undefined}
      className={role === r ? "tab current" : "tab"}
    >
      {text}
    </Link>
  );

  return (
    <Page name="address" title={`Address ${shortHex(address)}`} busy={valid && page.isPending}>
      {!valid ? (
        <p role="alert" className="error">
          {raw} is not a 20-byte hex address.
        </p>
      ) : null}
      <p>
        <code data-testid="address">{address}</code>
      </p>
      {match && match.type === "address" && match.issuerKeys.length > 0 ? (
        <p>
          Also an issuer key:{" "}
          {match.issuerKeys.map((k) => (
            <Link
              key={`${k.chainId}-${k.registry}`}
              to="/issuer/$chainId/$issuer"
              params={{ chainId: String(k.chainId), issuer: address }}
              search={{}}
            >
              chain {k.chainId} ({k.status})
            </Link>
          ))}
        </p>
      ) : null}
      <nav className="tabs" aria-label="Role">
        {tab("owner", "As owner")}
        {tab("grantee", "As grantee")}
      </nav>
      <FilterForm
        key={JSON.stringify(search)}
        label="Grant filters"
        value={search}
        onApply={(f) => void navigate({ search: { role, ...f } })}
      />
      <GrantList
        testId="address-grants"
        caption={role === "owner" ? "Grants this address gave" : "Grants this address received"}
        hide={role}
        page={page}
        cursor={search.cursor}
        onPage={(cursor) => void navigate({ search: { ...search, cursor } })}
      />
      {role === "grantee" && valid ? (
        <GranteeDuties grantee={address} chain={search.chain} at={search.at} />
      ) : null}
    </Page>
  );
}

function GranteeDuties(props: {
  grantee: string;
  chain: string | undefined;
  at: string | undefined;
}) {
  const navigate = useNavigate({ from: "/address/$address" });
  const search = useSearch({ from: "/address/$address" });
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const chainId = props.chain ? Number(props.chain) : undefined;
  const retention = useQuery({
    queryKey: ["retention", props.grantee, chainId, cursor],
    queryFn: () =>
      sdk.getRetention({ grantee: props.grantee as `0x${string}`, chainId, cursor, limit: 50 }),
  });
  const ready = useQuery({ queryKey: ["ready"], queryFn: getReadiness, staleTime: 0 });
  const atChain = chainId ?? ready.data?.chains[0]?.chainId;
  const atTime = props.at ? parseUtc(props.at) : null;
  const asOf = useQuery({
    queryKey: ["granteeAt", props.grantee, atChain, atTime?.toString()],
    queryFn: () =>
      getGranteeGrantsAt({
        grantee: props.grantee,
        chainId: atChain!,
        timestamp: atTime!,
        limit: 100,
      }),
    enabled: atChain !== undefined && atTime !== null,
  });
  const [date, setDate] = useState(props.at ?? "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void navigate({ search: { ...search, at: date || undefined } });
  };
  return (
    <>
      <section aria-labelledby="retention-heading">
        <h2 id="retention-heading">Retention duties</h2>
        <p className="muted">
          Grants whose lock is in force: the grantee must keep the data until the unlock date, and
          the owner cannot revoke before it.
        </p>
        <ErrorNote error={retention.error} />
        <DataTable
          testId="retention"
          caption="Locked grants and their unlock dates"
          data={retention.data?.items ?? []}
          columns={retentionColumns}
          rowId={(g) => g.grantId}
          empty={retention.isPending ? "Loading…" : "No retention duty in force."}
        />
        <Pager
          label="Retention duties"
          cursor={cursor}
          nextCursor={retention.data?.nextCursor}
          onPage={setCursor}
        />
      </section>
      <section aria-labelledby="asof-heading">
        <h2 id="asof-heading">Grants as they stood at a date</h2>
        <form className="filters" onSubmit={submit}>
          <label>
            Date and time (UTC)
            <input
              type="datetime-local"
              step={1}
              name="at"
              value={date}
              onChange={(e) => setDate(e.target.value)}
            />
          </label>
          <button type="submit">Show</button>
        </form>
        <ErrorNote error={asOf.error} />
        {asOf.data ? (
          <DataTable
            testId="grantee-asof"
            caption={`Grants received, as of ${formatTime(asOf.data.asOf.timestamp)} on chain ${atChain}`}
            data={asOf.data.items}
            columns={asOfColumns}
            rowId={(g) => g.grantId}
            empty="No grant existed then."
          />
        ) : null}
      </section>
    </>
  );
}
