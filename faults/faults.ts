/**
 * Fault-injection tests of the Ponder indexer: each case builds its own chain (anvil, started from the
 * native binary so it can be stopped and restarted with `--state`), deploys GrantKit with the deploy
 * toolkit, runs `ponder start` as a child process group, injects a fault, and ends with the
 * differential check "API state equals contract state for every grant" (see `differential`).
 *
 * - crash (PGlite, PostgreSQL): kill -9 mid-backfill and again while live; restart on the same
 *   database and schema (about 85 s each: two restarts that wait for the dead process's schema lock).
 * - RPC outage: the node down 30 s mid-backfill and again while live, state kept; /v1/ready must
 *   answer 503 meanwhile (about 105 s; FAULT_OUTAGE_SECONDS changes the 30 s).
 * - reorg: anvil_reorg (depth 5) and evm_snapshot/evm_revert (depth 20) over blocks that created,
 *   revoked and re-created grants; state and history follow the new chain (about 20 s).
 * - new deployment record: a second AccessGrants on the same chain, restart; both indexed, told apart
 *   by contract address (about 40 s).
 *
 * scripts/faults-report.ts runs this file (FAULTS_RESULT_FILE receives one JSON line per case) and
 * writes docs/reliability.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { Interface, JsonRpcProvider, getAddress, keccak256, toQuantity, toUtf8Bytes } from "ethers";

import { ROOT, type DeploymentRecord } from "../scripts/lib/deployment.js";
import { computeGrantId, purposeHash } from "../scripts/lib/grants.js";
import { AccessGrants__factory, type AccessGrants } from "../types/ethers-contracts/index.js";
import {
  API_TO_CONTRACT,
  deployToNode,
  genesisTag,
  GRANT_STATUS,
  removeJournals,
} from "../scripts/lib/harness/indexer.js";
import {
  startPonder,
  type HttpAnswer,
  type PonderProcess,
  type ReadyBody,
} from "../scripts/lib/harness/ponder.js";
import { waitRpcUp } from "../scripts/lib/harness/node.js";
import { startPostgres, stopPostgres } from "../scripts/lib/harness/postgres.js";
import { freePort, waitFor } from "../scripts/lib/processes.js";
import type { FaultRecord } from "../scripts/lib/suite-records.js";
import type { components } from "../sdk/src/indexer/api.js";

const CHAIN_ID = 31337;
/** Ponder's finality on 31337: blocks older than head - 30 are final (node_modules/ponder/dist/esm/utils/finality.js). */
const FINALITY = 30;
const POLLING_MS = 100;
const TX_GAS = 90_000_000;
/** How long the RPC outage lasts (FAULT_OUTAGE_SECONDS), and how long a readiness probe waits. */
const OUTAGE_SECONDS = Number(process.env.FAULT_OUTAGE_SECONDS ?? 30);
/** How long /v1/ready may still answer from the head it read before the node went down. */
const READY_GRACE_MS = 7_000;
const PROBE_TIMEOUT_MS = 5_000;

// ------------------------------------------------------------------ small tools

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lower = (s: string) => s.toLowerCase();
const secondsSince = (t: number) => Math.round((performance.now() - t) / 100) / 10;

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// ------------------------------------------------------------------ anvil

function anvilBinary(): string {
  const os = process.platform;
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const exe = os === "win32" ? "anvil.exe" : "anvil";
  return path.join(ROOT, "node_modules", "@foundry-rs", `anvil-${os}-${arch}`, "bin", exe);
}

/**
 * An anvil node on a fixed loopback port, started from the native binary (the `npx anvil` wrapper
 * forwards only SIGINT/SIGTERM), with `--state <file>` so that a stop (SIGTERM writes the file) and a
 * start keep the chain: same blocks, same hashes.
 */
class Anvil {
  private child: ChildProcess | null = null;
  private lines: string[] = [];
  readonly url: string;
  readonly provider: JsonRpcProvider;

  private constructor(
    readonly port: number,
    readonly stateFile: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.provider = new JsonRpcProvider(this.url, CHAIN_ID, { staticNetwork: true });
  }

  static async start(stateFile: string): Promise<Anvil> {
    const anvil = new Anvil(await freePort(), stateFile);
    await anvil.up();
    return anvil;
  }

  /** Starts the process (again, on the same port and state file) and waits until it answers. */
  async up(): Promise<void> {
    const args = [
      "--host",
      "127.0.0.1",
      "--port",
      String(this.port),
      "--accounts",
      "20",
      "--gas-limit",
      "300000000",
      "--state",
      this.stateFile,
    ];
    const child = spawn(anvilBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    const keep = (d: Buffer) => {
      for (const line of d.toString().split("\n")) if (line.trim()) this.lines.push(line);
      if (this.lines.length > 500) this.lines.splice(0, this.lines.length - 500);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    await waitRpcUp(this.url, child, () => this.logTail(), 30_000, "anvil");
  }

  running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Raw JSON-RPC, with a timeout (a paused node never answers). */
  async rpc<T>(method: string, params: unknown[], timeoutMs = 30_000): Promise<T> {
    const res = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  }

  async head(): Promise<number> {
    return Number(await this.rpc<string>("eth_blockNumber", []));
  }

  async blockHash(n: number): Promise<string> {
    const b = await this.rpc<{ hash: string } | null>("eth_getBlockByNumber", [
      toQuantity(n),
      false,
    ]);
    return b?.hash ?? "";
  }

  /** Stops the process; SIGTERM makes anvil write its state file first. */
  async down(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child || !this.running()) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    await Promise.race([exited, sleep(15_000)]);
    if (this.running()) {
      child.kill("SIGKILL");
      await exited;
    }
  }

  async stop(): Promise<void> {
    this.provider.destroy();
    await this.down("SIGKILL");
  }

  logTail(n = 20): string {
    return this.lines.slice(-n).join("\n");
  }
}

// ------------------------------------------------------------------ deployment

/**
 * Deploys GrantKit in-process (the harness's `deployToNode`: `localhost` pointed at anvil) with
 * `saltLabel`, and writes the record as `<recordName>.json` (network name `recordName`) into
 * `recordsDir`.
 */
function deploy(
  anvil: Anvil,
  recordsDir: string,
  recordName: string,
  saltLabel: string,
): Promise<DeploymentRecord> {
  return deployToNode(anvil.url, recordsDir, { recordName, saltLabel });
}

// ------------------------------------------------------------------ the indexer

type Database = { kind: "pglite"; dir: string } | { kind: "postgres"; url: string };

interface IndexerOptions {
  db: Database;
  schema: string;
  recordsDir: string;
  rpcUrl: string;
}

/**
 * `ponder start` (the harness's `startPonder`) as a detached process group: SIGKILL of the group is a
 * kill -9 of the indexer. This file's defaults: 30 s a request, a clean stop waits 10 s, the head is
 * anvil's.
 */
class Indexer {
  private constructor(private readonly ponder: PonderProcess) {}

