/**
 * The attack suite's tools (faults/attacks.ts): the clients it plays (told apart by X-Forwarded-For
 * from a trusted loopback proxy), GETs that time and count their answers, a readiness prober in a
 * process of its own, how long the indexer's one thread was held during a request, and the seeding of
 * ATTACK_GRANTS grants before the indexer starts.
 */
import { spawn } from "node:child_process";

import { keccak256, toBeHex } from "ethers";
import { network } from "hardhat";

import { computeGrantId, purposeHash } from "../scripts/lib/grants.js";
import type { IndexerStack } from "../scripts/lib/harness/indexer.js";

export const GRANTS = Number(process.env.ATTACK_GRANTS ?? 100_000);
const PER_TX = 500;
const DAY = 86_400n;
/** Ponder's finality depth on a local chain (ponder/dist/esm/utils/finality.js). */
export const FINALITY_BLOCKS = 30;

/** Clients, each its own budget: the gate trusts X-Forwarded-For from loopback here. */
export const ATTACKER = "198.51.100.66";
export const PROBE = "198.51.100.2";
export const WATCHER = "198.51.100.3";
export const READY = "198.51.100.4";

export interface Answer {
  status: number;
  ms: number;
  bytes: number;
  text: string;
}

/**
 * GETs `path` as `client`. With `discard`, the body is read and counted but not kept (the attacker's
 * many megabytes): decoding them would hold this runner's thread and delay the probes it times.
 */
export async function get(
  stack: IndexerStack,
  path: string,
  client: string,
  init: RequestInit = {},
  discard = false,
): Promise<Answer> {
  const t = performance.now();
  try {
    const res = await fetch(stack.api + path, {
      ...init,
      headers: { ...(client ? { "x-forwarded-for": client } : {}), ...(init.headers ?? {}) },
    });
    if (discard && res.body) {
      let bytes = 0;
      const reader = res.body.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read())
        bytes += r.value.byteLength;
      return { status: res.status, ms: performance.now() - t, bytes, text: "" };
    }
    const text = await res.text();
    return { status: res.status, ms: performance.now() - t, bytes: text.length, text };
  } catch (error) {
    return { status: 0, ms: performance.now() - t, bytes: 0, text: String(error) };
  }
}

/**
 * GETs `url` as `client` every `everyMs` until `until` (epoch ms) from a Node process of its own, and
 * resolves with each answer's time in ms (a failed request counts its time too).
 */
export async function probeElsewhere(
  url: string,
  client: string,
  until: number,
  everyMs: number,
): Promise<number[]> {
  const script = `
    const [url, client, until, every] = process.argv.slice(1);
    const times = [];
    while (Date.now() < Number(until)) {
      const t = performance.now();
      try {
        const res = await fetch(url, { headers: { "x-forwarded-for": client } });
        await res.arrayBuffer();
      } catch {}
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, Number(every)));
    }
    process.stdout.write(JSON.stringify(times));`;
  const child = spawn(
    process.execPath,
    ["--input-type=module", "-e", script, url, client, String(until), String(everyMs)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`the readiness prober exited with ${code}`);
  return JSON.parse(out) as number[];
}

export const sqlPath = (sql: string, params: unknown[] = []) =>
  `/sql/db?sql=${encodeURIComponent(JSON.stringify({ json: { sql, params } }))}`;
export const gqlInit = (query: string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ query }),
});

/**
 * Runs `work` and returns its result with how long the indexer's one thread was held at a stretch
 * meanwhile: the server's own event-loop delay (`/ops/loop`, reset before the work), and, for a
 * view from outside, the slowest answer of a /health probe every 20 ms beyond its median.
 */
