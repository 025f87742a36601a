/**
 * The API load of docs/reliability.md ("API load", `<!-- load -->`), part of `npm run bench:api`: a
 * mix of routes (lookups by id, filtered pages, point-in-time, retention, issuers, stats, a GraphQL
 * query) at rising connection counts, then each route alone for a moment at 4 connections, to see
 * which ones set the mix's pace.
 */
import {
  cannon,
  get,
  graphqlPost,
  preflight,
  type CannonRequest,
  type Figures,
} from "./autocannon.js";
import { markdown, table } from "./report.js";
import type { Seeded } from "./seed.js";

interface Route {
  name: string;
  request: CannonRequest;
}

export interface LoadSettings {
  db: "pglite" | "postgres";
  grants: number;
  /** Seconds per level. */
  duration: number;
  levels: number[];
  /** Seconds per route alone (0 skips them). */
  perRoute: number;
  machine: string;
}

/** The mix: 20 requests per cycle, lookups by id most often. */
export function mix(s: Seeded, chainId: number): Route[] {
  const g = (name: string, p: string): Route => ({ name, request: get(p) });
  const id = (i: number) => s.ids[(i * 37) % s.ids.length]!;
  const grantee = (i: number) => s.grantees[i % s.grantees.length]!;
  const owner = (i: number) => s.owners[i % s.owners.length]!;
  const byId = (i: number) => g("grant by id", `/v1/grants/${chainId}/${id(i)}`);
  return [
    byId(0),
    g("grants of a grantee (50)", `/v1/grants?grantee=${grantee(0)}&limit=50`),
    byId(1),
    g("grants of an owner (50)", `/v1/grants?owner=${owner(1)}&limit=50`),
    byId(2),
    g("active grants of a grantee (20)", `/v1/grants?grantee=${grantee(1)}&status=active&limit=20`),
    g("grant at a block", `/v1/grants/${chainId}/${id(3)}/at?block=${s.midBlock}`),
    byId(4),
    g("locked grants (50)", `/v1/grants?status=locked&limit=50`),
    g(
      "grantee's grants at a time (20)",
      `/v1/grantees/${grantee(2)}/grants/at?chainId=${chainId}&timestamp=${s.midTime}&limit=20`,
    ),
    g("retention of a grantee (20)", `/v1/grantees/${grantee(3)}/retention?limit=20`),
    byId(5),
    g("issuers (20)", `/v1/issuers?limit=20`),
    g("one issuer", `/v1/issuers/${chainId}/${s.issuers[3]}`),
    g("issuer trusted", `/v1/issuers/${chainId}/${s.issuers[4]}/trusted?type=kyc.basic`),
    g("stats by status", `/v1/stats?by=status`),
    g("grants by purpose (20)", `/v1/grants?purpose=onboarding&owner=${owner(2)}&limit=20`),
    g("stats by grantee", `/v1/stats?by=grantee&limit=10`),
    {
      name: "GraphQL: 20 grants of a grantee",
      request: graphqlPost(
        `{ grants(where: { grantee: "${grantee(4)}" }, limit: 20) { items { id status lockedUntil expiresAt } } }`,
      ),
    },
    byId(6),
  ];
}

function levelRow(connections: number, f: Figures): string[] {
  return [
    String(connections),
    f.rps.toFixed(0),
    String(f.p50),
    String(f.p99),
    String(f.errors),
    String(f.non2xx),
    String(f.fiveXx),
    String(f.total),
  ];
}

/** Runs the mix at each level and each route alone; prints the tables, returns the doc section. */
export async function runLoad(
  api: string,
  routes: Route[],
  o: LoadSettings,
  alive: () => boolean,
): Promise<string> {
  await preflight(api, routes);
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
  console.log(`  load mix: warm-up 3 s at 4 connections`);
  await cannon(api, requests, 4, 3);
  perRoute.clear();

  const levels: { connections: number; f: Figures }[] = [];
  for (const connections of o.levels) {
    process.stdout.write(`  load mix: ${connections} connection(s), ${o.duration} s… `);
    const f = await cannon(api, requests, connections, o.duration);
    levels.push({ connections, f });
    console.log(`${f.rps.toFixed(0)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms`);
    if (!alive()) throw new Error("the indexer died under load");
  }
  const routeRows = [["route (alone, 4 connections)", "requests/s", "p50 ms", "p99 ms", "non-2xx"]];
  if (o.perRoute > 0)
    for (const r of routes.filter((r, i) => routes.findIndex((x) => x.name === r.name) === i)) {
      const f = await cannon(api, [r.request], 4, o.perRoute);
      const bad = String(f.non2xx + f.errors);
      routeRows.push([r.name, f.rps.toFixed(0), String(f.p50), String(f.p99), bad]);
    }

  const rows = [
    ["connections", "requests/s", "p50 ms", "p99 ms", "errors", "non-2xx", "5xx", "requests"],
    ...levels.map((l) => levelRow(l.connections, l.f)),
  ];
  const best = levels
    .filter((l) => l.f.errors === 0 && l.f.fiveXx === 0)
    .reduce<(typeof levels)[number] | null>(
      (b, l) => (b === null || l.f.rps > b.f.rps ? l : b),
      null,
    );
  const bestLine = best
    ? `Highest rate with 0 errors and no 5xx: ${best.f.rps.toFixed(0)} requests/s at ${best.connections} connection(s) (p99 ${best.f.p99} ms).`
    : "No level ran without errors or 5xx.";
  const badRoutes = [...perRoute.entries()]
    .map(([name, counts]) => [name, Object.entries(counts).filter(([c]) => c !== "200")] as const)
    .filter(([, bad]) => bad.length > 0)
    .map(([name, bad]) => `${name}: ${bad.map(([c, n]) => `${n}x ${c}`).join(", ")}`);

  console.log(
    `\nAPI load mix (${o.db}, ${routes.length}-request cycle)\n${table(rows)}\n${bestLine}`,
  );
  if (routeRows.length > 1) console.log(`\n${table(routeRows)}`);
  if (badRoutes.length > 0) console.log(`non-200 answers by route:\n  ${badRoutes.join("\n  ")}`);

  const names = [...new Set(routes.map((r) => r.name))].join("; ");
  return [
    `\`npm run bench:api\` (${new Date().toISOString().slice(0, 10)}): ${o.db === "pglite" ? "PGlite" : "PostgreSQL"}, ` +
      `${o.grants.toLocaleString("en-US")} grants, autocannon from the same machine, ${o.duration} s per level, ` +
      `API_RATE_LIMIT=0. Machine: ${o.machine}.`,
    "",
    markdown(rows),
    "",
    bestLine,
    "",
    `Mix (${routes.length} requests per cycle, each connection in turn): ${names}.`,
    ...(routeRows.length > 1
      ? ["", `Each route alone for ${o.perRoute} s at 4 connections:`, "", markdown(routeRows)]
      : []),
    ...(badRoutes.length > 0 ? ["", `Non-200 answers: ${badRoutes.join("; ")}.`] : []),
  ].join("\n");
}