  static async start(options: IndexerOptions): Promise<Indexer> {
    const ponder = await startPonder({
      rpcUrl: options.rpcUrl,
      recordsDir: options.recordsDir,
      schema: options.schema,
      keepLines: 5_000,
      env: {
        PONDER_POLLING_INTERVAL_MS: String(POLLING_MS),
        PONDER_NETWORKS: undefined,
        PONDER_PGLITE_DIR: options.db.kind === "pglite" ? options.db.dir : undefined,
        DATABASE_URL: options.db.kind === "postgres" ? options.db.url : undefined,
        // The differential check reads every grant_event row, 1,000 a page with their count: more than
        // a public client may ask for in one operation (defaults 500 rows and no table scan).
        GRAPHQL_MAX_ROWS: "1000",
        GRAPHQL_MAX_SCANS: "1",
      },
    });
    return new Indexer(ponder);
  }

  get lines(): string[] {
    return this.ponder.lines;
  }

  alive(): boolean {
    return this.ponder.alive();
  }

  logTail(n = 40): string {
    return this.ponder.logTail(n);
  }

  /** The first log line matching `re`, or null. */
  logged(re: RegExp): string | null {
    return this.ponder.logged(re);
  }

  /** kill -9 of the whole process group (the Node process running Ponder). */
  kill9(): Promise<void> {
    return this.ponder.kill9();
  }

  /** A clean stop (SIGTERM: Ponder unlocks its schema), kill -9 after 10 s. */
  stop(): Promise<void> {
    return this.ponder.stop(10_000);
  }

  get<T = unknown>(pathAndQuery: string, timeoutMs = 30_000): Promise<HttpAnswer<T>> {
    return this.ponder.get<T>(pathAndQuery, timeoutMs);
  }

  graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return this.ponder.graphql<T>(query, variables, 30_000);
  }

  /** Resolves once the HTTP server answers (/health), whatever the readiness. */
  waitHttp(timeoutMs = 120_000): Promise<void> {
    return this.ponder.waitAnswers("/health", timeoutMs, 100);
  }

  /** Waits until /v1/ready is 200 with every chain indexed exactly up to the node's head. */
  async waitCaughtUp(
    anvil: Anvil,
    timeoutMs = 120_000,
  ): Promise<{ head: number; seconds: number }> {
    const { head, seconds } = await this.ponder.waitCaughtUp(() => anvil.head(), timeoutMs);
    return { head, seconds };
  }
}

// ------------------------------------------------------------------ chain activity

const GRANTS_IFACE = new Interface(AccessGrants__factory.abi);
const PURPOSES = ["onboarding", "aml-check", "marketing"].map(purposeHash);

interface GrantKey {
  owner: string;
  grantee: string;
  dataHash: string;
  purpose: string;
}

/** grantBatch call data for `keys` (no lock, no expiry); the sender must be their owner. */
function grantData(keys: GrantKey[]): string {
  return GRANTS_IFACE.encodeFunctionData("grantBatch", [
    keys.map((k) => ({
      grantee: k.grantee,
      dataHash: k.dataHash,
      purpose: k.purpose,
      lockedUntil: 0n,
      expiresAt: 0n,
    })),
  ]);
}

/** revokeBatch call data for `keys`; the sender must be their owner. */
function revokeData(keys: GrantKey[]): string {
  return GRANTS_IFACE.encodeFunctionData("revokeBatch", [
    keys.map((k) => ({ grantee: k.grantee, dataHash: k.dataHash, purpose: k.purpose })),
  ]);
}

/** Sends grant, revoke and re-grant batches from the dev accounts, one transaction per block. */
class Activity {
  private counter = 0;
  readonly active: GrantKey[] = [];
  readonly revoked: GrantKey[] = [];
  readonly owners: string[];
  readonly grantees: string[];

  constructor(
    readonly anvil: Anvil,
    readonly contract: string,
    accounts: string[],
    readonly tag: string,
  ) {
    this.owners = accounts.slice(3, 9);
    this.grantees = accounts.slice(9, 14);
  }

  private newKey(owner: string): GrantKey {
    const n = this.counter++;
    return {
      owner,
      grantee: this.grantees[n % this.grantees.length]!,
      dataHash: keccak256(toUtf8Bytes(`${this.tag}-item-${n}`)),
      purpose: PURPOSES[n % PURPOSES.length]!,
    };
  }

  private owner(): string {
    return this.owners[this.counter % this.owners.length]!;
  }

  /** The call data and sender of a batch of `n` new grants (not sent). */
  grantCall(n: number, owner = this.owner()): { from: string; data: string; keys: GrantKey[] } {
    const keys = Array.from({ length: n }, () => this.newKey(owner));
    return { from: owner, data: grantData(keys), keys };
  }

  /** The call data of a revokeBatch of up to `n` active grants of one owner (not sent), or null. */
  revokeCall(n: number): { from: string; data: string; keys: GrantKey[] } | null {
    const owner = this.active[0]?.owner;
    if (!owner) return null;
    const keys = this.active.filter((k) => k.owner === owner).slice(0, n);
    return { from: owner, data: revokeData(keys), keys };
  }

  /** The call data of a re-grant of up to `n` revoked grants of one owner (not sent), or null. */
  regrantCall(n: number): { from: string; data: string; keys: GrantKey[] } | null {
    const owner = this.revoked[0]?.owner;
    if (!owner) return null;
    const keys = this.revoked.filter((k) => k.owner === owner).slice(0, n);
    return { from: owner, data: grantData(keys), keys };
  }

