/**
 * `npm start [-- --demo --verbose]` (`hardhat grantkit start`): the whole product locally, in one
 * command: the build when it is missing or stale, a Hardhat node on 127.0.0.1, the deploy toolkit,
 * optional demo data, and the Ponder indexer on embedded PGlite. Prints the URLs; Ctrl-C stops
 * everything.
 *
 * Every child runs in a process group of its own; any failure (build, chain, deploy, demo, indexer),
 * Ctrl-C, SIGTERM, SIGHUP or the end of the process that launched it stops every group, waits for the
 * ports to be free, and exits (non-zero on a failure, with what failed and what to do).
 *
 * Ports: GRANTKIT_CHAIN_PORT (default 8545), GRANTKIT_API_PORT (default 42069), checked before
 * anything starts. PONDER_PGLITE_DIR moves the indexer's embedded database (default
 * indexer/.ponder), which is new at every start, as the chain is.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";

import type { InterfaceAbi } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { buildFreshness, stampBuild } from "../scripts/lib/build-freshness.js";
import { ChainOutput, revertDecoder, type RevertDecoder } from "../scripts/lib/chain-output.js";
import { deployGrantKit } from "../scripts/lib/deploy.js";
import { ROOT, recordPath, type DeploymentRecord } from "../scripts/lib/deployment.js";
import { seedDemo } from "../scripts/lib/demo.js";
import { GrantKitError } from "../scripts/lib/errors.js";
import { indexerCacheBytes, ponderStartArgs } from "../scripts/lib/indexer-process.js";
import {
  groupAlive,
  portFree,
  ProcessGroups,
  waitPortsFree,
  type ManagedChild,
} from "../scripts/lib/processes.js";

interface Args {
  demo: boolean;
  verbose: boolean;
}

/** A failed step: what failed, what to do, and the child that failed (if any), for its last lines. */
class StartError extends Error {
  constructor(
    readonly step: string,
    message: string,
    readonly hint: string,
    readonly child?: ManagedChild,
  ) {
    super(message);
  }
}

const INDEXER_DIR = path.join(ROOT, "indexer");
const BIN = (name: string) => path.join(ROOT, "node_modules", ".bin", name);
const UP_TIMEOUT_MS = 300_000;

const startedAt = performance.now();
const groups = new ProcessGroups();
/** Ports of servers we started: after a stop, they must be free again. */
const ourPorts: number[] = [];
/** What start is doing, for the error line ("npm start failed while <step>"). */
let step = "checking the ports";
let stopping: Promise<never> | undefined;
/** The last lines printed of each child's output (as shown: filtered, decoded, no colours). */
const shown = new Map<string, string[]>();

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Prints a line of a child's output with its name, and keeps it for an error message. */
function show(name: string, line: string): void {
  const plain = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
  if (plain.trim() === "") return;
  console.log(`[${name}] ${line}`);
  const lines = shown.get(name) ?? [];
  lines.push(plain);
  if (lines.length > 15) lines.shift();
  shown.set(name, lines);
}

function heading(n: number, total: number, text: string): void {
  console.log(`\n==> [${n}/${total}] ${text}`);
}

/**
 * Stops every child group, waits for our ports, prints the failure (if any) last, and exits. Runs
 * once; later calls get the same promise.
 */
function shutdown(code: number, failure?: StartError): Promise<never> {
  stopping ??= (async () => {
    const running = groups.children.filter((c) => groupAlive(c.pgid)).map((c) => c.name);
    if (running.length > 0) console.log(`\nstopping ${running.join(", ")}…`);
    const killed = await groups.stopAll();
    const taken = await waitPortsFree(ourPorts, 3_000);
    if (running.length > 0) {
      const how = killed.length > 0 ? ` (${killed.join(", ")} needed SIGKILL)` : "";
      console.log(
        taken.length === 0
          ? `stopped everything${how}; ports ${ourPorts.join(", ")} are free`
          : `stopped everything${how}; port ${taken.join(", ")} still busy (TIME_WAIT or another program)`,
      );
    }
    if (failure) {
      // The child's lines were interleaved with others': its last ones again, next to the error.
      const tail = failure.child ? (shown.get(failure.child.name) ?? []) : [];
      if (tail.length > 0) {
        console.error(`\nlast lines of the ${failure.child!.name}'s output:`);
        for (const line of tail) console.error(`  ${line}`);
      }
      console.error(`\nerror: npm start failed while ${failure.step}: ${failure.message}`);
      console.error(`hint: ${failure.hint}`);
    }
    process.exit(code);
  })();
  return stopping;
}

