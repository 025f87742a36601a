/**
 * One grant: its state now, its whole timeline (each change with block, time and transaction), the
 * replacement chain both ways, and its state as of a past block or date.
 */
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useParams, useSearch } from "@tanstack/react-router";

import { getGrantAt, sdk, type IndexedGrantEvent } from "../api.js";
import { grantQuery } from "../queries.js";
import {
  AddressLink,
  BlockTime,
  DataTable,
  ErrorNote,
  Fields,
  GrantLink,
  Hash,
  Page,
  StatusBadge,
} from "../components.js";
import * as col from "../columns.js";
import { BlockOrDate, UtcInput, type PointBy } from "../controls.js";
import { followLinks, LineageList } from "../lineage.js";
import { formatDeadline, formatTime, number, parseUtc, shortHex } from "../format.js";

type Hex = `0x${string}`;

export function GrantPage() {
  const params = useParams({ from: "/grant/$chainId/$grantId" });
  const search = useSearch({ from: "/grant/$chainId/$grantId" });
  const chainId = Number(params.chainId);
  const grantId = params.grantId.toLowerCase() as Hex;
  const contract = search.contract as Hex | undefined;
  const valid = /^0x[0-9a-f]{64}$/.test(grantId) && Number.isInteger(chainId) && chainId > 0;

  const now = useQuery({ ...grantQuery(chainId, grantId, contract), enabled: valid });
  const g = now.data?.grant;

  const historyColumns: col.Column<IndexedGrantEvent>[] = [
    col.column("n", "#", (_, index) => index + 1),
    col.column("kind", "change", (e) => e.kind),
    col.status("stored status after"),
    col.lockedUntil(),
    col.expires(),
    col.column("block", "block", (e) => (
      <Link
        to="/grant/$chainId/$grantId"
        params={params}
        search={{ contract, block: e.blockNumber.toString() }}
        aria-label={`state as of block ${e.blockNumber}`}
      >
        {number.format(e.blockNumber)}
      </Link>
    )),
    col.time(),
    col.tx(),
    col.column("related", "related grant", (e) =>
      e.relatedGrantId ? <GrantLink chainId={chainId} grantId={e.relatedGrantId} /> : "—",
    ),
  ];

  return (
    <Page name="grant" title={`Grant ${shortHex(grantId)}`} busy={valid && now.isPending}>
      {!valid ? (
        <p role="alert" className="error">
          Not a grant id: a chain id and a 32-byte hex id are needed.
        </p>
      ) : null}
      <ErrorNote error={now.error} />
      {now.data === null ? (
        <p role="alert" className="error">
          The indexer has no grant {grantId} on chain {chainId}.
        </p>
      ) : null}
      {g ? (
        <>
          <section aria-labelledby="now-heading">
            <h2 id="now-heading">State now</h2>
            <Fields
              testId="grant-now"
              items={[
                [
                  "grant id",
                  <code key="id" data-value={g.grantId}>
                    {g.grantId}
                  </code>,
                ],
                ["status", <StatusBadge key="s" status={g.status} />],
                ["stored status", g.storedStatus],
                ["access granted", g.isGranted ? "yes" : "no"],
                ["owner", <AddressLink key="o" address={g.owner} role="owner" />],
                ["grantee", <AddressLink key="g" address={g.grantee} role="grantee" />],
                ["purpose", <Hash key="p" value={g.purpose} label />],
                ["data hash", <Hash key="d" value={g.dataHash} />],
                ["locked until", formatDeadline(g.lockedUntil, "not locked")],
                ["expires", formatDeadline(g.expiresAt, "never")],
                ["created", <BlockTime key="c" block={g.createdBlock} seconds={g.createdAt} />],
                ["last change", <BlockTime key="u" block={g.updatedBlock} seconds={g.updatedAt} />],
                [
                  "chain / contract",
                  <span key="cc">
                    {g.chainId} / <Hash value={g.contract} />
                  </span>,
                ],
              ]}
            />
          </section>
          <AsOfSection
            key={`${search.block}-${search.at}`}
            chainId={chainId}
            grantId={grantId}
            contract={contract}
            block={search.block}
            at={search.at}
          />
          <ReplacementChain chainId={chainId} grantId={grantId} contract={g.contract} />
          <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <DataTable
              testId="timeline"
              caption={`Every change of this grant, oldest first (${now.data!.history.length})`}
              data={now.data!.history}
              columns={historyColumns}
              rowId={(e) => e.id}
            />
          </section>
        </>
      ) : null}
    </Page>
  );
}