export async function stall<T>(
  stack: IndexerStack,
  work: () => Promise<T>,
): Promise<{ result: T; stallMs: number; probeMs: number }> {
  const loop = async () =>
    JSON.parse((await get(stack, "/ops/loop", "")).text) as { maxMs: number };
  let running = true;
  const times: number[] = [];
  const probe = (async () => {
    while (running) {
      times.push((await get(stack, "/health", PROBE)).ms);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await new Promise((r) => setTimeout(r, 100));
  await loop();
  const result = await work();
  const { maxMs } = await loop();
  running = false;
  await probe;
  const sorted = [...times].sort((a, b) => a - b);
  const usual = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return { result, stallMs: maxMs, probeMs: Math.max(0, (sorted[sorted.length - 1] ?? 0) - usual) };
}

export const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/**
 * Grants in batches of PER_TX, ten owners in turn (the first holds a tenth), some revoked; resolves
 * with that owner (lower case) and a grant of the first batch that stays granted.
 */
export async function seed(
  url: string,
  address: string,
): Promise<{ heavyOwner: string; someGrant: string }> {
  let heavyOwner = "";
  let someGrant = "";
  const c = await network.create({ network: "localhost", override: { url } });
  try {
    const { ethers } = c;
    const signers = await ethers.getSigners();
    const owners = signers.slice(5, 15);
    const grantees = signers.slice(15, 20).map((s) => s.address);
    const grants = await ethers.getContractAt("AccessGrants", address);
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    heavyOwner = owners[0]!.address.toLowerCase();
    for (let b = 0; b * PER_TX < GRANTS; b++) {
      const owner = owners[b % owners.length]!;
      const params = Array.from({ length: Math.min(PER_TX, GRANTS - b * PER_TX) }, (_, k) => ({
        grantee: grantees[(b + k) % grantees.length]!,
        dataHash: keccak256(toBeHex(b * PER_TX + k + 1, 32)),
        purpose: purposeHash(["onboarding", "aml-check", "marketing"][k % 3]!),
        lockedUntil: k % 10 === 0 ? now + 30n * DAY : 0n,
        expiresAt: k % 7 === 0 ? now + 365n * DAY : 0n,
      }));
      await (await grants.connect(owner).grantBatch(params, { gasLimit: 16_000_000 })).wait();
      if (b === 0) someGrant = computeGrantId({ owner: owner.address, ...params[1]! });
      if (b % 4 === 0) {
        const keys = params.filter((_, k) => k % 10 === 3).slice(0, 40);
        await (await grants.connect(owner).revokeBatch(keys, { gasLimit: 8_000_000 })).wait();
      }
    }
    // A deployment's history is final: empty blocks past Ponder's finality depth on a local chain
    // (30 blocks, docs/reliability.md "Finality"). Without them, Ponder indexes the last 30
    // seeded blocks (500 grants each) as unfinalized and finalizes them one per new block during
    // the sustained attack, writing each one's logs and transactions into its RPC cache: 1-2 s of
    // the thread per block on PGlite, whatever the API does (seen in a CPU profile of this suite).
    // (evm_mine one block at a time: the node's hardhat_mine leaves parent hashes of zero, which
    // Ponder's realtime sync cannot link.)
    for (let k = 0; k < FINALITY_BLOCKS + 10; k++) await ethers.provider.send("evm_mine", []);
    return { heavyOwner, someGrant };
  } finally {
    await c.close();
  }
}

/**
 * The heaviest request of each class that the limits let through ("allowed") and what they refuse
 * ("refused"), with its name, path and request options.
 */
export function heavyRequests(
  heavyOwner: string,
): [string, "allowed" | "refused", string, RequestInit?][] {
  return [
    [
      "sql: an owner's grants counted by status",
      "allowed",
      sqlPath(`select status, count(*) from "grant" where owner = $1 group by status`, [
        heavyOwner,
      ]),
    ],
    [
      "sql: a page of 1,000 of an owner's grants",
      "allowed",
      sqlPath(`select * from "grant" where owner = $1 order by id limit 1000`, [heavyOwner]),
    ],
    [
      "sql: a whole-table aggregate",
      "refused",
      sqlPath(`select owner, count(*) from "grant" group by owner`),
    ],
    [
      "sql: lower(CAST(id AS char(10000000))) over 100 rows",
      "refused",
      sqlPath(`select lower(CAST(id AS char(10000000))) from "grant" limit 100`),
    ],
    [
      "graphql: 500 rows",
      "allowed",
      "/graphql",
      gqlInit(`{ grantEvents(limit: 500) { items { id txHash status } } }`),
    ],
    [
      "graphql: an owner's page of 500, counted",
      "allowed",
      "/graphql",
      gqlInit(
        `{ grants(limit: 500, where: { owner: "${heavyOwner}" }) { totalCount items { id status } } }`,
      ),
    ],
    [
      "graphql: 1,000 rows sorted on txHash with _contains",
      "refused",
      "/graphql",
      gqlInit(
        `{ grantEvents(limit: 1000, orderBy: "txHash", where: { txHash_contains: "ab" }) { items { id } } }`,
      ),
    ],
    ["rest: audit stream, whole range", "allowed", "/v1/audit/changes?fromBlock=0"],
    [
      "rest: export of an owner with a tenth of all grants",
      "allowed",
      `/v1/owners/${heavyOwner}/export`,
    ],
    ["rest: stats by grantee (a fresh count)", "allowed", "/v1/stats?by=grantee&limit=100"],
    ["rest: stats by day (a fresh count)", "allowed", "/v1/stats?by=day&limit=100"],
    [
      "rest: an owner's locked grants",
      "allowed",
      `/v1/grants?owner=${heavyOwner}&status=locked&limit=100`,
    ],
  ];
}

/** What the attacker sends in turn during the sustained attack: every class at its limits. */
export function attackMix(heavyOwner: string): [string, RequestInit?][] {
  return [
    [
      sqlPath(`select status, count(*) from "grant" where owner = $1 group by status`, [
        heavyOwner,
      ]),
    ],
    [sqlPath(`select * from grant_event where owner = $1 order by id limit 2000`, [heavyOwner])],
    [
      "/graphql",
      gqlInit(
        `{ grantEvents(limit: 1000, orderBy: "txHash", where: { txHash_contains: "ab" }) { items { id } } }`,
      ),
    ],
    ["/v1/audit/changes?fromBlock=0"],
    [`/v1/owners/${heavyOwner}/export`],
    ["/v1/stats?by=grantee&limit=100"],
    [`/v1/grants?owner=${heavyOwner}&limit=100`],
    [sqlPath(`select lower(CAST(id AS char(10000000))) from "grant"`)],
  ];
}
