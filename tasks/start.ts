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
 *
 * Here: the order of the steps and the banner. The steps are in ./start-steps.ts; the children, the
 * step start is at, the stop and the error line in ./start-session.ts.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { ChainOutput, type RevertDecoder } from "../scripts/lib/chain-output.js";
import { deployGrantKit } from "../scripts/lib/deploy.js";
import { recordPath, type DeploymentRecord } from "../scripts/lib/deployment.js";
import { seedDemo } from "../scripts/lib/demo.js";
import {
  heading,
  installSignalHandlers,
  printBanner,
  progress,
  seconds,
  shortPath,
  stopOnFailure,
  type BannerLine,
} from "./start-session.js";
import {
  build,
  checkPorts,
  loadDecoder,
  readPort,
  startChain,
  startIndexer,
} from "./start-steps.js";

interface Args {
  demo: boolean;
  verbose: boolean;
}

const startedAt = performance.now();

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

    progress.step = "building";
    await build(1, total);

    progress.step = "starting the chain";
    let decode: RevertDecoder = () => undefined;
    const output = new ChainOutput({
      verbose: args.verbose,
      decode: (data) => decode(data),
      intended: () => demoRunning,
      onRefusal: (intended) => void (intended && intendedRefusals++),
    });
    const rpcUrl = await startChain(2, total, chainPort, output);
    decode = await loadDecoder(hre);

    progress.step = "deploying";
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
      progress.step = "seeding the demo data";
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

    progress.step = "starting the indexer";
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
    printBanner(`GrantKit is up (${seconds(startedAt)}).`, lines);
    progress.step = "running";
    // Runs until a signal or a child's exit stops everything.
    await new Promise<never>(() => {});
  } catch (error) {
    await stopOnFailure(error);
  }
}
