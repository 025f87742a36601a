/**
 * `npm run bench:api` (a benchmark, not a test): the REST API and GraphQL under load. Starts a stack
 * (scripts/lib/harness/indexer.ts: `hardhat node`, deploy, Ponder on PGlite; BENCH_DB=postgres for a
 * private PostgreSQL 17 server), seeds about 10,000 grants (BENCH_GRANTS) in batches and 20 issuer
 * keys, then runs autocannon against a mix of routes (lookups by id, filtered pages, point-in-time,
 * retention, issuers, stats, a GraphQL query) at increasing connection counts (BENCH_CONNECTIONS,
 * default 1,4,16,32), BENCH_DURATION seconds each (default 10), rate limit off. Only 127.0.0.1.
 *
 * Prints connections, requests/s, p50, p99, errors and non-2xx per level, and the highest rate with
 * no errors and no 5xx. If docs/reliability.md has `<!-- load:start -->`/`<!-- load:end -->`, the
 * table goes between them. Then, with the load stack stopped, it runs the REST fuzzing
 * (test/e2e/api-fuzz.ts) and puts its summary between `<!-- fuzz:start -->`/`<!-- fuzz:end -->`; an
 * existing report named by FUZZ_REPORT is used instead, and BENCH_FUZZ=0 skips the fuzzing.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";

import { getAddress, keccak256, toBeHex } from "ethers";
import { network } from "hardhat";
import * as prettier from "prettier";

import { startIndexerStack, type IndexerStack } from "./lib/harness/indexer.js";
import { jurisdictionCode, ROOT, typeId } from "./lib/deployment.js";
import { computeGrantId, purposeHash } from "./lib/grants.js";

// ------------------------------------------------------------------ autocannon (no bundled types)

interface Histogram {
  average: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

interface CannonRequest {
  method?: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  onResponse?: (status: number, body: string) => void;
}

interface CannonResult {
  requests: Histogram;
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}

type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  requests: CannonRequest[];
}) => Promise<CannonResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

// ------------------------------------------------------------------ settings

const DB = process.env.BENCH_DB === "postgres" ? "postgres" : "pglite";
const GRANTS = Number(process.env.BENCH_GRANTS ?? 10_000);
const PER_TX = 500;
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const LEVELS = (process.env.BENCH_CONNECTIONS ?? "1,4,16,32")
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
/** BENCH_DOC points elsewhere (e.g. a copy, to try the filling). */
/** Seconds per route for the per-route breakdown at 4 connections (0 skips it). */
const PER_ROUTE = Number(process.env.BENCH_PER_ROUTE ?? 2);
const DOC = process.env.BENCH_DOC ?? path.join(ROOT, "docs", "reliability.md");
const DAY = 86_400n;
const PURPOSES = ["onboarding", "aml-check", "marketing"];
const TYPES = ["kyc.basic", "kyc.enhanced", "aml.screening"];

interface Level {
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  fiveXx: number;
  total: number;
}