function failure(error: unknown): StartError {
  if (error instanceof StartError) return error;
  if (error instanceof GrantKitError) {
    return new StartError(step, error.message.replace(` (${error.hint})`, ""), error.hint);
  }
  const text = error instanceof Error ? error.message : String(error);
  const hints: [RegExp, string][] = [
    [
      /HHE1000|Artifact for contract/i,
      "the build is incomplete: run npm run build, then npm start",
    ],
    [
      /ECONNREFUSED|socket hang up|fetch failed/i,
      "the chain stopped answering: see the [chain] lines above",
    ],
  ];
  // Otherwise, how to run the failing step alone.
  const alone: Record<string, string> = {
    deploying:
      "see the lines above; npx hardhat node, then npm run deploy -- --network localhost, deploys alone",
    "seeding the demo data":
      "see the lines above (npm start -- --verbose shows every call); npm start without --demo comes up without demo data",
  };
  const hint =
    hints.find(([re]) => re.test(text))?.[1] ??
    alone[step] ??
    "see the lines above; npm start -- --verbose shows every line of the chain's output";
  return new StartError(step, text.split("\n")[0] ?? text, hint);
}

function installSignalHandlers(): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      // A second Ctrl-C while stopping: stop waiting.
      if (stopping) {
        groups.killAllNow();
        process.exit(1);
      }
      console.log(`\n${signal === "SIGINT" ? "Ctrl-C" : signal}: stopping`);
      void shutdown(0);
    });
  }
  // `kill <pid of npm>` ends npm and its shell without passing the signal on: when whoever started
  // us is gone (we were handed to another parent), stop as for SIGTERM.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !stopping) {
      console.log(`\nour parent process (pid ${parent}: npm or its shell) is gone: stopping`);
      void shutdown(0);
    }
  }, 500).unref();
  // A last resort whatever ends the process: no child group outlives it.
  process.on("exit", () => groups.killAllNow());
  process.on("uncaughtException", (error) => void shutdown(1, failure(error)));
  process.on("unhandledRejection", (error) => void shutdown(1, failure(error)));
}

function readPort(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new StartError(
      step,
      `${variable}="${raw}" is not a TCP port`,
      `set ${variable} to a number from 1024 to 65535, or unset it for ${fallback}`,
    );
  }
  return port;
}

async function checkPorts(chainPort: number, apiPort: number): Promise<void> {
  if (chainPort === apiPort) {
    throw new StartError(
      step,
      `GRANTKIT_CHAIN_PORT and GRANTKIT_API_PORT are both ${chainPort}`,
      "give the chain and the API different ports",
    );
  }
  for (const [port, variable, what] of [
    [chainPort, "GRANTKIT_CHAIN_PORT", "the chain's JSON-RPC"],
    [apiPort, "GRANTKIT_API_PORT", "the indexer's API"],
  ] as const) {
    if (!(await portFree(port))) {
      throw new StartError(
        step,
        `port ${port} (${what}) is already in use on 127.0.0.1`,
        `stop what listens on ${port} (another npm start?), or pick a free port: ${variable}=<port> npm start`,
      );
    }
  }
}

/** The children that must keep running (supervise). */
const supervised = new Set<ManagedChild>();
/** How long a failed step waits for a supervised child's exit to be seen first. */
const CHILD_EXIT_GRACE_MS = 1_000;

