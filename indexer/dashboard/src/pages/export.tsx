/**
 * Audit export: a block or date range and a chain, the number of changes it holds, then a CSV or
 * NDJSON download streamed by `/v1/audit/changes` (grant changes first, then issuer changes).
 */
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useNavigate, useSearch } from "@tanstack/react-router";

import { auditChangesUrl, getAuditCount, getReadiness, type AuditRange } from "../api.js";
import { ErrorNote, Page } from "../components.js";
import { number, parseUtc } from "../format.js";

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
  const ready = useQuery({ queryKey: ["ready"], queryFn: getReadiness, staleTime: 0 });
  const [by, setBy] = useState(search.by === "time" ? "time" : "block");
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
  const inputType = by === "time" ? "datetime-local" : "text";
  return (
    <Page name="export" title="Audit export" busy={typeof range !== "string" && count.isPending}>
      <p>
        Every change of every grant and issuer key in a range, as evidence: one row per change with
        its block, time and transaction. The count is what the download will hold.
      </p>
      <form className="filters" onSubmit={submit} aria-label="Export range">
        <fieldset>
          <legend>Range by</legend>
          <label>
            <input
              type="radio"
              name="by"
              value="block"
              checked={by === "block"}
              onChange={() => {
                setBy("block");
                setFrom("");
                setTo("");
              }}
            />{" "}
            block
          </label>
          <label>
            <input
              type="radio"
              name="by"
              value="time"
              checked={by === "time"}
              onChange={() => {
                setBy("time");
                setFrom("");
                setTo("");
              }}
            />{" "}
            date (UTC)
          </label>
        </fieldset>
        <label>
          From {by === "time" ? "(UTC)" : "block"}
          <input
            name="from"
            type={inputType}
            step={1}
            inputMode={by === "block" ? "numeric" : undefined}
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            placeholder={by === "block" ? "0" : undefined}
          />
        </label>
        <label>
          To {by === "time" ? "(UTC)" : "block"}
          <input
            name="to"
            type={inputType}
            step={1}
            inputMode={by === "block" ? "numeric" : undefined}
            value={to}
            onChange={(e) => setTo(e.target.value)}
            placeholder={by === "block" ? "latest" : undefined}
          />
        </label>
        <label>
          Chain
          <select name="chain" value={chain} onChange={(e) => setChain(e.target.value)}>
            <option value="">all chains</option>
            {ready.data?.chains.map((c) => (
              <option key={c.chainId} value={String(c.chainId)}>
                {c.chainId}
              </option>
            ))}
          </select>
        </label>
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
          <fieldset className="inline-fieldset">
            <legend>Format</legend>
            {(["csv", "ndjson"] as const).map((f) => (
              <label key={f}>
                <input
                  type="radio"
                  name="format"
                  value={f}
                  checked={format === f}
                  onChange={() => void navigate({ search: { ...search, format: f } })}
                />{" "}
                {f.toUpperCase()}
              </label>
            ))}
          </fieldset>
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