/** "As of block / date": the state then, from the grant's history (the API's `/at`). */
function AsOfSection(props: {
  chainId: number;
  grantId: Hex;
  contract: Hex | undefined;
  block?: string | undefined;
  at?: string | undefined;
}) {
  const navigate = useNavigate({ from: "/grant/$chainId/$grantId" });
  const [mode, setMode] = useState<PointBy>(props.at ? "time" : "block");
  const [block, setBlock] = useState(props.block ?? "");
  const [date, setDate] = useState(props.at ?? "");
  const [problem, setProblem] = useState<string | null>(null);
  const blockNumber =
    props.block && /^[0-9]{1,15}$/.test(props.block) ? BigInt(props.block) : undefined;
  const timestamp =
    blockNumber === undefined && props.at ? (parseUtc(props.at) ?? undefined) : undefined;
  const at = useQuery({
    queryKey: [
      "grantAt",
      props.chainId,
      props.grantId,
      props.contract,
      blockNumber?.toString(),
      timestamp?.toString(),
    ],
    queryFn: () =>
      getGrantAt({
        chainId: props.chainId,
        grantId: props.grantId,
        contract: props.contract,
        block: blockNumber,
        timestamp,
      }),
    enabled: blockNumber !== undefined || timestamp !== undefined,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mode === "block") {
      if (!/^[0-9]{1,15}$/.test(block.trim())) return setProblem("Give a block number.");
      setProblem(null);
      void navigate({ search: { contract: props.contract, block: block.trim() } });
    } else {
      if (parseUtc(date) === null) return setProblem("Give a date and time (UTC).");
      setProblem(null);
      void navigate({ search: { contract: props.contract, at: date } });
    }
  };
  const then = at.data?.grant;
  return (
    <section aria-labelledby="asof-heading">
      <h2 id="asof-heading">As of a past block or date</h2>
      <form className="filters" onSubmit={submit} aria-label="Point in time">
        <BlockOrDate legend="Point in time by" value={mode} onChange={setMode} dateText="date" />
        {mode === "block" ? (
          <label>
            Block number
            <input
              name="block"
              inputMode="numeric"
              value={block}
              onChange={(e) => setBlock(e.target.value)}
            />
          </label>
        ) : (
          <UtcInput label="Date and time (UTC)" name="at" value={date} onChange={setDate} />
        )}
        <button type="submit">Show state then</button>
        {blockNumber !== undefined || timestamp !== undefined ? (
          <Link
            to="/grant/$chainId/$grantId"
            params={{ chainId: String(props.chainId), grantId: props.grantId }}
            search={{ contract: props.contract }}
          >
            Clear
          </Link>
        ) : null}
      </form>
      {problem ? (
        <p role="alert" className="error">
          {problem}
        </p>
      ) : null}
      <ErrorNote error={at.error} />
      {at.data ? (
        <div
          data-testid="grant-asof"
          aria-live="polite"
          data-block={at.data.asOf.block?.toString() ?? ""}
          data-timestamp={at.data.asOf.timestamp.toString()}
        >
          <p>
            As of{" "}
            {at.data.asOf.block !== null
              ? `block ${number.format(at.data.asOf.block)} (${formatTime(at.data.asOf.timestamp)})`
              : formatTime(at.data.asOf.timestamp)}
            :{at.data.existed ? "" : " the grant did not exist yet."}
          </p>
          {then ? (
            <Fields
              items={[
                ["status", <StatusBadge key="s" status={then.status} />],
                ["stored status", then.storedStatus],
                ["access granted", then.isGranted ? "yes" : "no"],
                [
                  "locked until",
                  <span key="l" data-raw={then.lockedUntil.toString()}>
                    {formatDeadline(then.lockedUntil, "not locked")}
                  </span>,
                ],
                [
                  "expires",
                  <span key="e" data-raw={then.expiresAt.toString()}>
                    {formatDeadline(then.expiresAt, "never")}
                  </span>,
                ],
                [
                  "last change before",
                  <span key="k">
                    {then.kind}, block {number.format(then.blockNumber)}
                  </span>,
                ],
              ]}
            />
          ) : null}
        </div>
      ) : null}
      {blockNumber === undefined && timestamp === undefined ? (
        <p className="muted">
          Pick a block (each block in the timeline is a link) or a date and time in UTC.
        </p>
      ) : null}
    </section>
  );
}

/** The grants this one replaced (back) and was replaced by (forward), followed link by link. */
function ReplacementChain(props: { chainId: number; grantId: Hex; contract: Hex }) {
  const chain = useQuery({
    queryKey: ["replacements", props.chainId, props.grantId],
    queryFn: async () => {
      const links = async (grantId: Hex) => {
        const found = await sdk.getGrant({
          chainId: props.chainId,
          grantId,
          contract: props.contract,
        });
        return { back: found?.grant.replaces ?? null, forward: found?.grant.replacedBy ?? null };
      };
      return followLinks(await links(props.grantId), links);
    },
  });
  if (!chain.data) return <ErrorNote error={chain.error} />;
  return (
    <section aria-labelledby="chain-heading">
      <h2 id="chain-heading">Replacement chain</h2>
      <LineageList
        testId="replacement-chain"
        lineage={chain.data}
        self={props.grantId}
        link={(id) => <GrantLink chainId={props.chainId} grantId={id} />}
        notes={{
          older: "replaced",
          self: "this grant",
          none: "This grant neither replaced another nor was replaced.",
        }}
      />
    </section>
  );
}
