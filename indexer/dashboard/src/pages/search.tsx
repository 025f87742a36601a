/**
 * What a typed value is: a grant id, a transaction, a purpose or credential type (by hash or by
 * label). One match goes straight to its page; several are listed. Also the transaction page.
 */
import { useEffect } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useParams, useSearch } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";

import { search, type SearchMatch, type TxChange } from "../api.js";
import { DataTable, ErrorNote, GrantLink, Hash, Page, Time } from "../components.js";
import { searchQuery } from "../queries.js";
import { number, shortHex } from "../format.js";

type Navigate = ReturnType<typeof useNavigate>;

/** Where one match leads. */
function go(navigate: Navigate, m: SearchMatch, replace: boolean) {
  switch (m.type) {
    case "grant":
      return navigate({
        to: "/grant/$chainId/$grantId",
        params: { chainId: String(m.chainId), grantId: m.grantId },
        search: {},
        replace,
      });
    case "transaction":
      return navigate({ to: "/tx/$hash", params: { hash: m.txHash }, replace });
    case "purpose":
      return navigate({ to: "/grants", search: { purpose: m.purpose }, replace });
    case "address":
      return navigate({
        to: "/address/$address",
        params: { address: m.address },
        search: {},
        replace,
      });
    case "credentialType":
      return navigate({ to: "/issuers", search: {}, replace });
  }
}

function MatchLink({ m }: { m: SearchMatch }) {
  switch (m.type) {
    case "grant":
      return (
        <>
          Grant <GrantLink chainId={m.chainId} grantId={m.grantId} /> on chain {m.chainId}
        </>
      );
    case "transaction":
      return (
        <>
          Transaction{" "}
          <Link to="/tx/$hash" params={{ hash: m.txHash }}>
            <Hash value={m.txHash} />
          </Link>{" "}
          ({m.changes.length} changes, block {number.format(m.blockNumber)})
        </>
      );
    case "purpose":
      return (
        <>
          Purpose{" "}
          <Link to="/grants" search={{ purpose: m.purpose }}>
            {m.label ?? <Hash value={m.purpose} label />}
          </Link>
        </>
      );
    case "address":
      return (
        <>
          Address{" "}
          <Link to="/address/$address" params={{ address: m.address }} search={{}}>
            <Hash value={m.address} />
          </Link>
        </>
      );
    case "credentialType":
      return (
        <>
          Credential type {m.label ?? <Hash value={m.typeId} label />} (registered on{" "}
          {m.registries.map((r) => `chain ${r.chainId}`).join(", ")});{" "}
          <Link to="/issuers" search={{}}>
            see the issuer keys
          </Link>
        </>
      );
  }
}

export function SearchPage() {
  const { q = "" } = useSearch({ from: "/search" });
  const navigate = useNavigate();
  const answer = useQuery({ ...searchQuery(q), enabled: q !== "" });
  const matches = answer.data?.matches ?? [];
  const only = matches.length === 1 ? matches[0] : undefined;
  useEffect(() => {
    if (only) void go(navigate, only, true);
  }, [only, navigate]);
  return (
    <Page
      name="search"
      title={`Search: ${q.length > 24 ? shortHex(q) : q}`}
      busy={q !== "" && answer.isPending}
    >
      <ErrorNote error={answer.error} />
      {answer.data && matches.length === 0 ? (
        <p data-testid="no-match">
          Nothing matches <code>{q}</code>: not a grant id, transaction, address or purpose this
          indexer has seen. Grant ids and transaction hashes are 0x and 64 hex digits; addresses 0x
          and 40.
        </p>
      ) : null}
      {matches.length > 1 ? (
        <ul data-testid="matches">
          {matches.map((m, i) => (
            <li key={i}>
              <MatchLink m={m} />
            </li>
          ))}
        </ul>
      ) : null}
    </Page>
  );
}

const changeColumns: ColumnDef<TxChange, unknown>[] = [
  { id: "logIndex", header: "log", cell: (c) => c.row.original.logIndex },
  {
    id: "table",
    header: "of",
    cell: (c) => (c.row.original.table === "grant" ? "grant" : "issuer key"),
  },
  { id: "change", header: "change", cell: (c) => c.row.original.change },
  {
    id: "subject",
    header: "subject",
    cell: (c) =>
      c.row.original.table === "grant" ? (
        <GrantLink chainId={c.row.original.chainId} grantId={c.row.original.subject} />
      ) : (
        <Link
          to="/issuer/$chainId/$issuer"
          params={{ chainId: String(c.row.original.chainId), issuer: c.row.original.subject }}
          search={{}}
        >
          <Hash value={c.row.original.subject} />
        </Link>
      ),
  },
];

export function TxPage() {
  const { hash } = useParams({ from: "/tx/$hash" });
  const answer = useQuery(searchQuery(hash.toLowerCase()));
  const tx = answer.data?.matches.find((m) => m.type === "transaction");
  return (
    <Page name="tx" title={`Transaction ${shortHex(hash)}`} busy={answer.isPending}>
      <ErrorNote error={answer.error} />
      <p>
        <code>{hash}</code>
      </p>
      {answer.data && !tx ? <p>No indexed change came from this transaction.</p> : null}
      {tx && tx.type === "transaction" ? (
        <>
          <p>
            Chain {tx.chainId}, block {number.format(tx.blockNumber)},{" "}
            <Time seconds={tx.blockTime} />.
          </p>
          <DataTable
            testId="tx-changes"
            caption={`Changes made by this transaction (${tx.changes.length})`}
            data={tx.changes}
            columns={changeColumns}
            rowId={(c) => `${c.table}-${c.logIndex}-${c.subject}`}
          />
        </>
      ) : null}
    </Page>
  );
}