  /** Bookkeeping after a call was mined. */
  applied(kind: "grant" | "revoke" | "regrant", keys: GrantKey[]): void {
    const same = (a: GrantKey, b: GrantKey) =>
      a.owner === b.owner &&
      a.grantee === b.grantee &&
      a.dataHash === b.dataHash &&
      a.purpose === b.purpose;
    if (kind === "revoke") {
      for (const k of keys) {
        this.active.splice(
          this.active.findIndex((a) => same(a, k)),
          1,
        );
        this.revoked.push(k);
      }
    } else {
      if (kind === "regrant")
        for (const k of keys)
          this.revoked.splice(
            this.revoked.findIndex((a) => same(a, k)),
            1,
          );
      this.active.push(...keys);
    }
  }

  /** Sends one transaction (automine: its own block) and checks it succeeded. */
  async send(call: { from: string; data: string }): Promise<{ hash: string; block: number }> {
    const hash = await this.anvil.rpc<string>("eth_sendTransaction", [
      { from: call.from, to: this.contract, data: call.data, gas: toQuantity(TX_GAS) },
    ]);
    const receipt = await waitFor("a receipt", 30_000, () =>
      this.anvil.rpc<{ status: string; blockNumber: string } | null>("eth_getTransactionReceipt", [
        hash,
      ]),
    );
    if (receipt.status !== "0x1") throw new Error(`transaction ${hash} reverted`);
    return { hash, block: Number(receipt.blockNumber) };
  }

  async grant(n: number): Promise<void> {
    const c = this.grantCall(n);
    await this.send(c);
    this.applied("grant", c.keys);
  }

  async revoke(n: number): Promise<void> {
    const c = this.revokeCall(n);
    if (!c) return;
    await this.send(c);
    this.applied("revoke", c.keys);
  }

  async regrant(n: number): Promise<void> {
    const c = this.regrantCall(n);
    if (!c) return;
    await this.send(c);
    this.applied("regrant", c.keys);
  }

  /** `n` empty blocks (evm_mine, never hardhat_mine/anvil_mine bursts). */
  async mineEmpty(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await this.anvil.rpc("evm_mine", []);
  }
}

// ------------------------------------------------------------------ the differential check

const EVENT_KIND: Record<string, string> = {
  GrantCreated: "created",
  GrantRevoked: "revoked",
  GrantReleased: "released",
  GrantLockExtended: "lock_extended",
  GrantExpiryExtended: "expiry_extended",
};

/** A grant as the REST API answers it (the OpenAPI document's schema, as the SDK generates it). */
type ApiGrant = components["schemas"]["Grant"];

interface ApiEvent {
  id: string;
  grantId: string;
  kind: string;
  blockNumber: string;
  logIndex: number;
  txHash: string;
}

interface Deployment {
  contract: string;
  fromBlock: number;
}

interface CheckSummary {
  head: number;
  grants: number;
  events: number;
  restDetail: number;
}

/** `kind@block:logIndex:tx` of every grant_event row the contract's logs imply, per grant id. */
async function expectedHistory(
  anvil: Anvil,
  d: Deployment,
  head: number,
): Promise<{ byGrant: Map<string, string[]>; rows: number }> {
  const byGrant = new Map<string, string[]>();
  const add = (id: string, v: string) => (byGrant.get(id) ?? byGrant.set(id, []).get(id)!).push(v);
  let rows = 0;
  const logs = await anvil.provider.getLogs({
    address: d.contract,
    fromBlock: d.fromBlock,
    toBlock: head,
  });
  for (const log of logs) {
    const ev = GRANTS_IFACE.parseLog(log);
    if (!ev) continue;
    const at = `@${log.blockNumber}:${log.index}:${lower(log.transactionHash)}`;
    if (ev.name === "GrantReplaced") {
      add(lower(ev.args.oldGrantId as string), `replaced${at}`);
      add(lower(ev.args.newGrantId as string), `replacement${at}`);
      rows += 2;
    } else if (EVENT_KIND[ev.name]) {
      add(lower(ev.args.grantId as string), `${EVENT_KIND[ev.name]}${at}`);
      rows += 1;
    }
  }
  return { byGrant, rows };
}

function fail(problems: string[], what: string): void {
  if (problems.length === 0) return;
  expect.fail(
    `${problems.length} ${what} mismatch(es):\n${problems.slice(0, 30).join("\n")}${problems.length > 30 ? "\n…" : ""}`,
  );
}

/**
 * "API state equals contract state for every grant": waits until the indexer is at the head, then for
 * each deployment compares
 * - the grant_event rows (GraphQL, all of them, and their count) with the contract's event logs
 *   (eth_getLogs): nothing lost, nothing doubled, nothing left over from a replaced block;
 * - the REST grant list (`/v1/grants?contract=`) with the set of grant ids the logs name, and every
 *   listed grant with the contract's `getGrant` at the head (and its key with its id);
 * - `/v1/grants/{chainId}/{grantId}?contract=` (grant and history) for every grant when there are at
 *   most `restLimit`, else for a sample of that size.
 */
