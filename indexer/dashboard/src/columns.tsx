/**
 * Table columns the pages share: one definition per kind of cell (a grant link, a purpose, a status,
 * a deadline, a chain, a time, a transaction), typed by the fields a row needs, so that the same cell
 * looks the same on every page. Pages import the module as `col` (`col.grant()`, `col.status()`).
 */
import type { ReactNode } from "react";
import type { ColumnDef } from "@tanstack/react-table";

import { GrantLink, Hash, StatusBadge, Time, TxLink } from "./components.js";
import { formatDeadline } from "./format.js";

export type Column<T> = ColumnDef<T, unknown>;

/** A column from its id (the cells' `data-col`, which the browser tests read), header and cell. */
export function column<T>(
  id: string,
  header: string,
  cell: (row: T, index: number) => ReactNode,
): Column<T> {
  return { id, header, cell: (c) => cell(c.row.original, c.row.index) };
}

export const grant = <T extends { chainId: number; grantId: string }>() =>
  column<T>("grantId", "grant", (r) => <GrantLink chainId={r.chainId} grantId={r.grantId} />);

export const purpose = <T extends { purpose: string }>() =>
  column<T>("purpose", "purpose", (r) => <Hash value={r.purpose} label />);

export const status = <T extends { status: string }>(header = "status") =>
  column<T>("status", header, (r) => <StatusBadge status={r.status} />);

export const lockedUntil = <T extends { lockedUntil: bigint }>() =>
  column<T>("lockedUntil", "locked until", (r) => formatDeadline(r.lockedUntil, "—"));

export const expires = <T extends { expiresAt: bigint }>() =>
  column<T>("expiresAt", "expires", (r) => formatDeadline(r.expiresAt, "never"));

export const chain = <T extends { chainId: number }>() =>
  column<T>("chainId", "chain", (r) => r.chainId);

export const time = <T extends { blockTime: bigint }>() =>
  column<T>("time", "time", (r) => <Time seconds={r.blockTime} />);

export const tx = <T extends { txHash: string }>() =>
  column<T>("tx", "transaction", (r) => <TxLink hash={r.txHash} />);
