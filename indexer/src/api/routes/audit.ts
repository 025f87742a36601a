/**
 * The audit stream: every change of every grant and issuer in a block or time range, as CSV or
 * NDJSON, streamed in keyset batches (src/api/streaming.ts).
 */
import { grantEvent, issuerEvent } from "ponder:schema";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, asc, eq, gte, lte, sql } from "ponder";

import type { ApiContext } from "../context.js";
import { mount, stringify } from "../http.js";
import { streamAuditChanges } from "../spec/grants.js";
import { STREAM_BATCH, keyset, streamed } from "../streaming.js";
import type { GrantEventRow } from "../view.js";

/** A block or a time range of the audit query, and its chain: the rows of `t` in it. */
export function inRange(
  t: typeof grantEvent | typeof issuerEvent,
  q: { fromBlock?: bigint; toBlock?: bigint; fromTime?: bigint; toTime?: bigint; chainId?: number },
) {
  const byBlock = q.fromBlock !== undefined || q.toBlock !== undefined;
  return and(
    q.chainId !== undefined ? eq(t.chainId, q.chainId) : undefined,
    byBlock ? gte(t.blockNumber, q.fromBlock ?? 0n) : gte(t.blockTime, q.fromTime ?? 0n),
    byBlock
      ? q.toBlock !== undefined
        ? lte(t.blockNumber, q.toBlock)
        : undefined
      : q.toTime !== undefined
        ? lte(t.blockTime, q.toTime)
        : undefined,
  );
}

export const CSV_COLUMNS = [
  "table",
  "chainId",
  "contract",
  "blockNumber",
  "blockTime",
  "txHash",
  "logIndex",
  "change",
  "subject",
  "owner",
  "grantee",
  "dataHash",
  "purpose",
  "status",
  "lockedUntil",
  "expiresAt",
  "related",
  "generation",
  "jurisdiction",
  "validFrom",
  "validUntil",
  "typeBits",
  "metadataHash",
] as const;

/** Where a keyset page of events starts. */
interface Key {
  block: bigint;
  log: number;
  id: string;
}

type AuditRow = Record<(typeof CSV_COLUMNS)[number], string | number | bigint | null>;
type IssuerEventRow = typeof issuerEvent.$inferSelect;

/** The leading columns of an audit row: which table, and where the change was logged. */
function loggedAt(
  table: "grant" | "issuer",
  row: GrantEventRow | IssuerEventRow,
  contract: string,
) {
  const { chainId, blockNumber, blockTime, txHash, logIndex } = row;
  return { table, chainId, contract, blockNumber, blockTime, txHash, logIndex };
}

function grantChange(g: GrantEventRow): AuditRow {
  return {
    ...loggedAt("grant", g, g.contract),
    change: g.kind,
    subject: g.grantId,
    owner: g.owner,
    grantee: g.grantee,
    dataHash: g.dataHash,
    purpose: g.purpose,
    status: g.status,
    lockedUntil: g.lockedUntil,
    expiresAt: g.expiresAt,
    related: g.relatedGrantId,
    generation: g.generation,
    jurisdiction: null,
    validFrom: null,
    validUntil: null,
    typeBits: null,
    metadataHash: null,
  };
}

function issuerChange(e: IssuerEventRow): AuditRow {
  return {
    ...loggedAt("issuer", e, e.registry),
    change: e.action,
    subject: e.issuer,
    owner: null,
    grantee: null,
    dataHash: null,
    purpose: null,
    status: e.status,
    lockedUntil: null,
    expiresAt: null,
    related: e.relatedKey,
    generation: null,
    jurisdiction: e.jurisdiction,
    validFrom: e.validFrom,
    validUntil: e.validUntil,
    typeBits: e.typeBits,
    metadataHash: e.metadataHash,
  };
}

/** A history row of either table as an audit row. */
function changeOf(row: GrantEventRow | IssuerEventRow): AuditRow {
  return "kind" in row ? grantChange(row) : issuerChange(row);
}

export function auditRoutes(ctx: ApiContext): OpenAPIHono {
  const app = new OpenAPIHono();

  mount(app, streamAuditChanges, async (c) => {
    const q = c.req.valid("query");
    ctx.clock.requireChainFilter(q.chainId);
    const format = q.format ?? "ndjson";
    c.header("content-disposition", `attachment; filename="changes.${format}"`);
    const line = (row: AuditRow) =>
      format === "csv"
        ? CSV_COLUMNS.map((k) => (row[k] === null ? "" : String(row[k]))).join(",") + "\n"
        : stringify(row) + "\n";
    const contentType = format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson";
    const range = (t: typeof grantEvent | typeof issuerEvent, after: Key | null) =>
      and(
        inRange(t, q),
        after
          ? sql`(${t.blockNumber}, ${t.logIndex}, ${t.id}) > (${after.block}, ${after.log}, ${after.id})`
          : undefined,
      );
    const keyOf = (r: { blockNumber: bigint; logIndex: number; id: string }): Key => ({
      block: r.blockNumber,
      log: r.logIndex,
      id: r.id,
    });
    const pagesOf = (t: typeof grantEvent | typeof issuerEvent) =>
      keyset(
        (after: Key | null) =>
          ctx.db
            .select()
            .from(t)
            .where(range(t, after))
            .orderBy(asc(t.blockNumber), asc(t.logIndex), asc(t.id))
            .limit(STREAM_BATCH),
        keyOf,
      );
    return streamed(c, ctx.budget, contentType, async (out) => {
      if (format === "csv") await out.write(CSV_COLUMNS.join(",") + "\n");
      // Every grant change first, then every issuer change, as the stream always was.
      for (const t of [grantEvent, issuerEvent]) {
        for await (const rows of pagesOf(t)) {
          await out.write(rows.map((r) => line(changeOf(r))).join(""));
          if (!(await out.batchDone(rows.length))) return;
        }
      }
    });
  });

  return app;
}