async function differential(
  ix: Indexer,
  anvil: Anvil,
  deployments: Deployment[],
  restLimit = 400,
): Promise<CheckSummary> {
  const { head } = await ix.waitCaughtUp(anvil);
  const summary: CheckSummary = { head, grants: 0, events: 0, restDetail: 0 };
  for (const d of deployments) {
    const contract = lower(d.contract);
    const grants: AccessGrants = AccessGrants__factory.connect(d.contract, anvil.provider);
    const expected = await expectedHistory(anvil, d, head);
    const problems: string[] = [];

    // grant_event rows, all of them.
    const events: ApiEvent[] = [];
    let after: string | null = null;
    let total = -1;
    for (;;) {
      const data: {
        grantEvents: {
          items: ApiEvent[];
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      } = await ix.graphql(
        `query($c: String!, $after: String) { grantEvents(where: { contract: $c }, limit: 1000, after: $after) {
          items { id grantId kind blockNumber logIndex txHash } totalCount pageInfo { hasNextPage endCursor } } }`,
        { c: contract, after },
      );
      events.push(...data.grantEvents.items);
      total = data.grantEvents.totalCount;
      if (!data.grantEvents.pageInfo.hasNextPage) break;
      after = data.grantEvents.pageInfo.endCursor;
    }
    if (total !== expected.rows || events.length !== expected.rows)
      problems.push(
        `${contract}: ${total} grant_event rows (${events.length} read), the logs imply ${expected.rows}`,
      );
    const got = new Map<string, string[]>();
    for (const e of events) {
      const v = `${e.kind}@${e.blockNumber}:${e.logIndex}:${lower(e.txHash)}`;
      (got.get(lower(e.grantId)) ?? got.set(lower(e.grantId), []).get(lower(e.grantId))!).push(v);
    }
    for (const id of new Set([...got.keys(), ...expected.byGrant.keys()])) {
      const a = [...(got.get(id) ?? [])].sort().join(" ");
      const b = [...(expected.byGrant.get(id) ?? [])].sort().join(" ");
      if (a !== b) problems.push(`${contract} grant ${id}: grant_event rows [${a}], logs [${b}]`);
    }
    fail(problems, "grant_event");

    // The REST list: every grant the logs name, each equal to the contract's view.
    const listed: ApiGrant[] = [];
    let cursor: string | null = null;
    do {
      const p: string = `/v1/grants?contract=${contract}&chainId=${CHAIN_ID}&limit=100${cursor ? `&cursor=${cursor}` : ""}`;
      const a = await ix.get<{ items: ApiGrant[]; nextCursor: string | null }>(p);
      if (a.status !== 200) expect.fail(`GET ${p}: ${a.status} ${a.text.slice(0, 300)}`);
      listed.push(...a.body.items);
      cursor = a.body.nextCursor;
    } while (cursor);
    const ids = listed.map((g) => lower(g.grantId));
    if (new Set(ids).size !== ids.length)
      problems.push(`${contract}: duplicate grants in the list`);
    const want = [...expected.byGrant.keys()].sort();
    const have = [...new Set(ids)].sort();
    if (want.join() !== have.join())
      problems.push(
        `${contract}: the API lists ${have.length} grants, the logs name ${want.length}: ` +
          `missing ${
            want
              .filter((x) => !have.includes(x))
              .slice(0, 5)
              .join(",") || "-"
          }, ` +
          `extra ${
            have
              .filter((x) => !want.includes(x))
              .slice(0, 5)
              .join(",") || "-"
          }`,
      );
    // getGrant of every listed grant at the head, 250 per eth_call (AccessGrants is Multicall).
    const states = new Map<string, { status: bigint; lockedUntil: bigint; expiresAt: bigint }>();
    const chunks: ApiGrant[][] = [];
    for (let i = 0; i < listed.length; i += 250) chunks.push(listed.slice(i, i + 250));
    await pool(chunks, 4, async (chunk) => {
      const calls = chunk.map((g) => GRANTS_IFACE.encodeFunctionData("getGrant", [g.grantId]));
      const results = await grants.multicall.staticCall(calls, { blockTag: head });
      chunk.forEach((g, i) => {
        const [state] = GRANTS_IFACE.decodeFunctionResult("getGrant", results[i]!);
        states.set(g.grantId, {
          status: BigInt(state.status),
          lockedUntil: BigInt(state.lockedUntil),
          expiresAt: BigInt(state.expiresAt),
        });
      });
    });
    for (const g of listed) {
      if (lower(g.contract) !== contract) problems.push(`${g.grantId}: contract ${g.contract}`);
      const c = states.get(g.grantId)!;
      const status = GRANT_STATUS[Number(c.status)];
      if (API_TO_CONTRACT[g.status] !== status)
        problems.push(`${g.grantId}: status api=${g.status} contract=${status}`);
      if (g.lockedUntil !== c.lockedUntil.toString() || g.expiresAt !== c.expiresAt.toString())
        problems.push(
          `${g.grantId}: lock/expiry api=${g.lockedUntil}/${g.expiresAt} contract=${c.lockedUntil}/${c.expiresAt}`,
        );
      if (lower(computeGrantId(g)) !== lower(g.grantId))
        problems.push(`${g.grantId}: owner/grantee/dataHash/purpose do not hash to the id`);
    }
    fail(problems, "grant");

    // The per-grant route: the grant and its history.
    let detail = listed;
    if (detail.length > restLimit) {
      const step = detail.length / restLimit;
      detail = Array.from({ length: restLimit }, (_, i) => listed[Math.floor(i * step)]!);
    }
    await pool(detail, 16, async (g) => {
      const p = `/v1/grants/${CHAIN_ID}/${g.grantId}?contract=${contract}`;
      const a = await ix.get<{ grant: ApiGrant; history: ApiEvent[] }>(p);
      if (a.status !== 200) {
        problems.push(`GET ${p}: ${a.status} ${a.text.slice(0, 200)}`);
        return;
      }
      const h = a.body.history.map(
        (e) => `${e.kind}@${e.blockNumber}:${e.logIndex}:${lower(e.txHash)}`,
      );
      const w = expected.byGrant.get(lower(g.grantId)) ?? [];
      if (h.join(" ") !== w.join(" "))
        problems.push(`GET ${p}: history [${h.join(" ")}], logs [${w.join(" ")}]`);
      if (a.body.grant.status !== g.status)
        problems.push(`GET ${p}: status ${a.body.grant.status}, list ${g.status}`);
    });
    fail(problems, "grant detail");
    summary.grants += listed.length;
    summary.events += events.length;
    summary.restDetail += detail.length;
  }
  return summary;
}

// ------------------------------------------------------------------ what each case found (for scripts/faults-report.ts)

let current: FaultRecord | null = null;
const cleanups: (() => Promise<void> | void)[] = [];

function note(line: string): void {
  current?.happened.push(line);
  console.log(`      · ${line}`);
}

function summarize(text: string): void {
  if (current) current.summary = text;
}

function recovered(what: string, seconds: number): void {
  if (current) current.recovery[what] = seconds;
  note(`${what}: equal to the chain ${seconds} s after it`);
}

// ------------------------------------------------------------------ a chain with GrantKit on it

interface World {
  work: string;
  anvil: Anvil;
  recordsDir: string;
  record: DeploymentRecord;
  accounts: string[];
  act: Activity;
  deployment: Deployment;
}

async function world(): Promise<World> {
  const work = mkdtempSync(path.join(tmpdir(), "grantkit-faults-"));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  const anvil = await Anvil.start(path.join(work, "anvil-state.json"));
  const tag = await genesisTag(anvil);
  cleanups.push(() => removeJournals(CHAIN_ID, tag));
  cleanups.push(() => anvil.stop());
  const recordsDir = path.join(work, "records");
  mkdirSync(recordsDir);
  const record = await deploy(anvil, recordsDir, "localhost", "grantkit.v1");
  const accounts = (await anvil.rpc<string[]>("eth_accounts", [])).map((a) => getAddress(a));
  const contract = record.contracts.AccessGrants!.address;
  return {
    work,
    anvil,
    recordsDir,
    record,
    accounts,
    act: new Activity(anvil, contract, accounts, "v1"),
    deployment: { contract, fromBlock: record.contracts.AccessGrants!.blockNumber },
  };
}

/** A few thousand grant events in few blocks, then enough empty blocks that Ponder backfills them. */
async function seedBacklog(act: Activity): Promise<string> {
  const t = performance.now();
  const from = await act.anvil.head();
  for (let i = 0; i < 30; i++) await act.grant(200);
  for (let i = 0; i < 10; i++) await act.revoke(100);
  for (let i = 0; i < 5; i++) await act.regrant(100);
  const events = 30 * 200 + 10 * 100 + 5 * 100;
  await act.mineEmpty(FINALITY + 5);
  return `seeded ${events} grant events in 45 blocks, then ${FINALITY + 5} empty blocks (blocks ${from + 1}-${await act.anvil.head()}, ${secondsSince(t)} s)`;
}

/** Transactions in the background, one block each (grants, revokes, re-grants), until stopped. */
class Stream {
  private stopping = false;
  private readonly done: Promise<void>;
  blocks = 0;

  constructor(
    private readonly act: Activity,
    everyMs = 150,
  ) {
    this.done = (async () => {
      for (let i = 0; !this.stopping; i++) {
        const step = i % 4;
        if (step === 0) await this.act.grant(12);
        else if (step === 1) await this.act.revoke(6);
        else if (step === 2) await this.act.regrant(3);
        else await this.act.grant(4);
        this.blocks++;
        await sleep(everyMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done;
  }
}

function dbOf(kind: "pglite" | "postgres", work: string): Promise<Database> {
  if (kind === "pglite") return Promise.resolve({ kind, dir: path.join(work, "pglite") });
  // Its own top-level temporary folder: as root, startPostgres hands it to the `postgres` user, who
  // could not enter a folder inside another private temporary folder.
  const pgDir = mkdtempSync(path.join(tmpdir(), "grantkit-faults-pg-"));
  cleanups.push(() => rmSync(pgDir, { recursive: true, force: true }));
  cleanups.push(() => stopPostgres(pgDir));
  return startPostgres(pgDir).then((url) => ({ kind, url }));
}

/** Starts an indexer that afterEach stops (SIGTERM, then kill -9). */
async function startIndexer(options: IndexerOptions): Promise<Indexer> {
  const ix = await Indexer.start(options);
  cleanups.push(() => ix.stop());
  return ix;
}

const liveBlocks = (ix: Indexer) => ix.lines.filter((l) => /Indexed block chain=/.test(l)).length;

/** Seconds the restarted process waited for the killed one's schema lock (Ponder logs it). */
function lockWait(ix: Indexer): number {
  const lock = ix.logged(/Schema is locked by a different Ponder app/);
  return lock ? Number(/retry_delay=(\d+)/.exec(lock)?.[1] ?? "0") / 1000 : 0;
}

/** What the restarted process logged about the dead one: the lock wait and the crash recovery. */
function restartStory(ix: Indexer): string {
  const lock = ix.logged(/Schema is locked by a different Ponder app/);
  const delay = lockWait(ix);
  const recovery = ix.logged(/Detected crash recovery/);
  const backfill = ix.logged(/Started backfill indexing/);
  const range = backfill ? /block_range=(\[[^\]]*\])/.exec(backfill)?.[1] : null;
  return [
    lock ? `waited ${delay.toFixed(1)} s for the killed process's schema lock` : "no lock wait",
    recovery ? "logged crash recovery" : "no crash recovery logged",
    range ? `re-indexed blocks ${range}` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

// ------------------------------------------------------------------ the cases

describe("indexer under faults (anvil + Ponder)", function () {
  this.timeout(420_000);
  this.slow(60_000);

  beforeEach(function () {
    current = {
      fault: this.currentTest?.title ?? "?",
      passed: false,
      seconds: 0,
      recovery: {},
      happened: [],
    };
    current.seconds = performance.now();
  });

  afterEach(async function () {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // best effort
      }
    }
    if (!current) return;
    current.seconds = secondsSince(current.seconds);
    current.passed = this.currentTest?.state === "passed";
    if (this.currentTest?.err)
      current.error = this.currentTest.err.message.split("\n").slice(0, 6).join("\n");
    const file = process.env.FAULTS_RESULT_FILE;
    if (file) appendFileSync(file, JSON.stringify(current) + "\n");
    current = null;
  });

  for (const kind of ["pglite", "postgres"] as const) {
    it(`crash (${kind}): kill -9 mid-backfill and while live, restart on the same database`, async function () {
      const w = await world();
      const db = await dbOf(kind, w.work);
      const options: IndexerOptions = {
        db,
        schema: `faults_crash_${kind}`,
        recordsDir: w.recordsDir,
        rpcUrl: w.anvil.url,
      };
      note(await seedBacklog(w.act));

      // 1. kill -9 in the middle of the backfill: once its first block range is committed.
      let ix = await startIndexer(options);
      await waitFor(
        "the backfill's first committed block range",
        180_000,
        async () => {
          if (ix.logged(/Completed backfill/))
            throw new Error("the backfill completed before the kill");
          return ix.logged(/Indexed block range/);
        },
        () => ix.logTail(),
        10,
      );
      await ix.kill9();
      const ranges = ix.lines.filter((l) => /Indexed block range/.test(l));
      expect(ix.logged(/Completed backfill/), "killed before the backfill completed").to.equal(
        null,
      );
      note(
        `kill -9 during the backfill after ${ranges.length} committed block range(s) (${ranges
          .map((l) => /block_range=(\[[^\]]*\])/.exec(l)?.[1])
          .join(", ")})`,
      );
      let t = performance.now();
      ix = await startIndexer(options);
      await ix.waitCaughtUp(w.anvil, 180_000);
      let seconds = secondsSince(t);
      let check = await differential(ix, w.anvil, [w.deployment]);
      recovered("restart after kill -9 mid-backfill", seconds);
      note(`restart: ${restartStory(ix)}`);
      const firstWait = lockWait(ix);
      note(
        `differential: ${check.grants} grants = getGrant, ${check.events} grant_event rows = eth_getLogs`,
      );

      // 2. kill -9 while live, transactions going on meanwhile.
      const stream = new Stream(w.act);
      cleanups.push(() => stream.stop());
      const before = liveBlocks(ix);
      await waitFor("8 live blocks indexed", 60_000, async () => liveBlocks(ix) >= before + 8);
      await ix.kill9();
      note(`kill -9 while live at head ${await w.anvil.head()}, transactions still being sent`);
      t = performance.now();
      ix = await startIndexer(options);
      await ix.waitHttp();
      await waitFor(
        "the restarted indexer live again",
        180_000,
        async () => liveBlocks(ix) >= 3,
        () => ix.logTail(),
      );
      await stream.stop();
      note(`${stream.blocks} blocks of transactions sent during the live phase, kill and restart`);
      await ix.waitCaughtUp(w.anvil, 180_000);
      seconds = secondsSince(t);
      check = await differential(ix, w.anvil, [w.deployment]);
      recovered("restart after kill -9 while live", seconds);
      note(`restart: ${restartStory(ix)}`);
      note(
        `differential: ${check.grants} grants = getGrant, ${check.events} grant_event rows = eth_getLogs`,
      );
      summarize(
        `kill -9 after ${ranges.length} committed backfill block range(s), then while live with ` +
          `transactions going on (${stream.blocks} blocks). Each restart waited for the dead ` +
          `process's schema lock (${firstWait.toFixed(0)} s, ${lockWait(ix).toFixed(0)} s), ran ` +
          `crash recovery and re-indexed from the last checkpoint. Then ${check.grants} grants ` +
          `equal getGrant and ${check.events} grant_event rows equal eth_getLogs: nothing lost or doubled.`,
      );
    });
  }

  it("RPC outage: node down 30 s mid-backfill and again while live (state kept), /v1/ready 503 meanwhile", async function () {
    const w = await world();
    const options: IndexerOptions = {
      db: await dbOf("pglite", w.work),
      schema: "faults_outage",
      recordsDir: w.recordsDir,
      rpcUrl: w.anvil.url,
    };
    note(await seedBacklog(w.act));
    const problems: string[] = [];

    /** The node down for OUTAGE_SECONDS; probes /v1/ready (and, to see, a REST list) meanwhile. */
    const outage = async (ix: Indexer, phase: string) => {
      const head = await w.anvil.head();
      const hash = await w.anvil.blockHash(head);
      await w.anvil.down();
      const t = performance.now();
      const answers: string[] = [];
      // Probes sent once the server's cached head is stale (src/api/routes/ready.ts: refreshed every
      // second, not trusted after 5 s): every one of them must be 503.
      const afterGrace: string[] = [];
      const rest: string[] = [];
      while (performance.now() - t < OUTAGE_SECONDS * 1000) {
        const p = performance.now();
        let answer: string;
        try {
          const a = await ix.get<ReadyBody>("/v1/ready", PROBE_TIMEOUT_MS);
          answer = `${a.status}${a.body?.reason ? ` (${a.body.reason})` : ""}`;
        } catch {
          answer = `no answer in ${PROBE_TIMEOUT_MS / 1000} s`;
        }
        answers.push(answer);
        if (p - t > READY_GRACE_MS) afterGrace.push(answer);
        if (rest.length < 2) {
          try {
            const a = await ix.get("/v1/grants?limit=1", PROBE_TIMEOUT_MS);
            rest.push(String(a.status));
          } catch {
            rest.push(`no answer in ${PROBE_TIMEOUT_MS / 1000} s`);
          }
        }
        await sleep(Math.max(0, 2_000 - (performance.now() - p)));
      }
      const tally = new Map<string, number>();
      for (const a of answers) tally.set(a, (tally.get(a) ?? 0) + 1);
      const ready = [...tally].map(([k, n]) => `${k} ×${n}`).join(", ");
      const list = [...new Set(rest)].join(", ");
      note(
        `${phase}: node down ${secondsSince(t)} s at head ${head}; /v1/ready: ${ready}; ` +
          `GET /v1/grants?limit=1: ${list}; indexer ${ix.alive() ? "still running" : "exited"}`,
      );
      for (const a of afterGrace)
        if (!a.startsWith("503")) {
          problems.push(
            `${phase}: /v1/ready more than ${READY_GRACE_MS / 1000} s after the node went down: ${a} (want 503)`,
          );
          break;
        }
      if (afterGrace.length < 5)
        problems.push(
          `${phase}: only ${afterGrace.length} readiness probes after the grace period`,
        );
      expect(ix.alive(), `the indexer survived the outage:\n${ix.logTail()}`).to.equal(true);
      await w.anvil.up();
      expect(await w.anvil.blockHash(head), "the node came back with the same chain").to.equal(
        hash,
      );
      return { ready, list };
    };

    // 1. Mid-backfill: the node goes away once Ponder has started fetching the backfill's data.
    const ix = await startIndexer(options);
    await waitFor("the backfill to start", 180_000, async () =>
      ix.logged(/Started fetching backfill/),
    );
    const during = await outage(ix, "mid-backfill");
    let t = performance.now();
    await ix.waitCaughtUp(w.anvil, 180_000);
    let seconds = secondsSince(t);
    let check = await differential(ix, w.anvil, [w.deployment]);
    recovered("node back after the outage mid-backfill", seconds);
    const firstRecovery = seconds;
    note(`differential: ${check.grants} grants, ${check.events} grant_event rows = eth_getLogs`);

    // 2. Live, following transactions.
    let stream = new Stream(w.act);
    cleanups.push(() => stream.stop());
    const before = liveBlocks(ix);
    await waitFor("5 live blocks indexed", 60_000, async () => liveBlocks(ix) >= before + 5);
    await stream.stop();
    const live = await outage(ix, "live");
    t = performance.now();
    stream = new Stream(w.act);
    await sleep(1_500);
    await stream.stop();
    await ix.waitCaughtUp(w.anvil, 180_000);
    seconds = secondsSince(t);
    check = await differential(ix, w.anvil, [w.deployment]);
    recovered("node back after the outage while live (new blocks sent at once)", seconds);
    note(`differential: ${check.grants} grants, ${check.events} grant_event rows = eth_getLogs`);
    summarize(
      `The indexer kept running through both ${OUTAGE_SECONDS} s outages and caught up by itself ` +
        `(${firstRecovery} s and ${seconds} s after the node came back), equal to the contract. ` +
        `/v1/ready mid-backfill: ${during.ready}; while live: ${live.ready}. ` +
        `GET /v1/grants?limit=1 during the outages: ${[...new Set([during.list, live.list])].join(", ")}.`,
    );
    fail(problems, "readiness");
  });

  it("reorg: anvil_reorg depth 5 and snapshot/revert depth 20 replace created, revoked and re-created grants", async function () {
    const w = await world();
    const ix = await startIndexer({
      db: await dbOf("pglite", w.work),
      schema: "faults_reorg",
      recordsDir: w.recordsDir,
      rpcUrl: w.anvil.url,
    });
    await ix.waitCaughtUp(w.anvil, 180_000);
    const [A, B, C, D] = w.act.owners as [string, string, string, string];
    const key = (owner: string, i: number): GrantKey => ({
      owner,
      grantee: w.act.grantees[i % w.act.grantees.length]!,
      dataHash: keccak256(toUtf8Bytes(`reorg-item-${i}`)),
      purpose: PURPOSES[i % PURPOSES.length]!,
    });
    const K = (owner: string, ...ns: number[]) => ns.map((n) => key(owner, n));
    const id = (k: GrantKey) => lower(computeGrantId(k));
    const tx = (from: string, data: string) => ({
      from,
      to: w.deployment.contract,
      data,
      gas: toQuantity(TX_GAS),
    });
    const send = (from: string, data: string) => w.act.send({ from, data });

    /** Polls the differential check until it passes; returns the seconds it took. */
    const converge = async (t: number): Promise<CheckSummary> => {
      let last: unknown = null;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        try {
          return await differential(ix, w.anvil, [w.deployment]);
        } catch (error) {
          last = error;
          await sleep(100);
        }
      }
      throw new Error(
        `not equal to the chain ${secondsSince(t)} s after the reorg: ${String(last)}`,
      );
    };
    /** Grants that existed only on the replaced branch: 404 and in no list. */
    const gone = async (keys: GrantKey[]) => {
      for (const k of keys) {
        const a = await ix.get(`/v1/grants/${CHAIN_ID}/${id(k)}`);
        expect(a.status, `grant ${id(k)} of the replaced branch: ${a.text}`).to.equal(404);
      }
    };
    const history = async (k: GrantKey) => {
      const a = await ix.get<{ history: ApiEvent[] }>(`/v1/grants/${CHAIN_ID}/${id(k)}`);
      return (
        (a.body?.history ?? []).map((e) => `${e.kind}@${e.blockNumber}`).join(" ") ||
        `(${a.status})`
      );
    };

    // --- 1. anvil_reorg: the same height, other transactions.
    await send(A, grantData(K(A, 1, 2, 3, 4, 5, 6))); // stays
    const forkBase = await w.anvil.head();
    await send(A, revokeData(K(A, 1, 2)));
    await send(A, grantData(K(A, 1))); // re-created
    await send(B, grantData(K(B, 7, 8)));
    await send(B, revokeData(K(B, 7)));
    await send(B, grantData(K(B, 7))); // re-created
    const head = await w.anvil.head();
    const oldHash = await w.anvil.blockHash(head);
    let check = await differential(ix, w.anvil, [w.deployment]);
    const before1 = await history(key(A, 1));
    note(
      `before: ${check.grants} grants, ${check.events} rows; blocks ${forkBase + 1}-${head} hold revoke, re-create, create, revoke, re-create`,
    );
    let t = performance.now();
    await w.anvil.rpc("anvil_reorg", [
      head - forkBase,
      [
        [tx(A, revokeData(K(A, 3))), 0],
        [tx(C, grantData(K(C, 9, 10))), 1],
        [tx(C, revokeData(K(C, 9))), 2],
        [tx(C, grantData(K(C, 9))), 3],
      ],
    ]);
    expect(await w.anvil.head()).to.equal(head);
    expect(await w.anvil.blockHash(head)).not.to.equal(oldHash);
    check = await converge(t);
    recovered(`anvil_reorg depth ${head - forkBase} (same height)`, secondsSince(t));
    await gone(K(B, 7, 8));
    note(
      `after: ${check.grants} grants, ${check.events} rows = eth_getLogs; grant A1 history [${before1}] -> [${await history(key(A, 1))}]; B7, B8 (replaced branch only) 404`,
    );

    // --- 2. evm_snapshot / evm_revert: 20 blocks replaced by 22 others (the parent-hash path).
    const snapshot = await w.anvil.rpc<string>("evm_snapshot", []);
    const base2 = await w.anvil.head();
    for (let i = 0; i < 5; i++) await send(D, grantData(K(D, 20 + 2 * i, 21 + 2 * i)));
    for (let i = 0; i < 5; i++) await send(D, revokeData(K(D, 20 + 2 * i)));
    for (let i = 0; i < 5; i++) await send(D, grantData(K(D, 20 + 2 * i)));
    await send(A, revokeData(K(A, 1, 2)));
    await send(C, revokeData(K(C, 10)));
    await w.act.mineEmpty(3);
    const depth = (await w.anvil.head()) - base2;
    check = await differential(ix, w.anvil, [w.deployment]);
    note(
      `old branch: ${depth} blocks after block ${base2}, ${check.grants} grants, ${check.events} rows indexed`,
    );
    expect(await w.anvil.rpc<boolean>("evm_revert", [snapshot])).to.equal(true);
    for (let i = 0; i < 4; i++) await send(B, grantData(K(B, 40 + i)));
    await send(B, revokeData(K(B, 40, 41)));
    await send(B, grantData(K(B, 40)));
    await send(A, revokeData(K(A, 4)));
    await send(A, grantData(K(A, 4)));
    await w.act.mineEmpty(depth + 2 - 8);
    t = performance.now();
    check = await converge(t);
    recovered(
      `snapshot/revert depth ${depth}, new branch of ${depth + 2} blocks (from its last block)`,
      secondsSince(t),
    );
    await gone(K(D, ...Array.from({ length: 10 }, (_, i) => 20 + i)));
    note(
      `after: ${check.grants} grants, ${check.events} rows = eth_getLogs; grant A2 is active again, its history [${await history(key(A, 2))}]; D20-D29 (old branch only) 404`,
    );
    expect(ix.logged(/unrecoverable reorg/i), "no unrecoverable reorg").to.equal(null);
    const r = current?.recovery ?? {};
    summarize(
      `anvil_reorg (depth 5, same height) and evm_snapshot/evm_revert (depth ${depth}, longer new branch) ` +
        `replaced blocks that created, revoked and re-created grants. Grants and their histories ` +
        `(/v1/grants/{chain}/{id}) equalled the new chain's getGrant and eth_getLogs ` +
        `${Object.values(r).join(" s and ")} s later; grants only on the old branch answer 404.`,
    );
  });

  it("new deployment record: a second AccessGrants on the same chain, restart, both indexed by contract", async function () {
    const w = await world();
    const db = await dbOf("pglite", w.work);
    const options: IndexerOptions = {
      db,
      schema: "faults_deploy",
      recordsDir: w.recordsDir,
      rpcUrl: w.anvil.url,
    };
    for (let i = 0; i < 4; i++) await w.act.grant(50);
    await w.act.revoke(30);
    await w.act.regrant(10);
    let ix = await startIndexer(options);
    let check = await differential(ix, w.anvil, [w.deployment]);
    note(`v1 ${w.deployment.contract}: ${check.grants} grants, ${check.events} rows indexed`);

    // The second deployment: another salt, so other addresses; a record of its own in the same folder.
    const v2 = await deploy(w.anvil, w.recordsDir, "localhost-v2", "grantkit.faults.v2");
    const v2Deployment: Deployment = {
      contract: v2.contracts.AccessGrants!.address,
      fromBlock: v2.contracts.AccessGrants!.blockNumber,
    };
    expect(lower(v2Deployment.contract)).not.to.equal(lower(w.deployment.contract));
    // Same owners, grantees, items and purposes as v1's first grants: the same grant ids in both.
    const act2 = new Activity(w.anvil, v2Deployment.contract, w.accounts, "v1");
    await act2.grant(40);
    await act2.revoke(15);
    await act2.grant(20);
    const v1Ids = new Set([...w.act.active, ...w.act.revoked].map((k) => computeGrantId(k)));
    const both = [...act2.active, ...act2.revoked].filter((k) => v1Ids.has(computeGrantId(k)));
    note(
      `v2 ${v2Deployment.contract} deployed at block ${v2Deployment.fromBlock} (record localhost-v2.json): 60 grants, ${both.length} of them with ids v1 has too`,
    );

    // Restart on the same database and schema: Ponder refuses a changed configuration there.
    await ix.stop();
    let t = performance.now();
    ix = await startIndexer(options);
    await waitFor("the restarted indexer to exit or to be ready", 120_000, async () => {
      if (!ix.alive()) return true;
      try {
        return (await ix.get("/v1/ready", 2_000)).status === 200;
      } catch {
        return false;
      }
    });
    const refused = ix.logged(/previously used by a different Ponder app/);
    let sameSchema = "Restart on the same schema: accepted.";
    if (!ix.alive()) {
      sameSchema =
        'Restart on the same schema: Ponder exits at once ("previously used by a different Ponder app"): the new record changes the build id.';
      expect(
        refused,
        `why the restart on schema ${options.schema} exited:\n${ix.logTail()}`,
      ).not.to.equal(null);
      note(
        `restart on the same schema: Ponder exits at once (${secondsSince(t)} s): "${/Schema "[^"]+" was previously used by a different Ponder app/.exec(refused!)?.[0]}"; nothing is served from a half-updated schema`,
      );
      // The documented way: a new schema in the same database (the RPC cache is reused).
      t = performance.now();
      ix = await startIndexer({ ...options, schema: "faults_deploy_2" });
    } else {
      note("restart on the same schema: accepted");
    }
    await ix.waitCaughtUp(w.anvil, 180_000);
    const seconds = secondsSince(t);
    check = await differential(ix, w.anvil, [w.deployment, v2Deployment]);
    recovered("restart with the new record (new schema, same database)", seconds);
    note(
      `both: ${check.grants} grants, ${check.events} rows; each equal to its contract, listed by ?contract=`,
    );

    // A grant id both contracts have: ambiguous without ?contract=, and each side right with it.
    const shared = act2.active.find((k) =>
      w.act.active.some((a) => lower(computeGrantId(a)) === lower(computeGrantId(k))),
    );
    expect(shared, "a grant id in both deployments").to.not.equal(undefined);
    const sharedId = computeGrantId(shared!);
    const ambiguous = await ix.get<{ error: string }>(`/v1/grants/${CHAIN_ID}/${sharedId}`);
    expect(ambiguous.status, ambiguous.text).to.equal(409);
    for (const d of [w.deployment, v2Deployment]) {
      const a = await ix.get<{ grant: ApiGrant }>(
        `/v1/grants/${CHAIN_ID}/${sharedId}?contract=${lower(d.contract)}`,
      );
      expect(a.status, a.text).to.equal(200);
      expect(lower(a.body.grant.contract)).to.equal(lower(d.contract));
    }
    note(
      `grant ${sharedId.slice(0, 10)}… in both: 409 without ?contract=, 200 from each contract with it`,
    );

    // Live on both after the restart.
    await w.act.grant(5);
    await act2.revoke(5);
    check = await differential(ix, w.anvil, [w.deployment, v2Deployment]);
    note(`live on both: ${check.grants} grants, ${check.events} rows`);
    summarize(
      `${sameSchema} On a new schema in the same database both deployments were indexed ` +
        `(${seconds} s to caught up), each equal to its contract; ?contract= separates them and a ` +
        `grant id both have answers 409 without it.`,
    );
  });
});
