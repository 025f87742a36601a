/**
 * One direction of dependencies (issue 15): every relative import of the project's source, read with
 * TypeScript's own import scanner, resolved to a file. Fails when
 * - anything outside test/ imports from test/ (scripts/, faults/, indexer/, tasks/ …: the shared test
 *   harness lives in scripts/lib/harness/, below the tests, fault suites and benchmarks);
 * - scripts/lib/ (the toolkit's library, the harness included) imports from faults/;
 * - two top-level folders import each other, directly or round a longer loop (scripts ↔ faults,
 *   scripts/lib ↔ ignition, scripts/lib ↔ indexer …). The project's root files (hardhat.config.ts …)
 *   count one by one.
 * Package imports (`hardhat`, `ponder`, the workspaces' package names) are not followed.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import ts from "typescript";

import { ROOT } from "../scripts/lib/deployment.js";

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
/** Folders that hold no source of ours: dependencies, build output, generated files. */
const SKIP = new Set([
  "node_modules",
  ".git",
  "dist",
  "generated",
  ".ponder",
  "artifacts",
  "cache",
  "coverage",
  "test-results",
]);
/** Generated at the root by the build (typechain). */
const SKIP_AT_ROOT = new Set(["types"]);

/** Every source file below `dir`, as paths relative to the repository. */
function sourceFiles(dir = ROOT): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || (dir === ROOT && SKIP_AT_ROOT.has(entry.name))) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(full));
    else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts"))
      found.push(path.relative(ROOT, full).split(path.sep).join("/"));
  }
  return found;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The file a relative specifier names (`./x.js` is `./x.ts` in the source), or null. */
function resolveImport(from: string, specifier: string): string | null {
  const base = path.resolve(ROOT, path.dirname(from), specifier);
  const stem = base.replace(/\.(js|mjs|cjs|jsx)$/, "");
  const candidates = [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    `${stem}.cts`,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, "index.ts"),
    path.join(base, "index.js"),
  ];
  const hit = candidates.find(isFile);
  return hit ? path.relative(ROOT, hit).split(path.sep).join("/") : null;
}

interface Edge {
  from: string;
  to: string;
}

/** Every relative import (static, re-export, dynamic, type-only) of every source file. */
function importEdges(files: string[]): Edge[] {
  const edges: Edge[] = [];
  for (const from of files) {
    const info = ts.preProcessFile(readFileSync(path.join(ROOT, from), "utf8"), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const to = resolveImport(from, fileName);
      if (to === null) throw new Error(`${from}: cannot resolve the import "${fileName}"`);
      edges.push({ from, to });
    }
  }
  return edges;
}

/** The top-level folder of a file (a root file is a unit of its own). */
function unitOf(file: string): string {
  const [first, ...rest] = file.split("/");
  return rest.length === 0 ? file : first!;
}

/** Cycles among the units: each strongly connected component of more than one unit, with its edges. */
function unitCycles(edges: Edge[]): string[] {
  const graph = new Map<string, Map<string, Edge>>();
  for (const e of edges) {
    const [a, b] = [unitOf(e.from), unitOf(e.to)];
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Map());
    if (!graph.get(a)!.has(b)) graph.get(a)!.set(b, e);
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return components.map((c) => {
    const inside = c.flatMap((a) =>
      [...(graph.get(a) ?? [])]
        .filter(([b]) => c.includes(b))
        .map(([b, e]) => `  ${a} -> ${b} (e.g. ${e.from} imports ${e.to})`),
    );
    return `${c.join(", ")}:\n${inside.join("\n")}`;
  });
}

describe("layering: one direction of dependencies", function () {
  const edges = importEdges(sourceFiles());

  it("reads the project's imports (sanity: the harness and its importers are seen)", function () {
    expect(edges.length).to.be.greaterThan(100);
    expect(edges).to.deep.include({
      from: "faults/faults.ts",
      to: "scripts/lib/harness/indexer.ts",
    });
  });

  it("nothing outside test/ imports from test/", function () {
    const bad = edges
      .filter((e) => !e.from.startsWith("test/") && e.to.startsWith("test/"))
      .map((e) => `${e.from} imports ${e.to}`);
    expect(bad, bad.join("\n")).to.deep.equal([]);
  });

  it("scripts/lib/ (the harness included) imports nothing of faults/", function () {
    const bad = edges
      .filter((e) => e.from.startsWith("scripts/lib/") && e.to.startsWith("faults/"))
      .map((e) => `${e.from} imports ${e.to}`);
    expect(bad, bad.join("\n")).to.deep.equal([]);
  });

  it("no two top-level folders import each other, directly or round a loop", function () {
    const cycles = unitCycles(edges);
    expect(cycles, `import cycles between folders:\n${cycles.join("\n")}`).to.deep.equal([]);
  });
});
