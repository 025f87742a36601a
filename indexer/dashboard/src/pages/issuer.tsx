/**
 * Issuer keys: the list, and one key with its lineage (rotations both ways), credential types,
 * jurisdiction, validity window, every status change, and "was it trusted for type X at time T?".
 */
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useParams, useSearch } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";

import {
  getIssuer,
  getIssuerTrusted,
  getReadiness,
  listIssuers,
  type IssuerEvent,
  type IssuerRecord,
} from "../api.js";
import { issuerQuery, issuersQuery } from "../queries.js";
import { DataTable, ErrorNote, Fields, Hash, Page, Pager, Time, TxLink } from "../components.js";
import { formatDeadline, formatTime, jurisdiction, number, parseUtc, shortHex } from "../format.js";
import { knownTypes, labelOf } from "../labels.js";

const ISSUER_STATUSES = ["active", "suspended", "removed", "rotated"];
const MAX_HOPS = 20;

function IssuerLink({ chainId, issuer }: { chainId: number; issuer: string }) {
  return (
    <Link to="/issuer/$chainId/$issuer" params={{ chainId: String(chainId), issuer }} search={{}}>
      <Hash value={issuer} />
    </Link>
  );
}

function KeyStatus({ status }: { status: string }) {
  return <span className={`badge key-${status}`}>{status}</span>;
}

function Types({ types }: { types: string[] }) {
  if (types.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="inline">
      {types.map((t) => (
        <li key={t}>
          <Hash value={t} label />
        </li>
      ))}
    </ul>
  );
}

