/**
 * Audit export: a block or date range and a chain, the number of changes it holds, then a CSV or
 * NDJSON download streamed by `/v1/audit/changes` (grant changes first, then issuer changes).
 */
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useNavigate, useSearch } from "@tanstack/react-router";

import { auditChangesUrl, getAuditCount, type AuditRange } from "../api.js";
import { ErrorNote, Page } from "../components.js";
import { BlockOrDate, ChainSelect, RadioGroup, type PointBy } from "../controls.js";
import { number, parseUtc } from "../format.js";

const FORMATS = [
  { value: "csv", text: "CSV" },
  { value: "ndjson", text: "NDJSON" },
] as const;

/** One end of the range: a block number or a UTC date-time, as the range is taken by. */
function RangeEnd(props: {
  end: "from" | "to";
  by: PointBy;
  value: string;
  onChange: (value: string) => void;
}) {
  const block = props.by === "block";
  return (
    <label>
      {props.end === "from" ? "From" : "To"} {block ? "block" : "(UTC)"}
      <input
        name={props.end}
        type={block ? "text" : "datetime-local"}
        step={1}
        inputMode={block ? "numeric" : undefined}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={block ? (props.end === "from" ? "0" : "latest") : undefined}
      />
    </label>
  );
}

/** The range in the URL as the API's parameters, or a reason it is not one. */
function rangeOf(s: {
  by?: string;
  from?: string;
  to?: string;
  chain?: string;
}): AuditRange | string {
  const chainId = s.chain ? Number(s.chain) : undefined;
  if (s.by === "time") {
    const fromTime = s.from ? parseUtc(s.from) : 0n;
    const toTime = s.to ? parseUtc(s.to) : undefined;
    if (fromTime === null || toTime === null) return "Give the dates as date and time (UTC).";
    return { fromTime: fromTime ?? 0n, toTime, chainId };
  }
  const num = (v: string | undefined) =>
    v === undefined ? undefined : /^[0-9]{1,15}$/.test(v) ? BigInt(v) : null;
  const fromBlock = num(s.from);
  const toBlock = num(s.to);
  if (fromBlock === null || toBlock === null) return "Give the blocks as whole numbers.";
  return { fromBlock: fromBlock ?? 0n, toBlock, chainId };
}

export function ExportPage() {
  const search = useSearch({ from: "/export" });
  const navigate = useNavigate({ from: "/export" });
  const [by, setBy] = useState<PointBy>(search.by === "time" ? "time" : "block");
  const [from, setFrom] = useState(search.from ?? "");
  const [to, setTo] = useState(search.to ?? "");
  const [chain, setChain] = useState(search.chain ?? "");
  const format = search.format === "ndjson" ? "ndjson" : "csv";
  const range = rangeOf(search);
  const count = useQuery({
    queryKey: [
      "auditCount",
      typeof range === "string"
        ? range
        : Object.entries(range)
            .map(([k, v]) => `${k}=${v}`)
            .join("&"),
    ],
    queryFn: () => getAuditCount(range as AuditRange),
    enabled: typeof range !== "string",
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void navigate({
      search: {
        by,
        from: from || undefined,
        to: to || undefined,
        chain: chain || undefined,
        format,
      },
    });
  };
  // The ends typed for one kind of range mean nothing in the other.
  const changeBy = (next: PointBy) => {
    setBy(next);
    setFrom("");
    setTo("");
  };
  return (
    <Page name="export" title="Audit export" busy={typeof range !== "string" && count.isPending}>
      <p>
        Every change of every grant and issuer key in a range, as evidence: one row per change with
        its block, time and transaction. The count is what the download will hold.
      </p>
      <form className="filters" onSubmit={submit} aria-label="Export range">
        <BlockOrDate legend="Range by" value={by} onChange={changeBy} dateText="date (UTC)" />
        <RangeEnd end="from" by={by} value={from} onChange={setFrom} />
        <RangeEnd end="to" by={by} value={to} onChange={setTo} />
        <ChainSelect value={chain} onChange={setChain} />
        <button type="submit">Count changes</button>
      </form>
      {typeof range === "string" ? (
        <p role="alert" className="error">
          {range}
        </p>
      ) : null}
      <ErrorNote error={count.error} />
      {count.data && typeof range !== "string" ? (
        <section aria-labelledby="download-heading">
          <h2 id="download-heading">Download</h2>
          <p data-testid="export-count" data-total={count.data.total}>
            <strong>{number.format(count.data.total)}</strong> changes:{" "}
            {number.format(count.data.grantChanges)} of grants,{" "}
            {number.format(count.data.issuerChanges)} of issuer keys.
          </p>
          <RadioGroup
            className="inline-fieldset"
            legend="Format"
            name="format"
            value={format}
            options={FORMATS}
            onChange={(f) => void navigate({ search: { ...search, format: f } })}
          />
          <p>
            <a
              className="button"
              data-testid="export-download"
              href={auditChangesUrl(range, format)}
              download
            >
              Download {number.format(count.data.total)} changes as {format.toUpperCase()}
            </a>
          </p>
        </section>
      ) : null}
    </Page>
  );
}