/** A child that must keep running: its exit stops everything, with its last lines. */
function supervise(child: ManagedChild, hint: string): void {
  supervised.add(child);
  void child.exited.then((code) => {
    if (stopping) return;
    const how = typeof code === "number" ? `exit code ${code}` : `killed by ${code}`;
    // The error it printed last, if any, says why (e.g. a setting or a record it refused).
    const said = (shown.get(child.name) ?? [])
      .map((l) => /\b(?:[A-Z]\w*)?Error: (.+)$/.exec(l)?.[1])
      .filter((m) => m !== undefined)
      .at(-1);
    const message = `the ${child.name} stopped (${how})${said ? `: ${said}` : ""}`;
    void shutdown(1, new StartError(step, message, hint, child));
  });
}

async function build(n: number, total: number): Promise<void> {
  const state = buildFreshness(ROOT);
  if (state.fresh) {
    heading(n, total, "build: up to date (artifacts and indexer ABIs newer than their sources)");
    return;
  }
  heading(n, total, `build: ${state.reason}; running npm run build`);
  console.log(
    "    compiles the contracts (via-IR: about a minute the first time) and the indexer's ABIs",
  );
  const since = performance.now();
  const child = groups.spawn("build", "npm", ["run", "--silent", "build"], {
    cwd: ROOT,
    onLine: (line) => show("build", line),
  });
  const ticker = setInterval(() => console.log(`    still building (${seconds(since)})`), 15_000);
  const code = await child.exited.finally(() => clearInterval(ticker));
  if (code !== 0) {
    // Its output is just above: no need to repeat it.
    throw new StartError(
      "building",
      `npm run build failed (exit code ${code})`,
      "fix what the [build] lines above say, then npm start again (npm run build builds alone)",
    );
  }
  stampBuild(ROOT, state.reason);
  const after = buildFreshness(ROOT);
  if (!after.fresh) {
    throw new StartError(
      "building",
      `the build finished but is still not usable: ${after.reason}`,
      "run npx hardhat clean && npm run build, then npm start",
    );
  }
  console.log(`    built in ${seconds(since)}`);
}

async function rpc(url: string, method: string): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status}`);
  return ((await res.json()) as { result?: unknown }).result;
}

async function startChain(
  n: number,
  total: number,
  port: number,
  output: ChainOutput,
): Promise<string> {
  const url = `http://127.0.0.1:${port}`;
  heading(n, total, `chain: hardhat node on ${url}`);
  const since = performance.now();
  const child = groups.spawn(
    "chain",
    process.execPath,
    [BIN("hardhat"), "node", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: ROOT,
      onLine: (line) => {
        for (const text of output.line(line)) show("chain", text);
      },
    },
  );
  ourPorts.push(port);
  supervise(
    child,
    `see the [chain] lines above; npx hardhat node --port ${port} runs the node alone`,
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      if (Date.now() > deadline) {
        throw new StartError(
          step,
          `the chain did not answer on ${url} within 60 s`,
          "see the [chain] lines above",
        );
      }
      await sleep(200);
    }
  }
  console.log(`    up in ${seconds(since)}`);
  return url;
}

async function loadDecoder(hre: HardhatRuntimeEnvironment): Promise<RevertDecoder> {
  const abis: InterfaceAbi[] = [];
  for (const name of ["AccessGrants", "IssuerRegistry", "KycVault"]) {
    try {
      abis.push((await hre.artifacts.readArtifact(name)).abi as InterfaceAbi);
    } catch {
      // not built (KycVault is an example): its errors stay undecoded
    }
  }
  return revertDecoder(abis);
}

/** Clears the embedded database of an earlier run (a local chain is new at every start). */
function clearIndexerDatabase(): string | undefined {
  const custom = process.env.PONDER_PGLITE_DIR;
  if (custom === undefined || custom === "") {
    rmSync(path.join(INDEXER_DIR, ".ponder"), { recursive: true, force: true });
    return undefined;
  }
  // Only ever a database folder (or an empty one): never whatever else the variable points at.
  if (existsSync(custom)) {
    const entries = readdirSync(custom);
    if (entries.length > 0 && !entries.includes("PG_VERSION")) {
      throw new StartError(
        step,
        `PONDER_PGLITE_DIR=${custom} is not an embedded database folder`,
        "point PONDER_PGLITE_DIR at an empty or PGlite folder, or unset it",
      );
    }
    rmSync(custom, { recursive: true, force: true });
  }
  return custom;
}