function machine(): string {
  let n = String(cpus().length);
  try {
    n = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    // no coreutils: the count Node sees
  }
  const model = cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${n} vCPU (nproc), ${model}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`;
}

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  "))
    .join("\n");
}

function markdown(rows: string[][]): string {
  const [head, ...body] = rows;
  return [
    `| ${head!.join(" | ")} |`,
    `| ${head!.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...body.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** Writes the page as Prettier would (the lint checks it). */
async function writeDoc(text: string): Promise<void> {
  const options = (await prettier.resolveConfig(DOC)) ?? {};
  writeFileSync(DOC, await prettier.format(text, { ...options, filepath: DOC }));
}

/** Replaces what is between `<!-- name:start -->` and `<!-- name:end -->` in `text`, or null. */
function fill(text: string, name: string, content: string): string | null {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a === -1 || b === -1 || b < a) return null;
  return `${text.slice(0, a + start.length)}\n${content.trim()}\n${text.slice(b)}`;
}

// ------------------------------------------------------------------ seeding

interface Seeded {
  ids: string[];
  owners: string[];
  grantees: string[];
  issuers: string[];
  midBlock: number;
  midTime: bigint;
  seconds: number;
}

async function seed(stack: IndexerStack): Promise<Seeded> {
  const t0 = performance.now();
  const connection = await network.create({
    network: "localhost",
    override: { url: stack.node.url },
  });
  try {
    const { ethers } = connection;
    const signers = await ethers.getSigners();
    const grants = await ethers.getContractAt(
      "AccessGrants",
      stack.record.contracts.AccessGrants!.address,
    );
    const registry = await ethers.getContractAt(
      "IssuerRegistry",
      stack.record.contracts.IssuerRegistry!.address,
    );
    const owners = signers.slice(5, 15);
    const grantees = signers.slice(15, 20).map((s) => s.address);
    const latest = await ethers.provider.getBlock("latest");
    const now = BigInt(latest!.timestamp);
    const ids: string[] = [];
    let midBlock = 0;
    let midTime = 0n;
    const batches = Math.ceil(GRANTS / PER_TX);
    for (let b = 0; b < batches; b++) {
      const owner = owners[b % owners.length]!;
      const params = Array.from({ length: Math.min(PER_TX, GRANTS - b * PER_TX) }, (_, k) => {
        const n = b * PER_TX + k;
        return {
          grantee: grantees[(b + k) % grantees.length]!,
          dataHash: keccak256(toBeHex(n + 1, 32)),
          purpose: purposeHash(PURPOSES[k % PURPOSES.length]!),
          // Every tenth grant is under a retention lock, every seventh expires in a year.
          lockedUntil: k % 10 === 0 ? now + 30n * DAY : 0n,
          expiresAt: k % 7 === 0 ? now + 365n * DAY : 0n,
        };
      });
      const receipt = await (
        await grants.connect(owner).grantBatch(params, { gasLimit: 16_000_000 })
      ).wait();
      if (b === Math.floor(batches / 2) && receipt) {
        midBlock = receipt.blockNumber;
        midTime = BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
      }
      for (const p of params.filter((_, k) => k % 50 === 1))
        ids.push(computeGrantId({ owner: owner.address, ...p }));
      // Some history: revoke a few unlocked grants of every fourth batch.
      if (b % 4 === 0) {
        const keys = params
          .filter((_, k) => k % 10 === 3)
          .slice(0, 40)
          .map((p) => ({ grantee: p.grantee, dataHash: p.dataHash, purpose: p.purpose }));
        await (await grants.connect(owner).revokeBatch(keys, { gasLimit: 8_000_000 })).wait();
      }
    }
    const registrar = signers[1]!;
    const issuers: string[] = [];
    for (let i = 0; i < 20; i++) {
      const key = getAddress(keccak256(toBeHex(1_000_000 + i, 32)).slice(0, 42));
      issuers.push(key);
      await (
        await registry
          .connect(registrar)
          .addIssuer(
            key,
            TYPES.filter((_, bit) => ((i + 1) >> bit) & 1).map(typeId),
            jurisdictionCode(["CH", "DE", "US", ""][i % 4]!),
            0,
            0,
            keccak256(toBeHex(2_000_000 + i, 32)),
          )
      ).wait();
    }
    return {
      ids,
      owners: owners.map((o) => o.address),
      grantees,
      issuers,
      midBlock,
      midTime,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await connection.close();
  }
}

// ------------------------------------------------------------------ the mix

interface Route {
  name: string;
  request: CannonRequest;
}

function mix(s: Seeded, chainId: number): Route[] {
  const g = (name: string, p: string): Route => ({ name, request: { method: "GET", path: p } });
  const id = (i: number) => s.ids[(i * 37) % s.ids.length]!;
  const grantee = (i: number) => s.grantees[i % s.grantees.length]!;
  const owner = (i: number) => s.owners[i % s.owners.length]!;
  const gql = (name: string, query: string): Route => ({
    name,
    request: {
      method: "POST",
      path: "/graphql",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    },
  });
  return [
    g("grant by id", `/v1/grants/${chainId}/${id(0)}`),
    g("grants of a grantee (50)", `/v1/grants?grantee=${grantee(0)}&limit=50`),
    g("grant by id", `/v1/grants/${chainId}/${id(1)}`),
    g("grants of an owner (50)", `/v1/grants?owner=${owner(1)}&limit=50`),
    g("grant by id", `/v1/grants/${chainId}/${id(2)}`),
    g("active grants of a grantee (20)", `/v1/grants?grantee=${grantee(1)}&status=active&limit=20`),
    g("grant at a block", `/v1/grants/${chainId}/${id(3)}/at?block=${s.midBlock}`),
    g("grant by id", `/v1/grants/${chainId}/${id(4)}`),
    g("locked grants (50)", `/v1/grants?status=locked&limit=50`),
    g(
      "grantee's grants at a time (20)",
      `/v1/grantees/${grantee(2)}/grants/at?chainId=${chainId}&timestamp=${s.midTime}&limit=20`,
    ),
    g("retention of a grantee (20)", `/v1/grantees/${grantee(3)}/retention?limit=20`),
    g("grant by id", `/v1/grants/${chainId}/${id(5)}`),
    g("issuers (20)", `/v1/issuers?limit=20`),
    g("one issuer", `/v1/issuers/${chainId}/${s.issuers[3]}`),
    g("issuer trusted", `/v1/issuers/${chainId}/${s.issuers[4]}/trusted?type=kyc.basic`),
    g("stats by status", `/v1/stats?by=status`),
    g("grants by purpose (20)", `/v1/grants?purpose=onboarding&owner=${owner(2)}&limit=20`),
    g("stats by grantee", `/v1/stats?by=grantee&limit=10`),
    gql(
      "GraphQL: 20 grants of a grantee",
      `{ grants(where: { grantee: "${grantee(4).toLowerCase()}" }, limit: 20) { items { id status lockedUntil expiresAt } } }`,
    ),
    g("grant by id", `/v1/grants/${chainId}/${id(6)}`),
  ];
}

// ------------------------------------------------------------------ fuzz report (docs)

interface FuzzReport {
  seed: number;
  runsPerRoute: number;
  seconds: number;
  totalInputs: number;
  routes: Record<
    string,
    { inputs: number; valid: number; statuses: Record<string, number>; failures: number }
  >;
  failures: {
    route: string;
    problem: string;
    count: number;
    request: string;
    status: number | null;
    body: string;
  }[];
  graphql: { check: string; ok: boolean; detail: string }[];
  rateLimit: { ok: boolean; detail: string } | null;
  hostHeader?: { ok: boolean; detail: string } | null;
  startedAt?: string;
}

function fuzzMarkdown(r: FuzzReport): string {
  const codes = [
    ...new Set(Object.values(r.routes).flatMap((x) => Object.keys(x.statuses))),
  ].sort();
  const rows = [
    ["route", "inputs", "valid", ...codes.map((c) => `${c}`), "failures"],
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
      String(Object.values(r.routes).reduce((n, x) => n + x.valid, 0)),
      ...codes.map((c) =>
        String(Object.values(r.routes).reduce((n, x) => n + (x.statuses[c] ?? 0), 0)),
      ),
      String(Object.values(r.routes).reduce((n, x) => n + x.failures, 0)),
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
  for (const g of r.graphql) lines.push(`- GraphQL ${g.ok ? "passed" : "**failed**"}: ${g.check}.`);
  if (r.rateLimit)
    lines.push(
      `- Rate limit ${r.rateLimit.ok ? "passed" : "**failed**"}: ${r.rateLimit.detail.replace(/\|/g, "\\|")}.`,
    );
  if (r.hostHeader)
    lines.push(
      `- Host header ${r.hostHeader.ok ? "passed" : "**failed**"}: ${r.hostHeader.detail.replace(/\|/g, "\\|")}.`,
    );
  if (r.failures.length === 0) lines.push("- No property violation.");
  for (const f of r.failures)
    lines.push(
      `- **Violation** \`${f.route}\`: ${f.problem} (${f.count}x), e.g. \`GET ${f.request.slice(0, 160)}\` -> ` +
        `${f.status ?? "no answer"} \`${f.body.slice(0, 120).replace(/`/g, "'")}\``,
    );
  return lines.join("\n");
}

// ------------------------------------------------------------------ main

const started = performance.now();
console.log(`bench:api on ${DB}: starting the stack…`);
const stack = await startIndexerStack(DB);
let exitCode = 0;
try {
  console.log(`  start-up (s): ${JSON.stringify(stack.timings)}`);
  console.log(`  seeding ${GRANTS} grants (${PER_TX} per transaction) and 20 issuer keys…`);
  const s = await seed(stack);
  const caught = await stack.waitCaughtUp(300_000);
  console.log(
    `  seeded in ${s.seconds.toFixed(1)} s; indexer caught up with block ${caught.head} ${caught.seconds} s later`,
  );
  const routes = mix(s, stack.chainId);

  // Every route must answer 200 before the load starts: a benchmark of 404s measures nothing.
  for (const r of routes) {
    const res = await fetch(`${stack.api}${r.request.path}`, {
      method: r.request.method,
      headers: r.request.headers,
      body: r.request.body,
    });
    const text = await res.text();
    if (res.status !== 200 || (r.request.path === "/graphql" && text.includes('"errors"')))
      throw new Error(`${r.name} answered ${res.status}: ${text.slice(0, 300)}`);
  }

  // Statuses per route, counted by autocannon's response hook.
  const perRoute = new Map<string, Record<string, number>>();
  const requests: CannonRequest[] = routes.map((r) => ({
    ...r.request,
    onResponse: (status: number) => {
      const counts = perRoute.get(r.name) ?? {};
      counts[status] = (counts[status] ?? 0) + 1;
      perRoute.set(r.name, counts);
    },
  }));

  console.log(`  warm-up: 3 s at 4 connections`);
  await autocannon({ url: stack.api, connections: 4, duration: 3, requests });
  perRoute.clear();

  const levels: Level[] = [];
  for (const connections of LEVELS) {
    process.stdout.write(`  ${connections} connection(s), ${DURATION} s… `);
    const r = await autocannon({
      url: stack.api,
      connections,
      duration: DURATION,
      timeout: 10,
      requests,
    });
    const fiveXx = Object.entries(r.statusCodeStats ?? {})
      .filter(([code]) => Number(code) >= 500)
      .reduce((n, [, v]) => n + v.count, 0);
    const total = Object.values(r.statusCodeStats ?? {}).reduce((n, v) => n + v.count, 0);
    const level: Level = {
      connections,
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
      fiveXx,
      total,
    };
    levels.push(level);
    console.log(
      `${level.rps.toFixed(0)} req/s, p50 ${level.p50} ms, p99 ${level.p99} ms, ${level.errors} errors, ${level.non2xx} non-2xx`,
    );
    if (!stack.alive()) throw new Error(`the indexer died under load:\n${stack.logTail()}`);
  }

  // Each route alone, briefly: which ones set the mix's pace.
  const routeRows: string[][] = [
    ["route (alone, 4 connections)", "requests/s", "p50 ms", "p99 ms", "non-2xx"],
  ];
  if (PER_ROUTE > 0) {
    const seen = new Set<string>();
    for (const r of routes) {
      if (seen.has(r.name)) continue;
      seen.add(r.name);
      const res = await autocannon({
        url: stack.api,
        connections: 4,
        duration: PER_ROUTE,
        timeout: 10,
        requests: [r.request],
      });
      routeRows.push([
        r.name,
        res.requests.average.toFixed(0),
        String(res.latency.p50),
        String(res.latency.p99),
        String(res.non2xx + res.errors),
      ]);
    }
  }

  const rows = [
    ["connections", "requests/s", "p50 ms", "p99 ms", "errors", "non-2xx", "5xx", "requests"],
    ...levels.map((l) => [
      String(l.connections),
      l.rps.toFixed(0),
      String(l.p50),
      String(l.p99),
      String(l.errors),
      String(l.non2xx),
      String(l.fiveXx),
      String(l.total),
    ]),
  ];
  const clean = levels.filter((l) => l.errors === 0 && l.fiveXx === 0);
  const best = clean.reduce<Level | null>((b, l) => (b === null || l.rps > b.rps ? l : b), null);
  const bestLine = best
    ? `highest rate with 0 errors and no 5xx: ${best.rps.toFixed(0)} requests/s at ${best.connections} connection(s) (p99 ${best.p99} ms)`
    : "no level ran without errors or 5xx";
  const badRoutes = [...perRoute.entries()]
    .map(([name, counts]) => [name, Object.entries(counts).filter(([c]) => c !== "200")] as const)
    .filter(([, bad]) => bad.length > 0)
    .map(([name, bad]) => `${name}: ${bad.map(([c, n]) => `${n}x ${c}`).join(", ")}`);
  const where = machine();

  console.log(
    `\nAPI load (${DB}, ${GRANTS} grants, ${routes.length}-request mix of ${new Set(routes.map((r) => r.name)).size} routes, ` +
      `${DURATION} s per level, API_RATE_LIMIT=0)\nmachine: ${where}\n`,
  );
  console.log(table(rows));
  console.log(`\n${bestLine}`);
  if (routeRows.length > 1) console.log(`\n${table(routeRows)}`);
  if (badRoutes.length > 0) console.log(`non-200 answers by route:\n  ${badRoutes.join("\n  ")}`);

  // docs/reliability.md, if another hand has written it with the markers.
  if (existsSync(DOC)) {
    let doc = readFileSync(DOC, "utf8");
    const routeList = [...new Set(routes.map((r) => r.name))].join("; ");
    const load = [
      `\`npm run bench:api\` (${new Date().toISOString().slice(0, 10)}): ${DB === "pglite" ? "PGlite" : "PostgreSQL"}, ` +
        `${GRANTS.toLocaleString("en-US")} grants, autocannon from the same machine, ${DURATION} s per level, ` +
        `API_RATE_LIMIT=0. Machine: ${where}.`,
      "",
      markdown(rows),
      "",
      `${bestLine[0]!.toUpperCase()}${bestLine.slice(1)}.`,
      "",
      `Mix (${routes.length} requests per cycle, each connection in turn): ${routeList}.`,
      ...(routeRows.length > 1
        ? ["", `Each route alone for ${PER_ROUTE} s at 4 connections:`, "", markdown(routeRows)]
        : []),
      ...(badRoutes.length > 0 ? ["", `Non-200 answers: ${badRoutes.join("; ")}.`] : []),
    ].join("\n");
    const withLoad = fill(doc, "load", load);
    if (withLoad) {
      doc = withLoad;
      console.log(`\nfilled <!-- load --> in ${path.relative(ROOT, DOC)}`);
    } else console.log(`\n${path.relative(ROOT, DOC)} has no <!-- load:start/end --> markers`);
    await writeDoc(doc);
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await stack.stop();
}

// The fuzzing figures: the report FUZZ_REPORT names, or a fresh run of test/e2e/api-fuzz.ts (after
// the load stack has stopped, so the two do not share the CPUs). BENCH_FUZZ=0 skips it.
if (exitCode === 0 && process.env.BENCH_FUZZ !== "0" && existsSync(DOC)) {
  const tempDir = process.env.FUZZ_REPORT
    ? null
    : mkdtempSync(path.join(tmpdir(), "grantkit-fuzz-"));
  const report = process.env.FUZZ_REPORT ?? path.join(tempDir!, "fuzz.json");
  if (!process.env.FUZZ_REPORT || !existsSync(report)) {
    console.log(`\nfuzzing: npx hardhat test mocha test/e2e/api-fuzz.ts (FUZZ_REPORT=${report})\n`);
    const code = await new Promise<number>((resolve) => {
      const child = spawn("npx", ["hardhat", "test", "mocha", "test/e2e/api-fuzz.ts"], {
        cwd: ROOT,
        stdio: "inherit",
        env: { ...process.env, FUZZ_REPORT: report },
      });
      child.on("close", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
    if (code !== 0) exitCode = code;
  }
  if (existsSync(report)) {
    const withFuzz = fill(
      readFileSync(DOC, "utf8"),
      "fuzz",
      fuzzMarkdown(JSON.parse(readFileSync(report, "utf8")) as FuzzReport),
    );
    if (withFuzz) {
      await writeDoc(withFuzz);
      console.log(`filled <!-- fuzz --> in ${path.relative(ROOT, DOC)} from ${report}`);
    } else console.log(`${path.relative(ROOT, DOC)} has no <!-- fuzz:start/end --> markers`);
  } else console.log("fuzzing wrote no report: the fuzz section is left as it was");
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(exitCode);
