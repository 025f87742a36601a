/**
 * The gas table of `npm run bench:gas` (our operations, their floors and the peers' costs, from
 * ./gas.ts and ./gas-peers.ts) and the committed snapshot (gas-snapshot.json: operation name to
 * gas) that the snapshot test compares each run with.
 */
import { readFileSync, writeFileSync } from "node:fs";

import type { GasRow } from "./gas.js";

export const GAS_SNAPSHOT_PATH = new URL("../../gas-snapshot.json", import.meta.url);

const PEER_COLUMNS = [
  ["EAS", "EAS (measured)"],
  ["ERC-3643", "ERC-3643 (measured)"],
  ["idOS", "idOS (estimate)"],
] as const;

/** Formats rows as a fixed-width table with ratios to the floor and each peer's cost (peer/ours). */
export function formatGasTable(rows: GasRow[]): string {
  const header = [
    "operation",
    "gas",
    "floor",
    "gas/floor",
    "target",
    ...PEER_COLUMNS.map(([, title]) => title),
  ];
  const body = rows.map((r) => [
    r.op,
    r.gas.toLocaleString("en-US"),
    r.floor === null ? "-" : r.floor.toLocaleString("en-US"),
    r.floor === null ? "-" : (r.gas / r.floor).toFixed(3),
    r.target === null || r.floor === null
      ? "-"
      : r.gas <= r.floor * r.target
        ? `<=${r.target} ok`
        : `<=${r.target} MISS`,
    ...PEER_COLUMNS.map(([peer]) => {
      const cost = r.peers.find((c) => c.peer === peer);
      return cost ? `${cost.gas.toLocaleString("en-US")} (${(cost.gas / r.gas).toFixed(1)}x)` : "-";
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/** One line per peer cost in the table: which of the peer's operations it is, and its source. */
export function formatPeerLegend(rows: GasRow[]): string {
  const lines: string[] = [];
  for (const r of rows)
    for (const c of r.peers)
      lines.push(
        `${r.op}: ${c.peer} ${c.op}${c.measured ? "" : `, estimate ${c.source ?? "from its source"}`}`,
      );
  return lines.join("\n");
}

/** The snapshot: operation name to gas. */
export type GasSnapshot = Record<string, number>;

export function readGasSnapshot(): GasSnapshot {
  return JSON.parse(readFileSync(GAS_SNAPSHOT_PATH, "utf8")) as GasSnapshot;
}

export function writeGasSnapshot(rows: GasRow[]): void {
  const snapshot: GasSnapshot = Object.fromEntries(rows.map((r) => [r.op, r.gas]));
  writeFileSync(GAS_SNAPSHOT_PATH, JSON.stringify(snapshot, null, 2) + "\n");
}
