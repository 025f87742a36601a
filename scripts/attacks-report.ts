/**
 * `npm run test:attacks`: runs the attack suite (faults/attacks.ts: writes and escapes, the heaviest
 * allowed request of each class, a sustained attack from one client, failing live queries, memory)
 * against 100,000 grants on PGlite, then writes the "Attacks" section of docs/reliability.md.
 * Exit code 1 when a case failed; the page is written either way.
 *
 *   ATTACK_GRANTS=20000 npm run test:attacks    a smaller data set (the goals are stated for 100,000)
 *   ATTACK_SECONDS=60 …                         a longer sustained attack (default 45)
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";

import type { AttackRecord } from "./lib/suite-records.js";
import { markdownTable, writeSection } from "./lib/doc-sections.js";
import { ROOT } from "./lib/deployment.js";

const PAGE = path.join(ROOT, "docs", "reliability.md");
const dir = mkdtempSync(path.join(tmpdir(), "grantkit-attacks-"));
const file = path.join(dir, "results.jsonl");
const started = Date.now();
const code = await new Promise<number>((resolve) => {
  const child = spawn("npx", ["hardhat", "test", "mocha", "--no-compile", "faults/attacks.ts"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, ATTACKS_RESULT_FILE: file },
  });
  child.on("close", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
const records: AttackRecord[] = existsSync(file)
  ? readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AttackRecord)
  : [];
rmSync(dir, { recursive: true, force: true });

const grants = Number(process.env.ATTACK_GRANTS ?? 100_000);
const lines = [
  `Written by \`npm run test:attacks\` (faults/attacks.ts) on ${new Date().toISOString().slice(0, 10)}: ` +
    `${grants.toLocaleString("en")} grants on embedded PGlite with the default limits, ` +
    `${cpus().length} cores, ${Math.round((Date.now() - started) / 1000)} s in all. ` +
    `${records.filter((r) => r.passed).length} of ${records.length} cases passed; ` +
    `${records.flatMap((r) => r.goals).filter((g) => g.ok).length} of ` +
    `${records.flatMap((r) => r.goals).length} performance goals met.`,
];
for (const r of records) {
  lines.push("", `### ${r.case}: ${r.passed ? "passed" : "**failed**"}`, "");
  if (r.rows.length > 0) {
    const width = Math.max(...r.rows.map((row) => row.length));
    const header =
      width === 6
        ? [
            "request",
            "status",
            "size",
            "answered in",
            "thread held (server)",
            "/health slowest (client)",
          ]
        : width === 4
          ? ["kind", "request", "status", "answered in"]
          : ["what", "measured"];
    lines.push(markdownTable(header.slice(0, width), r.rows));
  }
  if (r.goals.length > 0) {
    lines.push("");
    lines.push(
      markdownTable(
        ["goal", "measured", ""],
        r.goals.map((g) => [g.goal, g.measured, g.ok ? "ok" : "**MISS**"]),
      ),
    );
  }
  for (const n of r.notes) lines.push("", n);
  if (r.error) lines.push("", `Failure: ${r.error}`);
}
await writeSection(PAGE, "attacks", lines.join("\n"), "Attacks");
console.log(`\nwrote the Attacks section of ${path.relative(ROOT, PAGE)}`);
process.exit(code);
