/**
 * Issuer keys: the list, and one key with its lineage (rotations both ways), credential types,
 * jurisdiction, validity window, every status change, and "was it trusted for type X at time T?".
 */
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useParams, useSearch } from "@tanstack/react-router";

import { getIssuer, getIssuerTrusted, type IssuerEvent, type IssuerRecord } from "../api.js";
import { issuerQuery, issuersQuery } from "../queries.js";
import { BlockTime, DataTable, ErrorNote, Fields, Hash, Page, PagedTable } from "../components.js";
import * as col from "../columns.js";
import { ChainSelect, Choice, UtcInput, plainOptions } from "../controls.js";
import { followLinks, LineageList } from "../lineage.js";
import { formatDeadline, formatTime, jurisdiction, number, parseUtc, shortHex } from "../format.js";
import { knownTypes, labelOf } from "../labels.js";

const ISSUER_STATUSES = ["active", "suspended", "removed", "rotated"];

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
  const page = useQuery(issuersQuery(search));
  // A filter change starts again from the first page.
  const filter = (key: "status" | "chain") => (value: string) =>
    void navigate({ search: { ...search, [key]: value || undefined, cursor: undefined } });
  return (
    <Page name="issuers" title="Issuer keys" busy={page.isPending}>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Issuer filters">
        <Choice
          label="Status"
          name="status"
          value={search.status ?? ""}
          any="any"
          options={plainOptions(ISSUER_STATUSES)}
          onChange={filter("status")}
        />
        <ChainSelect value={search.chain ?? ""} onChange={filter("chain")} />
      </form>
      <PagedTable
        query={page}
        testId="issuers"
        caption="Issuer keys"
        columns={keyColumns}
        rowId={(r) => r.id}
        cursor={search.cursor}
        onPage={(cursor) => void navigate({ search: { ...search, cursor } })}
      />
    </Page>
  );
}

const keyStatusColumn = <T extends { status: string }>(header: string) =>
  col.column<T>("status", header, (r) => <KeyStatus status={r.status} />);

const jurisdictionColumn = <T extends { jurisdiction: string }>() =>
  col.column<T>("jurisdiction", "jurisdiction", (r) => jurisdiction(r.jurisdiction));

const keyColumns: col.Column<IssuerRecord>[] = [
  col.column("issuer", "key", (r) => <IssuerLink chainId={r.chainId} issuer={r.issuer} />),
  keyStatusColumn("status"),
  jurisdictionColumn(),
  col.column("types", "credential types", (r) => <Types types={r.credentialTypes} />),
  col.column("validFrom", "valid from", (r) => formatDeadline(r.validFrom, "always")),
  col.column("validUntil", "valid until", (r) => formatDeadline(r.validUntil, "no end")),
  col.chain(),
];

const historyColumns: col.Column<IssuerEvent>[] = [
  col.column("action", "change", (e) => e.action),
  keyStatusColumn("status after"),
  jurisdictionColumn(),
  col.column(
    "validity",
    "validity",
    (e) => `${formatDeadline(e.validFrom, "always")} – ${formatDeadline(e.validUntil, "no end")}`,
  ),
  col.column("typeBits", "type bits", (e) => <code>0x{e.typeBits.toString(16)}</code>),
  col.column("related", "related key", (e) =>
    e.relatedKey ? <IssuerLink chainId={e.chainId} issuer={e.relatedKey} /> : "—",
  ),
  col.column("block", "block", (e) => number.format(e.blockNumber)),
  col.time(),
  col.tx(),
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
                ["last change", <BlockTime key="u" block={r.updatedBlock} seconds={r.updatedAt} />],
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
    queryFn: () =>
      followLinks({ back: record.rotatedFrom, forward: record.rotatedTo }, async (key) => {
        const keys = await getIssuer({ chainId, issuer: key as `0x${string}` });
        const same = keys?.find((r) => r.registry === record.registry);
        return { back: same?.rotatedFrom ?? null, forward: same?.rotatedTo ?? null };
      }),
  });
  return (
    <section aria-labelledby={`lineage-${record.registry}`}>
      <h2 id={`lineage-${record.registry}`}>Key lineage</h2>
      <ErrorNote error={lineage.error} />
      {lineage.data ? (
        <LineageList
          testId="lineage"
          lineage={lineage.data}
          self={record.issuer}
          link={(k) => <IssuerLink chainId={chainId} issuer={k} />}
          notes={{
            older: "rotated away",
            self: "this key",
            none: "No rotation: this key is the only one of its record.",
          }}
        />
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
        <UtcInput label="At (UTC; empty: now)" name="at" value={date} onChange={setDate} />
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
