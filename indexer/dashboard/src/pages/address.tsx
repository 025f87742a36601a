/**
 * One address as owner and as grantee: its grants (filters, cursor paging) and, as grantee, its
 * retention duties (grants whose lock is in force, with their unlock dates) and its grants as they
 * stood at a past date.
 */
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useParams, useSearch } from "@tanstack/react-router";

import {
  getGranteeGrantsAt,
  sdk,
  search as searchApi,
  type IndexedGrant,
  type IndexedGrantAt,
} from "../api.js";
import { PAGE_SIZE, readyQuery } from "../queries.js";
import { Hash, Page, PagedTable, Time } from "../components.js";
import * as col from "../columns.js";
import { UtcInput } from "../controls.js";
import { formatDeadline, formatTime, parseUtc, shortHex } from "../format.js";
import { FilterForm, GrantList, useGrantPage } from "./grants.js";

type Role = "owner" | "grantee";
type Retained = IndexedGrant & { unlocksAt: string | null };

const retentionColumns: col.Column<Retained>[] = [
  col.grant(),
  col.purpose(),
  col.column("dataHash", "data hash", (g) => <Hash value={g.dataHash} />),
  col.column("unlocksAt", "unlocks at", (g) => (
    <time dateTime={g.unlocksAt ?? undefined} data-unlocks={g.lockedUntil.toString()}>
      {formatDeadline(g.lockedUntil, "—")}
    </time>
  )),
  col.expires(),
  col.chain(),
];

const asOfColumns: col.Column<IndexedGrantAt>[] = [
  col.grant(),
  col.purpose(),
  col.status("status then"),
  col.lockedUntil(),
  col.column("changed", "last change", (g) => (
    <>
      {g.kind} at <Time seconds={g.blockTime} />
    </>
  )),
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
        // Keyed by the address: another grantee's pages start over (no cursor carried over).
        <GranteeDuties key={address} grantee={address} chain={search.chain} at={search.at} />
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
  const ready = useQuery(readyQuery);
  const atChain = chainId ?? ready.data?.chains[0]?.chainId;
  const atTime = props.at ? parseUtc(props.at) : null;
  // Pages of the grants as of the date: a cursor belongs to one chain and date, and starts over
  // when either changes.
  const asOfKey = `${atChain}-${atTime}`;
  const [asOfPage, setAsOfPage] = useState<{ key: string; cursor?: string }>({ key: asOfKey });
  const asOfCursor = asOfPage.key === asOfKey ? asOfPage.cursor : undefined;
  const asOf = useQuery({
    queryKey: ["granteeAt", props.grantee, atChain, atTime?.toString(), asOfCursor],
    queryFn: () =>
      getGranteeGrantsAt({
        grantee: props.grantee as `0x${string}`,
        chainId: atChain!,
        timestamp: atTime!,
        cursor: asOfCursor,
        limit: PAGE_SIZE,
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
        <PagedTable
          query={retention}
          testId="retention"
          caption="Locked grants and their unlock dates"
          pagerLabel="Retention duties"
          columns={retentionColumns}
          rowId={(g) => g.grantId}
          empty="No retention duty in force."
          cursor={cursor}
          onPage={setCursor}
        />
      </section>
      <section aria-labelledby="asof-heading">
        <h2 id="asof-heading">Grants as they stood at a date</h2>
        <form className="filters" onSubmit={submit}>
          <UtcInput label="Date and time (UTC)" name="at" value={date} onChange={setDate} />
          <button type="submit">Show</button>
        </form>
        {atTime !== null ? (
          <PagedTable
            query={asOf}
            testId="grantee-asof"
            caption={`Grants received, as of ${formatTime(asOf.data?.asOf.timestamp ?? atTime)} on chain ${atChain ?? "…"}`}
            pagerLabel="Grants as of the date"
            columns={asOfColumns}
            rowId={(g) => g.grantId}
            empty="No grant existed then."
            cursor={asOfCursor}
            onPage={(cursor) => setAsOfPage(cursor ? { key: asOfKey, cursor } : { key: asOfKey })}
          />
        ) : null}
      </section>
    </>
  );
}
