/**
 * `.env.example` says it lists every variable the project reads. Holds it to that: every name the
 * product's sources read (`process.env.NAME`, `numberFromEnv("NAME", …)`, `env.NAME`) in the indexer,
 * the tasks, the toolkit's library and the configuration files has its `NAME=` line, and the
 * prefixes it names for the public networks are exactly the presets' (networks.config.ts).
 * The test harness (scripts/lib/harness/) and the benchmarks' parts (scripts/lib/bench/) are not the
 * product: the variables the harness sets for the processes it starts, and the benchmarks' knobs
 * (BENCH_*, FUZZ_REPORT), are documented where they are read.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { presets } from "../networks.config.js";
import { ROOT } from "../scripts/lib/deployment.js";

const SOURCES = [
  "indexer/src",
  "indexer/ponder.config.ts",
  "tasks",
  "scripts/lib",
  "deploy.config.ts",
  "networks.config.ts",
  "hardhat.config.ts",
];
const NOT_OURS = new Set(["scripts/lib/harness", "scripts/lib/bench"]);
const READ =
  /process\.env\.([A-Z][A-Z0-9_]*)|process\.env\[["']([A-Z][A-Z0-9_]*)["']\]|numberFromEnv\(\s*["']([A-Z][A-Z0-9_]*)["']|\benv\.([A-Z][A-Z0-9_]*)/g;

/** The variables read below `entry` (a file or folder relative to the repository), with a file each. */
function readVariables(entry: string, found = new Map<string, string>()): Map<string, string> {
  if (NOT_OURS.has(entry)) return found;
  const full = path.join(ROOT, entry);
  if (statSync(full).isDirectory()) {
    for (const name of readdirSync(full)) readVariables(path.join(entry, name), found);
  } else if (/\.(ts|mts|mjs|js)$/.test(entry)) {
    for (const m of readFileSync(full, "utf8").matchAll(READ)) {
      const name = m[1] ?? m[2] ?? m[3] ?? m[4]!;
      if (!found.has(name)) found.set(name, entry);
    }
  }
  return found;
}

describe(".env.example", function () {
  const example = readFileSync(path.join(ROOT, ".env.example"), "utf8");
  const listed = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));

  it("lists every variable the product's sources read", function () {
    const read = new Map<string, string>();
    for (const entry of SOURCES) readVariables(entry, read);
    // The scan itself works: names read in several places are found.
    expect(read.get("API_RATE_LIMIT"), "API_RATE_LIMIT").to.be.a("string");
    expect(read.get("PONDER_CACHE_BYTES"), "PONDER_CACHE_BYTES").to.be.a("string");
    const missing = [...read]
      .filter(([name]) => !listed.has(name))
      .map(([name, file]) => `${name} (read in ${file})`);
    expect(missing, "add a NAME= line with a comment to .env.example").to.deep.equal([]);
  });

  it("names the RPC URL and key prefixes of exactly the network presets", function () {
    const list = /PREFIX one of ([A-Z_,\s#]+)\./.exec(example)?.[1];
    expect(list, "the public networks' prefix list").to.be.a("string");
    const named = list!
      .replace(/#/g, " ")
      .split(/[,\s]+/)
      .filter(Boolean)
      .sort();
    expect(named).to.deep.equal(
      Object.values(presets)
        .map((p) => p.env)
        .sort(),
    );
  });
});
