/**
 * The fuzzing section of docs/reliability.md (`<!-- fuzz -->`), the last step of `npm run bench:api`:
 * the report FUZZ_REPORT names, or a fresh run of the REST fuzzing (test/e2e/api-fuzz.ts, as a
 * child process: the library does not import the tests) after the load stacks have stopped, so that
 * the two do not share the CPUs.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { FuzzReport } from "../suite-records.js";
import { fillDoc, markdown } from "./report.js";

const sum = (xs: number[]) => xs.reduce((n, x) => n + x, 0);

function fuzzMarkdown(r: FuzzReport): string {
  const routes = Object.values(r.routes);
  const codes = [...new Set(routes.flatMap((x) => Object.keys(x.statuses)))].sort();
  const rows = [
    ["route", "inputs", "valid", ...codes, "failures"],
    ...Object.entries(r.routes).map(([name, x]) => [
      `\`${name}\``,
      String(x.inputs),
      String(x.valid),
      ...codes.map((c) => String(x.statuses[c] ?? 0)),
      String(x.failures),
    ]),
    [
      "total",
      String(r.totalInputs),
      String(sum(routes.map((x) => x.valid))),
      ...codes.map((c) => String(sum(routes.map((x) => x.statuses[c] ?? 0)))),
      String(sum(routes.map((x) => x.failures))),
    ],
  ];
  const lines = [
    `\`test/e2e/api-fuzz.ts\`, seed ${r.seed}, ${r.runsPerRoute} generated requests per route, ` +
      `${r.seconds} s${r.startedAt ? ` (${r.startedAt.slice(0, 10)})` : ""}. "valid": inputs made of valid ` +
      `values only, which must answer 200 or 404, never 400.`,
    "",
    markdown(rows),
    "",
  ];
  const escape = (s: string) => s.replace(/\|/g, "\\|");
  for (const g of r.graphql) lines.push(`- GraphQL ${g.ok ? "passed" : "**failed**"}: ${g.check}.`);
  if (r.rateLimit)
    lines.push(
      `- Rate limit ${r.rateLimit.ok ? "passed" : "**failed**"}: ${escape(r.rateLimit.detail)}.`,
    );
  if (r.hostHeader)
    lines.push(
      `- Host header ${r.hostHeader.ok ? "passed" : "**failed**"}: ${escape(r.hostHeader.detail)}.`,
    );
  if (r.failures.length === 0) lines.push("- No property violation.");
  for (const f of r.failures)
    lines.push(
      `- **Violation** \`${f.route}\`: ${f.problem} (${f.count}x), e.g. \`GET ${f.request.slice(0, 160)}\` -> ` +
        `${f.status ?? "no answer"} \`${f.body.slice(0, 120).replace(/`/g, "'")}\``,
    );
  return lines.join("\n");
}

/** Runs (or reads) the fuzzing and fills `doc`'s fuzz section; the fuzzing's exit code. */
export async function fuzzIntoDoc(root: string, doc: string): Promise<number> {
  const given = process.env.FUZZ_REPORT;
  const tempDir = given ? null : mkdtempSync(path.join(tmpdir(), "grantkit-fuzz-"));
  const report = given ?? path.join(tempDir!, "fuzz.json");
  let code = 0;
  if (!given || !existsSync(report)) {
    console.log(`\nfuzzing: npx hardhat test mocha test/e2e/api-fuzz.ts (FUZZ_REPORT=${report})\n`);
    code = await new Promise<number>((resolve) => {
      const child = spawn("npx", ["hardhat", "test", "mocha", "test/e2e/api-fuzz.ts"], {
        cwd: root,
        stdio: "inherit",
        env: { ...process.env, FUZZ_REPORT: report },
      });
      child.on("close", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
  }
  const where = path.relative(root, doc);
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, "utf8")) as FuzzReport;
    if (await fillDoc(doc, "fuzz", fuzzMarkdown(r)))
      console.log(`filled <!-- fuzz --> in ${where} from ${report}`);
    else console.log(`${where} has no <!-- fuzz:start/end --> markers`);
  } else console.log("fuzzing wrote no report: the fuzz section is left as it was");
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  return code;
}
