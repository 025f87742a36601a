/**
 * The read path's cases of `npm run bench:api` (issue 14), each alone at one connection count: Ponder's
 * `/health` (the server's floor), a grant by id over a hot set of 100 ids, a grant by id, an owner's
 * and a grantee's page of 50 with keys drawn uniformly over all grants (cold: a page starts after a
 * random grant of that owner or grantee), an owner's first 50 over REST and the same over Ponder's
 * GraphQL.
 */
import {
  cannon,
  drawn,
  get,
  graphqlPost,
  preflight,
  type CannonRequest,
  type Figures,
} from "./autocannon.js";
import { cpuMsOf } from "../processes.js";
import { rowId, type Seeded } from "./seed.js";

export const CASES = {
  health: "/health",
  hotId: "grant by id, 100 hot ids",
  coldId: "grant by id, cold",
  coldOwner: "owner's page of 50, cold",
  coldGrantee: "grantee's page of 50, cold",
  ownerFirst: "owner's first 50, REST",
  graphqlOwner: "owner's first 50, GraphQL",
} as const;
export type CaseName = keyof typeof CASES;

/** Every field of a grant row: GraphQL answers what REST answers. */
const GRANT_FIELDS =
  "id chainId contract grantId owner grantee dataHash purpose status lockedUntil expiresAt " +
  "createdBlock createdAt updatedBlock updatedAt replacedBy replaces generation";

/** A grant index drawn uniformly over all grants. */
export function uniform(s: Seeded): () => number {
  return () => Math.floor(Math.random() * s.ids.length);
}

/** The request of each case; keys drawn anew for every request. */
export function caseRequests(s: Seeded, chainId: number): Record<CaseName, CannonRequest> {
  const pick = uniform(s);
  const hot = Array.from({ length: 100 }, (_, k) => s.ids[Math.floor((k * s.ids.length) / 100)]!);
  const anyOf = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const cursor = (i: number) => Buffer.from(rowId(s, chainId, i), "utf8").toString("base64url");
  return {
    health: get("/health"),
    hotId: drawn(() => get(`/v1/grants/${chainId}/${anyOf(hot)}`)),
    coldId: drawn(() => get(`/v1/grants/${chainId}/${s.ids[pick()]}`)),
    coldOwner: drawn(() => {
      const i = pick();
      return get(`/v1/grants?owner=${s.owners[s.ownerOf[i]!]}&limit=50&cursor=${cursor(i)}`);
    }),
    coldGrantee: drawn(() => {
      const i = pick();
      return get(`/v1/grants?grantee=${s.grantees[s.granteeOf[i]!]}&limit=50&cursor=${cursor(i)}`);
    }),
    ownerFirst: drawn(() => get(`/v1/grants?owner=${anyOf(s.owners)}&limit=50`)),
    graphqlOwner: drawn(() =>
      graphqlPost(
        `{ grants(where: { owner: "${anyOf(s.owners)}" }, orderBy: "id", orderDirection: "asc", limit: 50) ` +
          `{ items { ${GRANT_FIELDS} } pageInfo { endCursor hasNextPage } } }`,
      ),
    ),
  };
}

/** Checks a few draws of every case answer 200, and that a first page is a full 50. */
export async function checkCases(api: string, requests: Record<CaseName, CannonRequest>) {
  for (const [name, request] of Object.entries(requests)) {
    const draws = [request, ...[1, 2, 3].map(() => request.setupRequest?.(request) ?? request)];
    await preflight(
      api,
      draws.map((r) => ({ name, request: r })),
    );
  }
  const res = await fetch(`${api}${requests.ownerFirst.path}`);
  const { items } = (await res.json()) as { items: unknown[] };
  if (items.length !== 50)
    throw new Error(`an owner's first page has ${items.length} grants, not 50`);
}

/**
 * How many times the API has read the indexed checkpoints (its `/metrics`, open to loopback): the
 * response cache's cost in queries besides the routes' own (null if it cannot be read).
 */
async function stampReads(api: string): Promise<number | null> {
  try {
    const text = await (await fetch(`${api}/metrics`)).text();
    const m = /^grantkit_api_checkpoint_reads_total (\d+)$/m.exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Runs every case at `connections` for `seconds` each, after a warm-up; prints each line, with the
 * reads of the checkpoints per answer. With `pid` (the API's process), each case also gets its CPU
 * time per answer.
 */
export async function runCases(
  api: string,
  requests: Record<CaseName, CannonRequest>,
  connections: number,
  seconds: number,
  pid?: number,
): Promise<Record<CaseName, Figures>> {
  await checkCases(api, requests);
  console.log(`  read path: warm-up 3 s at ${connections} connections`);
  await cannon(api, Object.values(requests), connections, 3);
  const out = {} as Record<CaseName, Figures>;
  for (const name of Object.keys(CASES) as CaseName[]) {
    process.stdout.write(`  ${CASES[name]}: ${connections} connections, ${seconds} s… `);
    const readsBefore = await stampReads(api);
    const before = pid === undefined ? null : cpuMsOf(pid);
    const figures = await cannon(api, [requests[name]], connections, seconds);
    const after = pid === undefined ? null : cpuMsOf(pid);
    const readsAfter = await stampReads(api);
    out[name] =
      before === null || after === null || figures.total === 0
        ? figures
        : { ...figures, cpuMs: (after - before) / figures.total };
    const cpu = out[name].cpuMs === undefined ? "" : `, ${out[name].cpuMs.toFixed(3)} CPU ms each`;
    const reads =
      readsBefore === null || readsAfter === null || figures.total === 0
        ? ""
        : `, ${((readsAfter - readsBefore) / figures.total).toFixed(3)} stamp reads each`;
    console.log(`${out[name].rps.toFixed(0)} req/s, p99 ${out[name].p99} ms${cpu}${reads}`);
  }
  return out;
}
