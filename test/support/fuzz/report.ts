/**
 * The fuzz suite's report: per route, the inputs, statuses, failures and slowest answer; failures
 * grouped by route, problem and answer; the GraphQL, rate-limit and Host-header checks; notes. Printed
 * as a table at the end, and written as JSON to FUZZ_REPORT (read by scripts/bench-api.ts for
 * docs/reliability.md: keep its shape).
 */

import type { FuzzReport } from "../../../scripts/lib/suite-records.js";

export type {
  Failure,
  FuzzReport,
  GraphqlCheck,
  RouteStats,
} from "../../../scripts/lib/suite-records.js";

export function printSummary(report: FuzzReport): void {
  const codes = [
    ...new Set(Object.values(report.routes).flatMap((r) => Object.keys(r.statuses))),
  ].sort();
  const header = ["route", "inputs", "valid", ...codes, "failures", "max ms"];
  const rows = Object.entries(report.routes).map(([name, r]) => [
    name,
    String(r.inputs),
    String(r.valid),
    ...codes.map((c) => String(r.statuses[c] ?? 0)),
    String(r.failures),
    r.maxMs.toFixed(0),
  ]);
  rows.push([
    "total",
    String(report.totalInputs),
    String(Object.values(report.routes).reduce((n, r) => n + r.valid, 0)),
    ...codes.map((c) =>
      String(Object.values(report.routes).reduce((n, r) => n + (r.statuses[c] ?? 0), 0)),
    ),
    String(Object.values(report.routes).reduce((n, r) => n + r.failures, 0)),
    "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    "      " +
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`\n      REST fuzz (seed ${report.seed}, ${report.runsPerRoute} runs per route):`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  for (const g of report.graphql)
    console.log(`      GraphQL ${g.ok ? "ok  " : "FAIL"} ${g.check}: ${g.detail}`);
  if (report.rateLimit)
    console.log(
      `      rate limit ${report.rateLimit.ok ? "ok" : "FAIL"}: ${report.rateLimit.detail}`,
    );
  if (report.hostHeader)
    console.log(
      `      Host header ${report.hostHeader.ok ? "ok" : "FAIL"}: ${report.hostHeader.detail}`,
    );
  for (const n of report.notes) console.log(`      note: ${n}`);
  for (const f of report.failures)
    console.log(
      `      FAILURE ${f.route}: ${f.problem} (${f.count}x), e.g. GET ${f.request.slice(0, 300)} -> ${f.status ?? "-"} ${f.body.slice(0, 300)}`,
    );
}
