/**
 * `npm run start:scale -- --demo` (issue 14's local topology, tasks/start-scale.ts) as a user runs
 * it: a chain, the deploy, the demo data, a private PostgreSQL 17, one `ponder start` and two
 * `ponder serve` replicas on the ports after the indexer's. The banner lists each server; every
 * replica is ready at the indexer's block and answers the same requests byte for byte; Ctrl-C
 * (SIGINT) stops everything and frees every port. The replicas' behaviour under faults (a replica or
 * the indexer killed) is test/e2e/replicas.ts; the redeploy behind them, test/e2e/redeploy.ts.
 */
import { expect } from "chai";

import { portFree } from "../../scripts/lib/processes.js";
import { expectNothingLeft, ran, removeNewJournalsAfter, runStart } from "../support/start-run.js";

/** What each server answered, by its banner label. */
type Answers = Map<string, Record<string, string>>;

/** The base URL the banner gives for `label` (`indexer (writes)`, `replica 1`, …). */
function bannerUrl(output: string, label: string): string | undefined {
  const escaped = label.replace(/[()]/g, "\\$&");
  return new RegExp(`^\\s+${escaped}\\s+(http://127\\.0\\.0\\.1:\\d+)/v1/grants\\b`, "m").exec(
    output,
  )?.[1];
}

/** The requests every server must answer alike: the first grant's id comes from the indexer. */
async function ask(base: string, grantPath: string): Promise<Record<string, string>> {
  const get = async (p: string) => {
    const response = await fetch(`${base}${p}`, { signal: AbortSignal.timeout(10_000) });
    return `${response.status} ${await response.text()}`;
  };
  const readiness = await get("/v1/ready");
  const ready = JSON.parse(readiness.slice(4)) as { chains?: { indexed: number }[] };
  return {
    ready: `${readiness.slice(0, 3)} indexed ${ready.chains?.[0]?.indexed}`,
    page: await get("/v1/grants?limit=25"),
    grant: await get(grantPath),
    stats: await get("/v1/stats?by=purpose"),
    issuers: await get("/v1/issuers?limit=10"),
  };
}

describe("npm run start:scale: one indexer and two read replicas on PostgreSQL", function () {
  this.timeout(300_000);

  removeNewJournalsAfter();

  it("lists every server in its banner; each replica answers as the indexer; Ctrl-C stops it all", async function () {
    const answers: Answers = new Map();
    let probing: Promise<void> | undefined;
    let probed = false;
    let probeError: unknown;
    const probe = async (output: string) => {
      const indexer = bannerUrl(output, "indexer (writes)")!;
      const first = (await (await fetch(`${indexer}/v1/grants?limit=1`)).json()) as {
        items: { chainId: number; grantId: string }[];
      };
      const grantPath = `/v1/grants/${first.items[0]!.chainId}/${first.items[0]!.grantId}`;
      for (const label of ["indexer (writes)", "replica 1", "replica 2"])
        answers.set(label, await ask(bannerUrl(output, label)!, grantPath));
    };
    const run = await runStart({
      command: ["grantkit", "start-scale", "--demo"],
      signalWhen: (output) => {
        if (probing === undefined && /GrantKit is up, scaled out/.test(output))
          probing = probe(output)
            .catch((error: unknown) => {
              probeError = error;
            })
            .finally(() => (probed = true));
        return probed ? "SIGINT" : undefined;
      },
    });
    expect(probeError, run.output).to.equal(undefined);
    const [, api] = run.ports;

    // The banner: the indexer on the API port, the replicas on the two after it, PostgreSQL.
    expect(bannerUrl(run.output, "indexer (writes)")).to.equal(`http://127.0.0.1:${api}`);
    expect(bannerUrl(run.output, "replica 1")).to.equal(`http://127.0.0.1:${api + 1}`);
    expect(bannerUrl(run.output, "replica 2")).to.equal(`http://127.0.0.1:${api + 2}`);
    expect(run.output).to.match(/PostgreSQL\s+postgres:\/\/\S+\s+schema grantkit/);
    expect(ran(run.seen, "ponder start"), "the indexer ran").to.equal(true);
    expect(ran(run.seen, "ponder serve"), "the replicas ran").to.equal(true);
    // The replicas read as the read-only role (its privileges: test/e2e/replicas.ts).
    expect(run.output).to.match(/replica 1\s+\S+\s+ponder serve, as grantkit_reader/);

    // Every replica as the indexer, at the indexer's block, with the demo's grants.
    const indexer = answers.get("indexer (writes)")!;
    expect(indexer.ready).to.match(/^200 indexed \d+$/);
    expect(indexer.page).to.match(/^200 \{"items":\[\{/);
    expect(indexer.grant).to.match(/^200 /);
    for (const replica of ["replica 1", "replica 2"])
      expect(answers.get(replica), replica).to.deep.equal(indexer);

    // Ctrl-C: everything stopped, the replicas' ports too.
    expect(run.code, run.output).to.equal(0);
    expect(run.output).to.match(/Ctrl-C: stopping/);
    expect(run.output).to.match(
      new RegExp(`stopped everything; ports \\d+, ${api}, ${api + 1}, ${api + 2} are free`),
    );
    await expectNothingLeft(run);
    for (const port of [api + 1, api + 2])
      expect(await portFree(port), `port ${port} free`).to.equal(true);
  });
});