export function IssuersPage() {
  const search = useSearch({ from: "/issuers" });
  const navigate = useNavigate({ from: "/issuers" });
  const ready = useQuery({ queryKey: ["ready"], queryFn: getReadiness, staleTime: 0 });
  const params = {
    chainId: search.chain ? Number(search.chain) : undefined,
    status: search.status,
    cursor: search.cursor,
  };
  const page = useQuery(issuersQuery(params));
  const columns: ColumnDef<IssuerRecord, unknown>[] = [
    {
      id: "issuer",
      header: "key",
      cell: (c) => <IssuerLink chainId={c.row.original.chainId} issuer={c.row.original.issuer} />,
    },
    { id: "status", header: "status", cell: (c) => <KeyStatus status={c.row.original.status} /> },
    {
      id: "jurisdiction",
      header: "jurisdiction",
      cell: (c) => jurisdiction(c.row.original.jurisdiction),
    },
    {
      id: "types",
      header: "credential types",
      cell: (c) => <Types types={c.row.original.credentialTypes} />,
    },
    {
      id: "validFrom",
      header: "valid from",
      cell: (c) => formatDeadline(c.row.original.validFrom, "always"),
    },
    {
      id: "validUntil",
      header: "valid until",
      cell: (c) => formatDeadline(c.row.original.validUntil, "no end"),
    },
    { id: "chainId", header: "chain", cell: (c) => c.row.original.chainId },
  ];
  return (
    <Page name="issuers" title="Issuer keys" busy={page.isPending}>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Issuer filters">
        <label>
          Status
          <select
            value={search.status ?? ""}
            onChange={(e) =>
              void navigate({
                search: { ...search, status: e.target.value || undefined, cursor: undefined },
              })
            }
          >
            <option value="">any</option>
            {ISSUER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Chain
          <select
            value={search.chain ?? ""}
            onChange={(e) =>
              void navigate({
                search: { ...search, chain: e.target.value || undefined, cursor: undefined },
              })
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
      </form>
      <ErrorNote error={page.error} />
      <DataTable
        testId="issuers"
        caption="Issuer keys"
        data={page.data?.items ?? []}
        columns={columns}
        rowId={(r) => r.id}
      />
      <Pager
        label="Issuer keys"
        cursor={search.cursor}
        nextCursor={page.data?.nextCursor}
        onPage={(cursor) => void navigate({ search: { ...search, cursor } })}
      />
    </Page>
  );
}

const historyColumns: ColumnDef<IssuerEvent, unknown>[] = [
  { id: "action", header: "change", cell: (c) => c.row.original.action },
  {
    id: "status",
    header: "status after",
    cell: (c) => <KeyStatus status={c.row.original.status} />,
  },
  {
    id: "jurisdiction",
    header: "jurisdiction",
    cell: (c) => jurisdiction(c.row.original.jurisdiction),
  },
  {
    id: "validity",
    header: "validity",
    cell: (c) =>
      `${formatDeadline(c.row.original.validFrom, "always")} – ${formatDeadline(c.row.original.validUntil, "no end")}`,
  },
  {
    id: "typeBits",
    header: "type bits",
    cell: (c) => <code>0x{c.row.original.typeBits.toString(16)}</code>,
  },
  {
    id: "related",
    header: "related key",
    cell: (c) =>
      c.row.original.relatedKey ? (
        <IssuerLink chainId={c.row.original.chainId} issuer={c.row.original.relatedKey} />
      ) : (
        "—"
      ),
  },
  { id: "block", header: "block", cell: (c) => number.format(c.row.original.blockNumber) },
  { id: "time", header: "time", cell: (c) => <Time seconds={c.row.original.blockTime} /> },
  { id: "tx", header: "transaction", cell: (c) => <TxLink hash={c.row.original.txHash} /> },
];

export function IssuerPage() {
  const params = useParams({ from: "/issuer/$chainId/$issuer" });
  const search = useSearch({ from: "/issuer/$chainId/$issuer" });
  const chainId = Number(params.chainId);
  const issuer = params.issuer.toLowerCase();
  const valid = /^0x[0-9a-f]{40}$/.test(issuer) && Number.isInteger(chainId) && chainId > 0;
  const record = useQuery({ ...issuerQuery(chainId, issuer), enabled: valid });
  return (
    <Page name="issuer" title={`Issuer key ${shortHex(issuer)}`} busy={valid && record.isPending}>
      {!valid ? (
        <p role="alert" className="error">
          Not an issuer key: a chain id and a 20-byte address are needed.
        </p>
      ) : null}
      <ErrorNote error={record.error} />
      {record.data === null ? (
        <p role="alert" className="error">
          No issuer key {issuer} on chain {chainId}.
        </p>
      ) : null}
      {record.data?.map((r) => (
        <div key={r.id} data-registry={r.registry}>
          <section aria-labelledby={`key-${r.registry}`}>
            <h2 id={`key-${r.registry}`}>
              In registry <Hash value={r.registry} />
            </h2>
            <Fields
              testId="issuer-now"
              items={[
                ["key", <code key="k">{r.issuer}</code>],
                ["status", <KeyStatus key="s" status={r.status} />],
                ["jurisdiction", jurisdiction(r.jurisdiction)],
                ["credential types", <Types key="t" types={r.credentialTypes} />],
                ["valid from", formatDeadline(r.validFrom, "always")],
                ["valid until", formatDeadline(r.validUntil, "no end")],
                ["metadata hash", r.metadataHash ? <Hash key="m" value={r.metadataHash} /> : "—"],
                [
                  "last change",
                  <span key="u">
                    block {number.format(r.updatedBlock)}, <Time seconds={r.updatedAt} />
                  </span>,
                ],
              ]}
            />
          </section>
          <Lineage chainId={chainId} record={r} />
          <section aria-labelledby={`history-${r.registry}`}>
            <h2 id={`history-${r.registry}`}>Status changes</h2>
            <DataTable
              testId="issuer-history"
              caption={`Every change of this key (${r.history.length})`}
              data={r.history}
              columns={historyColumns}
              rowId={(e) => e.id}
            />
          </section>
        </div>
      ))}
      {record.data && record.data.length > 0 ? (
        <TrustedCheck
          key={`${search.type}-${search.at}`}
          chainId={chainId}
          issuer={issuer}
          types={record.data.flatMap((r) => r.credentialTypes)}
          registry={record.data.length > 1 ? record.data[0]!.registry : undefined}
          type={search.type}
          at={search.at}
        />
      ) : null}
    </Page>
  );
}

/** The keys this one was rotated from (older) and to (newer). */
function Lineage({ chainId, record }: { chainId: number; record: IssuerRecord }) {
  const lineage = useQuery({
    queryKey: ["lineage", chainId, record.issuer, record.rotatedFrom, record.rotatedTo],
    queryFn: async () => {
      const sameRegistry = async (key: string) =>
        (await getIssuer({ chainId, issuer: key as `0x${string}` }))?.find(
          (r) => r.registry === record.registry,
        );
      const older: string[] = [];
      const newer: string[] = [];
      let back = record.rotatedFrom;
      while (back && older.length < MAX_HOPS) {
        older.unshift(back);
        back = (await sameRegistry(back))?.rotatedFrom ?? null;
      }
      let forward = record.rotatedTo;
      while (forward && newer.length < MAX_HOPS) {
        newer.push(forward);
        forward = (await sameRegistry(forward))?.rotatedTo ?? null;
      }
      return { older, newer };
    },
  });
  return (
    <section aria-labelledby={`lineage-${record.registry}`}>
      <h2 id={`lineage-${record.registry}`}>Key lineage</h2>
      <ErrorNote error={lineage.error} />
      {lineage.data && lineage.data.older.length + lineage.data.newer.length === 0 ? (
        <p className="muted" data-testid="lineage">
          No rotation: this key is the only one of its record.
        </p>
      ) : lineage.data ? (
        <ol className="chain" data-testid="lineage">
          {lineage.data.older.map((k) => (
            <li key={k} data-direction="older">
              <IssuerLink chainId={chainId} issuer={k} />{" "}
              <span className="muted">(rotated away)</span>
            </li>
          ))}
          <li data-direction="self" aria-current="true">
            <Hash value={record.issuer} /> <span className="muted">(this key)</span>
          </li>
          {lineage.data.newer.map((k) => (
            <li key={k} data-direction="newer">
              <IssuerLink chainId={chainId} issuer={k} />
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

/** "Was this key trusted for type X at time T?" (the API's `/trusted`, the registry's `wasTrusted`). */
function TrustedCheck(props: {
  chainId: number;
  issuer: string;
  types: string[];
  registry: string | undefined;
  type: string | undefined;
  at: string | undefined;
}) {
  const navigate = useNavigate({ from: "/issuer/$chainId/$issuer" });
  const [type, setType] = useState(props.type ?? "");
  const [date, setDate] = useState(props.at ?? "");
  const at = props.at ? (parseUtc(props.at) ?? undefined) : undefined;
  const answer = useQuery({
    queryKey: ["trusted", props.chainId, props.issuer, props.type, at?.toString()],
    queryFn: () =>
      getIssuerTrusted({
        chainId: props.chainId,
        issuer: props.issuer as `0x${string}`,
        type: props.type!,
        at,
        registry: props.registry as `0x${string}` | undefined,
      }),
    enabled: props.type !== undefined,
  });
  const options = [...new Set([...props.types, ...knownTypes])];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (type.trim() === "") return;
    void navigate({ search: { type: type.trim(), at: date || undefined } });
  };
  return (
    <section aria-labelledby="trusted-heading">
      <h2 id="trusted-heading">Was this key trusted?</h2>
      <form className="filters" onSubmit={submit} aria-label="Trust check">
        <label>
          Credential type (label or hash)
          <input
            name="type"
            list="type-options"
            value={type}
            onChange={(e) => setType(e.target.value)}
            spellCheck={false}
            required
          />
        </label>
        <datalist id="type-options">
          {options.map((t) => (
            <option key={t} value={t.startsWith("0x") ? (labelOf(t) ?? t) : t} />
          ))}
        </datalist>
        <label>
          At (UTC; empty: now)
          <input
            type="datetime-local"
            step={1}
            name="at"
            value={date}
            onChange={(e) => setDate(e.target.value)}
          />
        </label>
        <button type="submit">Check</button>
      </form>
      <ErrorNote error={answer.error} />
      {answer.data ? (
        <p
          data-testid="trusted-answer"
          data-trusted={String(answer.data.trusted)}
          data-at={answer.data.at.toString()}
          role="status"
        >
          <strong>{answer.data.trusted ? "Trusted" : "Not trusted"}</strong> for{" "}
          <Hash value={answer.data.credentialType} label /> at {formatTime(answer.data.at)}
          {answer.data.record
            ? `: the record then was ${answer.data.record.status} (${answer.data.record.action} at block ${answer.data.record.blockNumber}).`
            : ": the key had no record then."}
        </p>
      ) : null}
    </section>
  );
}
