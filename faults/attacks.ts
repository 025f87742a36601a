/**
 * The public API under attack (issue 18), against a real stack: a `hardhat node`, GrantKit deployed,
 * ATTACK_GRANTS grants (default 100,000; one owner holds a tenth of them) and the indexer on embedded
 * PGlite with its default limits, clients told apart by X-Forwarded-For from a trusted loopback proxy.
 *
 * 1. Writes and escapes: SQL writes, sleeps, catalog reads, colliding pairs for Ponder's 40-bit
 *    verdict cache, GraphQL with too much work: every one refused, 0 rows changed.
 * 2. Single requests: the heaviest request of each class the limits allow, each beside a /health
 *    probe that measures how long the indexer's thread was busy: at most 250 ms each.
 * 3. A sustained attack from one client at its limits (every class, 8 at a time) for ATTACK_SECONDS
 *    (default 45) while grants are made on the chain: live lag p99 at most 2 s, /v1/ready p99 at most
 *    100 ms (probed from a process of its own, as a load balancer probes).
 * 4. Live queries that fail while running give their slot back.
 * 5. The indexer's memory stays under 1 GiB throughout.
 *
 * `npm run test:attacks` runs it and writes the "Attacks" section of docs/reliability.md; each case
 * appends one JSON line to ATTACKS_RESULT_FILE.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";

import { expect } from "chai";
import { getAddress, keccak256, toBeHex } from "ethers";
import { network } from "hardhat";

import { jurisdictionCode, typeId } from "../scripts/lib/deployment.js";
import { computeGrantId, purposeHash } from "../scripts/lib/grants.js";
import { treeRss } from "../scripts/lib/processes.js";
import type { AttackRecord } from "../scripts/lib/suite-records.js";
import { startIndexerStack, type IndexerStack } from "../scripts/lib/harness/indexer.js";
import { collidingPair } from "../scripts/lib/harness/ponder-collision.js";
import {
  ATTACKER,
  FINALITY_BLOCKS,
  GRANTS,
  READY,
  WATCHER,
  attackMix,
  get,
  gqlInit,
  heavyRequests,
  pct,
  probeElsewhere,
  seed,
  sqlPath,
  stall,
} from "./attack-tools.js";

const SECONDS = Number(process.env.ATTACK_SECONDS ?? 45);
const STALL_LIMIT_MS = 250;

let current: AttackRecord | null = null;
const record = (row: string[]) => current?.rows.push(row);
const note = (line: string) => current?.notes.push(line);
const goal = (text: string, measured: string, ok: boolean) => {
  current?.goals.push({ goal: text, measured, ok });
  console.log(`      goal ${ok ? "ok  " : "MISS"} ${text}: ${measured}`);
};

describe("the public API under attack", function () {
  this.timeout(1_800_000);
  let stack: IndexerStack;
  let heavyOwner = "";
  let someGrant = "";
  let maxRss = 0;
  let sampler: NodeJS.Timeout | undefined;
  const connection = () =>
    network.create({ network: "localhost", override: { url: stack.node.url } });

  before(async function () {
    // Seeded before the indexer starts, so that it backfills them as a deployment's history.
    stack = await startIndexerStack("pglite", {
      env: {
        API_RATE_LIMIT: undefined,
        TRUSTED_PROXIES: "loopback",
        PONDER_POLLING_INTERVAL_MS: "250",
      },
      readyTimeoutMs: 900_000,
      beforeIndexer: async (node, record) => {
        ({ heavyOwner, someGrant } = await seed(node.url, record.contracts.AccessGrants!.address));
      },
    });
    sampler = setInterval(() => (maxRss = Math.max(maxRss, treeRss(stack.pid))), 500);
    // What is measured is the server, not whatever else the machine runs: the indexer's process group
    // and this runner get a higher priority when the user may give it (root, as on CI); elsewhere
    // the figures include the machine's other load.
    for (const args of [
      ["-g", String(stack.pid)],
      ["-p", String(process.pid)],
    ]) {
      try {
        execFileSync("renice", ["-n", "-10", ...args], { stdio: "ignore" });
      } catch {
        note("could not raise the priority of the measured processes (not root)");
      }
    }
    const caught = await stack.waitCaughtUp(900_000);
    console.log(
      `      ${GRANTS} grants seeded in ${stack.timings.beforeIndexer} s, indexer ready in ` +
        `${stack.timings.indexer} s, caught up ${caught.seconds} s later`,
    );
  });

  after(async function () {
    clearInterval(sampler);
    await stack?.stop();
  });

  beforeEach(function () {
    current = { case: this.currentTest!.title, passed: false, rows: [], goals: [], notes: [] };
  });
  afterEach(function () {
    if (!current) return;
    current.passed = this.currentTest!.state === "passed";
    if (!current.passed) current.error = String(this.currentTest!.err?.message ?? "").slice(0, 500);
    const file = process.env.ATTACKS_RESULT_FILE;
    if (file) appendFileSync(file, JSON.stringify(current) + "\n");
    current = null;
  });

  /** Rows per table and per status, through the REST API (what an attacker would change). */
  async function fingerprint(): Promise<string> {
    const parts: string[] = [];
    for (const by of ["status", "grantee", "day", "issuer"]) {
      const a = await get(stack, `/v1/stats?by=${by}&limit=100`, "198.51.100.90");
      expect(a.status, a.text).to.equal(200);
      parts.push(a.text);
    }
    return parts.join("\n");
  }

  it("writes, sleeps and catalog reads: every one refused, 0 rows changed", async function () {
    const before = await fingerprint();
    const schema = stack.schema;
    const attempts: [string, string][] = [
      ["sql", `UPDATE "${schema}"."grant" SET status = 'revoked'`],
      ["sql", `DELETE FROM "${schema}".grant_event`],
      ["sql", `select 1; delete from "${schema}".grant_event`],
      ["sql", `with d as (delete from grant_event returning *) select count(*) from d`],
      ["sql", `select * into stolen from "grant"`],
      ["sql", `select pg_sleep(86400)`],
      ["sql", `select set_config('default_transaction_read_only', 'off', false)`],
      ["sql", `select * from pg_catalog.pg_authid`],
      ["sql", `select lower(CAST(id AS char(10000000))) from "grant" limit 100`],
      ["sql", `select JSON_ARRAY(JSON_ARRAY(JSON_ARRAY(id, id), id), id) from "grant"`],
      ["sql", `select count(*) from grant_event a, grant_event b`],
    ];
    for (const [allowed, forbidden] of [
      [
        `SELECT 1 AS ok`,
        `UPDATE "${schema}"."grant" SET status = 'revoked' WHERE id = '31337-${stack.record.contracts.AccessGrants!.address.toLowerCase()}-${someGrant}'`,
      ],
      [`SELECT count(*) AS n FROM issuer`, `SELECT pg_sleep(86400)`],
    ] as const) {
      const pair = collidingPair(allowed, forbidden);
      await new Promise((r) => setTimeout(r, 300));
      const a = await get(stack, sqlPath(pair.allowed), ATTACKER);
      expect(a.status, a.text).to.equal(200);
      attempts.push(["sql (colliding)", pair.forbidden]);
    }
    const failures: string[] = [];
    for (const [kind, sql] of attempts) {
      const a = await get(stack, sqlPath(sql), ATTACKER);
      record([kind, sql.slice(0, 90), String(a.status), `${a.ms.toFixed(0)} ms`]);
      if (a.status !== 400 && a.status !== 429)
        failures.push(`${sql}: ${a.status} ${a.text.slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const gql = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: grantEvents(limit: 1000, orderBy: "txHash", where: { txHash_contains: "ab" }) { totalCount items { id } }`).join(" ")} }`;
    const g = await get(stack, "/graphql", ATTACKER, gqlInit(gql));
    record([
      "graphql",
      "20 aliases × 1,000 rows sorted on txHash, _contains, totalCount",
      String(g.status),
      `${g.ms.toFixed(0)} ms`,
    ]);
    if (g.status !== 400) failures.push(`graphql: ${g.status} ${g.text.slice(0, 200)}`);
    expect(failures).to.deep.equal([]);
    expect(await fingerprint()).to.equal(before);
    note(`fingerprint unchanged: ${before}`);
    // The chain agrees on the grant the colliding UPDATE aimed at.
    const one = await get(stack, `/v1/grants/31337/${someGrant}`, WATCHER);
    expect(JSON.parse(one.text).grant.isGranted).to.equal(true);
  });

  it("single requests: the heaviest of each class the limits allow answers, what they refuse is refused; thread held per request", async function () {
    // The heaviest of each class that the limits let through, and what they refuse (fast).
    const heavy = heavyRequests(heavyOwner);
    const over: string[] = [];
    for (const [name, expected, path, init] of heavy) {
      // Each on a fresh budget: a client of its own.
      const client = `198.51.100.${100 + heavy.findIndex(([n]) => n === name)}`;
      const { result, stallMs, probeMs } = await stall(stack, () => get(stack, path, client, init));
      record([
        name,
        String(result.status),
        `${(result.bytes / 1024).toFixed(0)} KiB`,
        `${result.ms.toFixed(0)} ms`,
        `${stallMs.toFixed(0)} ms`,
        `${probeMs.toFixed(0)} ms`,
      ]);
      const want = expected === "allowed" ? 200 : 400;
      if (result.status !== want)
        over.push(`${name}: answered ${result.status} ${result.text.slice(0, 200)} (want ${want})`);
      goal(
        `${name}: thread held at most ${STALL_LIMIT_MS} ms`,
        `${stallMs.toFixed(0)} ms`,
        stallMs <= STALL_LIMIT_MS,
      );
    }
    expect(over).to.deep.equal([]);
  });

  it("a sustained attack from one client at its limits: indexing goes on, readiness answers, the attacker is held to its budget", async function () {
    note(
      `the seeded history is final (${FINALITY_BLOCKS + 10} blocks mined after it, past Ponder's ` +
        `${FINALITY_BLOCKS}-block finality on a local chain): each block finalized during the attack ` +
        `holds one grant, as on a live chain, not 500`,
    );
    const mix = attackMix(heavyOwner);
    const loop = async () =>
      JSON.parse((await get(stack, "/ops/loop", "")).text) as { maxMs: number; p99Ms: number };
    await loop();
    const until = Date.now() + SECONDS * 1000;
    const statuses = new Map<number, number>();
    const attack = Array.from({ length: 8 }, async (_, w) => {
      for (let i = w; Date.now() < until; i++) {
        const [path, init] = mix[i % mix.length]!;
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 5_000);
        const a = await get(stack, path, ATTACKER, { ...init, signal: controller.signal }, true);
        clearTimeout(timer);
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        if (a.status === 429) await new Promise((r) => setTimeout(r, 50));
      }
    });
    // Readiness is probed from a process of its own, as a load balancer or a kubelet probes: this
    // runner's thread is busy with the attack and the grants, and its own delays are not the server's.
    const readyTimes: number[] = [];
    const ready = probeElsewhere(`${stack.api}/v1/ready`, READY, until, 200).then((times) =>
      readyTimes.push(...times),
    );
    // Grants made on the chain meanwhile, and the time until the API shows each one.
    const lags: number[] = [];
    const { ethers } = await connection();
    const [, , signer, grantee] = await ethers.getSigners();
    const grants = await ethers.getContractAt(
      "AccessGrants",
      stack.record.contracts.AccessGrants!.address,
    );
    let n = 0;
    while (Date.now() < until - 3_000) {
      const params = {
        grantee: grantee!.address,
        dataHash: keccak256(toBeHex(9_000_000 + n++, 32)),
        purpose: purposeHash("onboarding"),
        lockedUntil: 0n,
        expiresAt: 0n,
      };
      const id = computeGrantId({ owner: signer!.address, ...params });
      const receipt = await (await grants.connect(signer!).grant(params)).wait();
      const mined = performance.now();
      for (;;) {
        const a = await get(stack, `/v1/grants/31337/${id}`, WATCHER);
        if (a.status === 200) break;
        if (performance.now() - mined > 30_000)
          throw new Error(`grant of block ${receipt?.blockNumber} not indexed in 30 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
      lags.push(performance.now() - mined);
      await new Promise((r) => setTimeout(r, 500));
    }
    await Promise.all([...attack, ready]);
    const serverLoop = await loop();
    const summary = [...statuses]
      .sort()
      .map(([s, k]) => `${k}× ${s}`)
      .join(", ");
    record(["attacker's answers", summary]);
    record([
      "live lag (grant mined → REST answers)",
      `p50 ${pct(lags, 50).toFixed(0)} ms, p99 ${pct(lags, 99).toFixed(0)} ms, ${lags.length} grants`,
    ]);
    record([
      "the server's event loop (longest delay, p99)",
      `max ${serverLoop.maxMs} ms, p99 ${serverLoop.p99Ms} ms`,
    ]);
    record([
      "/v1/ready (probed from a process of its own)",
      `p50 ${pct(readyTimes, 50).toFixed(0)} ms, p99 ${pct(readyTimes, 99).toFixed(0)} ms, ${readyTimes.length} probes`,
    ]);
    // Behaviour: the grants made meanwhile were all indexed and served, readiness answered, and the
    // attacker was held to its budget (some of its requests refused with 429; it gives up on an
    // answer after 5 s, as a client would).
    expect(lags.length, "grants measured").to.be.at.least(5);
    expect(readyTimes.length, "readiness probes").to.be.above(10);
    expect(statuses.get(429) ?? 0, "429 answers to the attacker").to.be.above(0);
    goal(
      "live lag p99 under attack at most 2,000 ms",
      `${pct(lags, 99).toFixed(0)} ms`,
      pct(lags, 99) <= 2_000,
    );
    goal(
      "/v1/ready p99 under attack at most 100 ms",
      `${pct(readyTimes, 99).toFixed(0)} ms`,
      pct(readyTimes, 99) <= 100,
    );
  });

  it("live queries that fail while running give their slot back", async function () {
    // Division by zero once there are more issuer events than now: fails on the re-run after one.
    const counted = await get(
      stack,
      sqlPath(`select count(*)::int as n from issuer_event`),
      "198.51.100.78",
    );
    expect(counted.status, counted.text).to.equal(200);
    const count = (JSON.parse(counted.text) as { rows: { n: number }[] }).rows[0]!.n;
    const failing = `select 1 / (case when count(*) > ${count} then 0 else 1 end) as x from issuer_event`;
    const client = "198.51.100.77";
    const { ethers } = await connection();
    const registrar = (await ethers.getSigners())[1]!;
    const registry = await ethers.getContractAt(
      "IssuerRegistry",
      stack.record.contracts.IssuerRegistry!.address,
    );
    const controller = new AbortController();
    const res = await fetch(
      `${stack.api}/sql/live?sql=${encodeURIComponent(JSON.stringify({ json: { sql: failing, params: [] } }))}`,
      {
        headers: { "x-forwarded-for": client },
        signal: controller.signal,
      },
    );
    expect(res.status).to.equal(200);
    const reader = res.body!.getReader();
    let text = "";
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    const key = getAddress(keccak256(toBeHex(8_000_001, 32)).slice(0, 42));
    await (
      await registry
        .connect(registrar)
        .addIssuer(
          key,
          [typeId("kyc.basic")],
          jurisdictionCode("CH"),
          0,
          0,
          keccak256(toBeHex(1, 32)),
        )
    ).wait();
    await Promise.race([read, new Promise((r) => setTimeout(r, 10_000))]);
    expect(text).to.match(/event: error\ndata: \{"error":"live query stopped: .*division by zero/);
    // The slot is back: this client can open its two streams again.
    const opened: Response[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await fetch(
        `${stack.api}${sqlPath("select 1 as one").replace("/sql/db", "/sql/live")}`,
        {
          headers: { "x-forwarded-for": client },
        },
      );
      opened.push(r);
    }
    record(["a live query failing mid-stream", "error event sent, stream closed, slot released"]);
    expect(opened.map((r) => r.status)).to.deep.equal([200, 200]);
    for (const r of opened) await r.body?.cancel();
    controller.abort();
  });

  it("memory of the indexer, throughout the suite", function () {
    maxRss = Math.max(maxRss, treeRss(stack.pid));
    record(["peak resident memory (indexer and its children)", `${maxRss.toFixed(0)} MiB`]);
    expect(maxRss).to.be.above(0);
    goal("peak memory of the indexer at most 1 GiB", `${maxRss.toFixed(0)} MiB`, maxRss <= 1024);
  });
});
