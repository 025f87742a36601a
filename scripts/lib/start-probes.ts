/**
 * The probes of `npm run test:start`, driven by `npm start`'s banner: every URL it prints is probed
 * (a line added later, e.g. a dashboard, is probed with no change here). Known endpoints get a probe
 * that checks their content, the demo's data included: the chain's JSON-RPC, the REST list and one
 * grant, GraphQL, SQL over HTTP (`@ponder/client`'s wire format); any other URL must answer 200 to a
 * GET.
 */

/** The banner's lines between "GrantKit is up" and "Ctrl-C stops everything". */
export interface BannerEntry {
  label: string;
  url: string;
}

/** The URLs of the banner, each with its label (the words before it). */
export function parseBanner(log: string): BannerEntry[] {
  const start = log.lastIndexOf("GrantKit is up");
  const end = log.indexOf("Ctrl-C stops everything", start);
  if (start < 0 || end < 0) return [];
  const entries: BannerEntry[] = [];
  for (const line of log.slice(start, end).split("\n").slice(1)) {
    const match = /^\s*(.+?)\s{2,}(https?:\/\/\S+)/.exec(line);
    if (match) entries.push({ label: match[1]!.trim(), url: match[2]! });
  }
  return entries;
}

/** The superjson body `@ponder/client` sends to /sql/db (plain strings need no superjson meta). */
function sqlParam(sql: string): string {
  return encodeURIComponent(JSON.stringify({ json: { sql, params: [] } }));
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`answered ${res.status} with no JSON: ${text.slice(0, 200)}`);
  }
}

function expectOk(res: Response, body: unknown): void {
  if (!res.ok) throw new Error(`answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
}

/**
 * The probe for one banner entry; what it returns is printed. Known endpoints check their content
 * (the demo's data included); any other URL must answer 200 to a GET.
 */
export async function probe(entry: BannerEntry): Promise<string> {
  const { pathname } = new URL(entry.url);
  const timeout = AbortSignal.timeout(15_000);
  if (/JSON-RPC/i.test(entry.label)) {
    const res = await fetch(entry.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
      signal: timeout,
    });
    const body = (await readJson(res)) as { result?: string };
    expectOk(res, body);
    return `POST eth_blockNumber: block ${Number(body.result)}`;
  }
  if (pathname.endsWith("/graphql")) {
    const res = await fetch(entry.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ grants(limit: 5) { items { id status } } }" }),
      signal: timeout,
    });
    const body = (await readJson(res)) as { data?: { grants?: { items?: unknown[] } } };
    expectOk(res, body);
    const n = body.data?.grants?.items?.length ?? 0;
    if (n === 0) throw new Error(`no grant in ${JSON.stringify(body).slice(0, 300)}`);
    return `POST { grants }: ${n} items`;
  }
  if (pathname.endsWith("/sql/db")) {
    const url = `${entry.url}?sql=${sqlParam("select count(*) as n from grant_event")}`;
    const res = await fetch(url, { signal: timeout });
    const body = (await readJson(res)) as { rows?: { n?: number | string }[] };
    expectOk(res, body);
    const n = Number(body.rows?.[0]?.n ?? 0);
    if (!(n > 0)) throw new Error(`no grant event: ${JSON.stringify(body).slice(0, 300)}`);
    return `GET select count(*) from grant_event: ${n}`;
  }
  const res = await fetch(entry.url, { signal: timeout });
  if (pathname === "/v1/grants") {
    const body = (await readJson(res)) as { items?: unknown[] };
    expectOk(res, body);
    if (!body.items?.length) throw new Error("no grant listed after --demo");
    return `GET: ${body.items.length} grants on the first page`;
  }
  if (/^\/v1\/grants\/\d+\/0x[0-9a-fA-F]{64}$/.test(pathname)) {
    const body = (await readJson(res)) as { grant?: { grantId?: string; status?: string } };
    expectOk(res, body);
    const grant = body.grant;
    if (!grant?.grantId) throw new Error(`no grant: ${JSON.stringify(body).slice(0, 300)}`);
    return `GET: grant ${grant.grantId.slice(0, 10)}…, ${grant.status}`;
  }
  const text = await res.text();
  if (res.status !== 200) throw new Error(`answered ${res.status}: ${text.slice(0, 300)}`);
  return `GET: 200, ${res.headers.get("content-type") ?? "no content type"}, ${text.length} bytes`;
}

/** Endpoints the banner must list: a banner that lost one would otherwise shrink the check. */
const REQUIRED: [string, RegExp][] = [
  ["the chain's JSON-RPC", /^http:\/\/127\.0\.0\.1:\d+\/?$/],
  ["the REST list", /\/v1\/grants$/],
  ["one grant", /\/v1\/grants\/\d+\/0x[0-9a-fA-F]{64}$/],
  ["OpenAPI", /\/v1\/openapi\.json$/],
  ["GraphQL", /\/graphql$/],
  ["SQL over HTTP", /\/sql\/db$/],
  ["health", /\/health$/],
  ["ready", /\/v1\/ready$/],
];

/** What of REQUIRED the banner does not list. */
export function missingFromBanner(entries: BannerEntry[]): string[] {
  return REQUIRED.filter(([, pattern]) => !entries.some((e) => pattern.test(e.url))).map(
    ([what]) => what,
  );
}
