/**
 * The first-load budget: the JavaScript a first visit to any page downloads, gzipped, must stay at
 * or under 250 kB: what index.html loads (its module script and modulepreloads) plus the page's own
 * chunk and the chunks that one imports. Prints every page's total; exits 1 over budget. Also writes
 * a `.gz` beside every text asset, which the indexer serves to browsers that accept gzip.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET = 250 * 1000;
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const assets = path.join(dist, "assets");
const gz = (file) => gzipSync(readFileSync(file), { level: 9 });
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

for (const f of readdirSync(assets))
  if (/\.(js|css|svg|json)$/.test(f))
    writeFileSync(path.join(assets, `${f}.gz`), gz(path.join(assets, f)));

const html = readFileSync(path.join(dist, "index.html"), "utf8");
const entry = [
  ...html.matchAll(/<script[^>]+type="module"[^>]+src="\/assets\/([^"]+)"/g),
  ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/assets\/([^"]+)"/g),
].map((m) => m[1]);
if (entry.length === 0) {
  console.error("check-size: index.html loads no module script; is dist/ a Vite build?");
  process.exit(1);
}

const size = new Map();
const imports = new Map();
for (const f of readdirSync(assets).filter((f) => f.endsWith(".js"))) {
  size.set(f, gz(path.join(assets, f)).length);
  const code = readFileSync(path.join(assets, f), "utf8");
  imports.set(
    f,
    [...code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)].map((m) => m[1]),
  );
}
/** A chunk and everything it imports, transitively. */
function closure(files) {
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of imports.get(f) ?? []) visit(i);
  };
  files.forEach(visit);
  return seen;
}
const base = closure(entry);
const sum = (files) => [...files].reduce((n, f) => n + (size.get(f) ?? 0), 0);
const pages = [...size.keys()]
  .filter((f) => !base.has(f))
  .map((f) => ({ chunk: f, total: sum(new Set([...base, ...closure([f])])) }))
  .sort((a, b) => b.total - a.total);
const worst = pages[0]?.total ?? sum(base);
console.log(
  `dashboard first load (JavaScript, gzipped; budget ${kB(BUDGET)}): shared ${kB(sum(base))}, ` +
    `worst page ${kB(worst)}\n` +
    pages.map((p) => `  ${p.chunk.padEnd(28)} ${kB(p.total)}`).join("\n"),
);
if (worst > BUDGET) {
  console.error(`check-size: over budget by ${kB(worst - BUDGET)}`);
  process.exit(1);
}