interface IndexerStatus {
  [chain: string]: { id: number; block: { number: number } | null };
}

async function startIndexer(
  n: number,
  total: number,
  port: number,
  rpcUrl: string,
): Promise<string> {
  const base = `http://127.0.0.1:${port}`;
  heading(n, total, `indexer: Ponder on embedded PGlite, ${base}`);
  const since = performance.now();
  const pglite = clearIndexerDatabase();
  const child = groups.spawn("indexer", process.execPath, ponderStartArgs(port, "grantkit"), {
    cwd: INDEXER_DIR,
    env: {
      PONDER_RPC_URL_31337: rpcUrl,
      PONDER_NETWORKS: "localhost",
      PONDER_POLLING_INTERVAL_MS: "250",
      PONDER_CACHE_BYTES: indexerCacheBytes(),
      ...(pglite ? { PONDER_PGLITE_DIR: pglite } : {}),
    },
    onLine: (line) => show("indexer", line),
  });
  ourPorts.push(port);
  supervise(
    child,
    "see the [indexer] lines above; cd indexer && npx ponder start runs the indexer alone",
  );
  // Progress: the block Ponder has indexed (its /status, answered on loopback) against the head.
  let lastIndexed = -1;
  let lastLine = Date.now();
  const deadline = Date.now() + UP_TIMEOUT_MS;
  for (;;) {
    try {
      const ready = await fetch(`${base}/v1/ready`, { signal: AbortSignal.timeout(5_000) });
      if (ready.ok) break;
    } catch {
      // not listening yet
    }
    try {
      const status = (await (
        await fetch(`${base}/status`, { signal: AbortSignal.timeout(2_000) })
      ).json()) as IndexerStatus;
      const indexed = Object.values(status)[0]?.block?.number;
      const head = Number(await rpc(rpcUrl, "eth_blockNumber"));
      if (indexed !== undefined && indexed !== lastIndexed && Date.now() - lastLine > 2_000) {
        console.log(`    indexed block ${indexed} of ${head} (${seconds(since)})`);
        lastIndexed = indexed;
        lastLine = Date.now();
      }
    } catch {
      // no status yet (or not public): the elapsed-time line below is the progress
      if (Date.now() - lastLine > 10_000) {
        console.log(`    Ponder is starting (${seconds(since)})`);
        lastLine = Date.now();
      }
    }
    if (Date.now() > deadline) {
      throw new StartError(
        step,
        `the indexer was not caught up after ${UP_TIMEOUT_MS / 1000} s (${base}/v1/ready)`,
        "see the [indexer] lines above; GET /v1/ready says how far behind it is",
        child,
      );
    }
    await sleep(500);
  }
  console.log(`    caught up with the chain in ${seconds(since)}`);
  return base;
}

/** A path relative to the working directory when it is inside it. */
function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") ? file : relative;
}

/** One line of the banner: a label and a URL (probed by npm run test:start), or a plain value. */
interface BannerLine {
  label: string;
  value: string;
  note?: string;
}

