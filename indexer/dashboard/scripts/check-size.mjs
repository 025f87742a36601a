/**
 * The first-load budget: the gzipped size of the JavaScript that index.html loads (its module
 * scripts and their modulepreloads) must stay at or under 250 kB. Also writes a `.gz` beside every
 * text asset, which the indexer serves to browsers that accept gzip. Exits 1 over budget.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET = 250 * 1000;
const dist = fileURLToPath(new URL("../dist/", import.meta.url));

const html = readFileSync(path.join(dist, "index.html"), "utf8");
const firstLoad = [
  ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
  ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
].map((m) => m[1]);

const gz = (file) => gzipSync(readFileSync(file), { level: 9 });
for (const f of readdirSync(path.join(dist, "assets")))
  if (/\.(js|css|svg|json)$/.test(f))
    writeFileSync(path.join(dist, "assets", `${f}.gz`), gz(path.join(dist, "assets", f)));

let total = 0;
const lines = [];
for (const src of new Set(firstLoad)) {
  const size = gz(path.join(dist, src.replace(/^\//, ""))).length;
  total += size;
  lines.push(`  ${src}  ${(size / 1000).toFixed(1)} kB gzipped`);
}
const css = readdirSync(path.join(dist, "assets")).filter((f) => f.endsWith(".css"));
const cssSize = css.reduce((n, f) => n + gz(path.join(dist, "assets", f)).length, 0);
console.log(
  `dashboard first load: ${(total / 1000).toFixed(1)} kB of JavaScript gzipped (budget ${BUDGET / 1000} kB), ` +
    `${(cssSize / 1000).toFixed(1)} kB of CSS\n${lines.join("\n")}`,
);
if (firstLoad.length === 0) {
  console.error("check-size: index.html loads no module script; is dist/ a Vite build?");
  process.exit(1);
}
if (total > BUDGET) {
  console.error(`check-size: over budget by ${((total - BUDGET) / 1000).toFixed(1)} kB`);
  process.exit(1);
}
