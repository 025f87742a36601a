/**
 * What `npm run bench:api` prints and writes: plain-text and Markdown tables, the read path's goals
 * (issue 14) judged `ok`/`MISS`, the machine and commit the figures come from, and the filling of a
 * page's `<!-- name:start -->`/`<!-- name:end -->` section (written as Prettier would write it).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

import * as prettier from "prettier";

import type { Figures } from "./autocannon.js";
import { CASES, type CaseName } from "./cases.js";

export function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  "))
    .join("\n");
}

export function markdown(rows: string[][]): string {
  const [head, ...body] = rows;
  return [
    `| ${head!.join(" | ")} |`,
    `| ${head!.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...body.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** Replaces what is between `<!-- name:start -->` and `<!-- name:end -->` in `text`, or null. */
export function fill(text: string, name: string, content: string): string | null {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a === -1 || b === -1 || b < a) return null;
  return `${text.slice(0, a + start.length)}\n${content.trim()}\n${text.slice(b)}`;
}

/** Fills section `name` of the page `file`; false when the page has no such markers. */
export async function fillDoc(file: string, name: string, content: string): Promise<boolean> {
  const text = fill(readFileSync(file, "utf8"), name, content);
  if (text === null) return false;
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
  return true;
}

export function machine(): string {
  let n = String(cpus().length);
  try {
    n = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    // no coreutils: the count Node sees
  }
  const model = cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${n} vCPU (nproc), ${model}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`;
}

/** The commit the figures come from, "+ changes" when the worktree differs from it. */
export function commit(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" });
    const head = git("rev-parse", "--short", "HEAD").trim();
    return git("status", "--porcelain").trim() === "" ? head : `${head} + uncommitted changes`;
  } catch {
    return "unknown (no git)";
  }
}

/** What one database's run measured: over the API, and the same SQL straight on the database. */
export interface DbRun {
  db: "pglite" | "postgres";
  version: string;
  api: Record<CaseName, Figures>;
  direct: Record<"coldId" | "coldOwner" | "coldGrantee", Figures>;
}

interface Goal {
  what: string;
  measured: string;
  goal: string;
  ok: boolean;
}

const ms = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** Issue 14's goals on one database's figures. */
export function goals(r: DbRun): Goal[] {
  const out: Goal[] = [];
  for (const c of ["coldId", "coldOwner", "coldGrantee"] as const) {
    const p99 = r.api[c].p99;
    out.push({
      what: `p99, ${CASES[c]}`,
      measured: `${ms(p99)} ms`,
      goal: "≤ 20 ms",
      ok: p99 <= 20,
    });
  }
  for (const c of ["coldId", "coldOwner", "coldGrantee"] as const) {
    const ratio = r.api[c].rps / r.direct[c].rps;
    out.push({
      what: `API / direct SQL, ${CASES[c]}`,
      measured: pct(ratio),
      goal: "≥ 50%",
      ok: ratio >= 0.5,
    });
  }
  const hot = r.api.hotId.rps / r.api.health.rps;
  out.push({ what: `hot ids / \`/health\``, measured: pct(hot), goal: "≥ 25%", ok: hot >= 0.25 });
  const rest = r.api.ownerFirst.rps / r.api.graphqlOwner.rps;
  out.push({
    what: "REST / GraphQL, owner's first 50",
    measured: `${rest.toFixed(1)}x`,
    goal: "≥ 5x",
    ok: rest >= 5,
  });
  // Clean runs only: a ratio over errors would flatter whichever side failed fast.
  for (const [name, f] of Object.entries({ ...r.api, ...prefixed(r.direct) }))
    if (f.errors > 0 || f.non2xx > 0)
      out.push({
        what: `no failures, ${name}`,
        measured: `${f.errors} errors, ${f.non2xx} non-2xx`,
        goal: "0",
        ok: false,
      });
  return out;
}

function prefixed(d: DbRun["direct"]): Record<string, Figures> {
  return Object.fromEntries(Object.entries(d).map(([k, f]) => [`direct ${k}`, f]));
}

/** The figures table: every API case, then each direct case. */
export function figureRows(r: DbRun): string[][] {
  const row = (name: string, f: Figures) => [
    name,
    f.rps.toFixed(0),
    ms(f.p50),
    ms(f.p99),
    String(f.errors),
    String(f.non2xx),
    f.cpuMs === undefined ? "" : f.cpuMs.toFixed(3),
  ];
  return [
    ["case", "requests/s", "p50 ms", "p99 ms", "errors", "non-2xx", "API CPU ms/answer"],
    ...(Object.keys(CASES) as CaseName[]).map((c) => row(`API: ${CASES[c]}`, r.api[c])),
    ...(["coldId", "coldOwner", "coldGrantee"] as const).map((c) =>
      row(`SQL on the database: ${CASES[c]}`, r.direct[c]),
    ),
  ];
}

export function goalRows(r: DbRun): string[][] {
  return [
    ["goal", "measured", "target", ""],
    ...goals(r).map((g) => [g.what, g.measured, g.goal, g.ok ? "ok" : "MISS"]),
  ];
}

/** The section of docs/performance.md for one database. */
export function performanceSection(
  r: DbRun,
  o: { grants: number; seconds: number; connections: number; machine: string; commit: string },
): string {
  const met = goals(r).filter((g) => g.ok).length;
  return [
    `${r.version}, ${o.grants.toLocaleString("en-US")} grants, ${o.connections} connections, ` +
      `${o.seconds} s per case, ${new Date().toISOString().slice(0, 10)}, commit ${o.commit}. ` +
      `Machine: ${o.machine}.`,
    "",
    markdown(figureRows(r)),
    "",
    `${met} of ${goals(r).length} goals met:`,
    "",
    markdown(goalRows(r)),
  ].join("\n");
}