async function firstGrantUrl(api: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${api}/v1/grants?limit=1`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { items?: { chainId: number; grantId: string }[] };
    const grant = body.items?.[0];
    return grant ? `${api}/v1/grants/${grant.chainId}/${grant.grantId}` : undefined;
  } catch {
    return undefined;
  }
}

function printBanner(lines: BannerLine[]): void {
  const width = Math.max(...lines.map((l) => l.label.length));
  console.log(`\n  GrantKit is up (${seconds(startedAt)}).`);
  for (const l of lines) {
    console.log(`    ${l.label.padEnd(width)}  ${l.value}${l.note ? `   ${l.note}` : ""}`);
  }
  console.log("  Ctrl-C stops everything.");
}

export default async function startStack(
  args: Args,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  installSignalHandlers();
  const total = args.demo ? 5 : 4;
  let demoRunning = false;
  let intendedRefusals = 0;
  try {
    const chainPort = readPort("GRANTKIT_CHAIN_PORT", 8545);
    const apiPort = readPort("GRANTKIT_API_PORT", 42069);
    await checkPorts(chainPort, apiPort);

    step = "building";
    await build(1, total);

    step = "starting the chain";
    let decode: RevertDecoder = () => undefined;
    const output = new ChainOutput({
      verbose: args.verbose,
      decode: (data) => decode(data),
      intended: () => demoRunning,
      onRefusal: (intended) => void (intended && intendedRefusals++),
    });
    const rpcUrl = await startChain(2, total, chainPort, output);
    decode = await loadDecoder(hre);

    step = "deploying";
    heading(3, total, "deploy toolkit: AccessGrants and IssuerRegistry");
    let since = performance.now();
    const connection = await hre.network.create({
      network: "localhost",
      override: { url: rpcUrl },
    });
    const record: DeploymentRecord = await deployGrantKit(connection, {
      log: (l) => console.log(`    ${l}`),
    });
    console.log(`    deployed in ${seconds(since)}`);

    let demoSummary = "";
    if (args.demo) {
      step = "seeding the demo data";
      heading(4, total, "demo data: issuers, grants and their changes over simulated months");
      since = performance.now();
      demoRunning = true;
      const summary = await seedDemo(connection.ethers, record, (l) =>
        console.log(`    [${seconds(since)}] ${l}`),
      );
      demoRunning = false;
      if (intendedRefusals > 0) {
        console.log(
          `    ${intendedRefusals} refusal${intendedRefusals === 1 ? "" : "s"} above ${intendedRefusals === 1 ? "was" : "were"} intended: the contracts said no, as they must`,
        );
      }
      demoSummary = `${summary.grants} grants (${summary.revoked} revoked, ${summary.released} released, ${summary.replaced} replaced), ${summary.issuers} extra issuers`;
    }

    step = "starting the indexer";
    const api = await startIndexer(total, total, apiPort, rpcUrl);
    const grantUrl = await firstGrantUrl(api);

    const lines: BannerLine[] = [
      { label: "chain (JSON-RPC)", value: rpcUrl, note: `chain id ${record.chainId}` },
      { label: "AccessGrants", value: record.contracts.AccessGrants!.address },
      { label: "IssuerRegistry", value: record.contracts.IssuerRegistry!.address },
      { label: "dashboard", value: `${api}/` },
      { label: "REST API", value: `${api}/v1/grants` },
      ...(grantUrl ? [{ label: "one grant", value: grantUrl }] : []),
      { label: "OpenAPI", value: `${api}/v1/openapi.json` },
      { label: "GraphQL", value: `${api}/graphql`, note: "(POST)" },
      {
        label: "SQL over HTTP",
        value: `${api}/sql/db`,
        note: "(?sql= superjson of {sql, params})",
      },
      { label: "health", value: `${api}/health` },
      { label: "ready", value: `${api}/v1/ready` },
      { label: "record", value: shortPath(recordPath(record.network)) },
      ...(demoSummary ? [{ label: "demo data", value: demoSummary }] : []),
    ];
    printBanner(lines);
    step = "running";
    // Runs until a signal or a child's exit stops everything.
    await new Promise<never>(() => {});
  } catch (error) {
    // A step that failed because a child it talks to died (the deploy's call to a killed chain) is
    // that child's failure: give its exit a moment to be seen, so the error names it, not a socket.
    await Promise.race<unknown>([
      ...[...supervised].map((c) => c.exited),
      sleep(CHILD_EXIT_GRACE_MS),
    ]);
    await shutdown(1, failure(error));
  }
}
