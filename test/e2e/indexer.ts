/**
 * End-to-end tests of the Ponder indexer against the contracts, run twice: on embedded PGlite and on
 * PostgreSQL, each with its own `hardhat node`, deploy and indexer (scripts/lib/harness/indexer.ts).
 *
 * 1. A random sequence (seeded PRNG; INDEXER_E2E_SEED overrides) of grant and issuer changes, several
 *    per block, with time jumps, while the indexer follows live. INDEXER_E2E_SKIP=<kind>,… leaves
 *    action kinds out (e.g. `updateMetadata`), to see the other checks while one kind breaks the
 *    indexer.
 * 2. Differential checks, API against the contract: every grant now and at a sample of past blocks,
 *    issuer trust at a sample of times, issuer records, every history and the audit stream against
 *    the event logs, and the list filters and counts against a model built from the contract's views.
 * 3. Privacy: every stored value is an address, a hash, a number, a boolean, an enum, a jurisdiction
 *    code or an id built from those.
 * 4. Every REST route answers bad input with 400 {error} naming the parameter, never 500; unknown
 *    routes 404 JSON.
 * 5. Every answer under /v1 that the suite received (200s and errors) validates against the OpenAPI
 *    document (indexer/openapi.json, which the server serves), and every operation answered 200.
 *
 * The random operation model and the checks it shares with the fault suite live in the harness
 * (scripts/lib/harness/model/); the longer checks of this suite in test/e2e/indexer/.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { getAddress } from "ethers";

import {
  AccessGrants__factory,
  IssuerRegistry__factory,
} from "../../types/ethers-contracts/index.js";
import {
  answerChecker,
  routesOf,
  type Answered,
  type OpenApiDocument,
} from "../support/openapi.js";
import {
  startIndexerStack,
  type DatabaseKind,
  type IndexerStack,
} from "../../scripts/lib/harness/indexer.js";
import {
  dumpGraphql,
  dumpPostgres,
  privacyViolations,
} from "../../scripts/lib/harness/model/privacy.js";
import { lower } from "../../scripts/lib/harness/model/rng.js";
import { Sequence } from "../../scripts/lib/harness/model/sequence.js";
import { checkBadInput } from "./indexer/bad-input.js";
import { SEED, SKIP, expectNoMismatch, type SuiteContext } from "./indexer/context.js";
import { currentGrantMismatches, pastGrantMismatches } from "./indexer/grants.js";
import { historyMismatches, trustMismatches } from "./indexer/history.js";
import { checkGrantLists, issuerMismatches } from "./indexer/lists.js";
import { checkRoutes, checkSqlOverHttp } from "./indexer/routes.js";

function indexerSuite(db: DatabaseKind) {
  return function (this: Mocha.Suite) {
    this.timeout(240_000);
    this.slow(60_000);

    let stack: IndexerStack;
    /** Set once the random sequence ran and the indexer caught up with it. */
    let ctx: SuiteContext | null = null;
    let started = 0;
    /** Every answer under /v1 the suite received through `stack.get`, for the last check. */
    const answers: Answered[] = [];

    /** The sequence's outcome; the checks that need it are skipped (pending) when it failed. */
    const need = (test: Mocha.Context): SuiteContext => {
      if (!ctx) test.skip();
      return ctx!;
    };

    before(async function () {
      started = performance.now();
      stack = await startIndexerStack(db);
      const get = stack.get;
      stack.get = (async (target: string) => {
        const answer = await get(target);
        if (target.startsWith("/v1"))
          answers.push({
            target,
            status: answer.status,
            contentType: answer.contentType,
            text: answer.text,
          });
        return answer;
      }) as IndexerStack["get"];
      console.log(`      [${db}] start-up (s): ${JSON.stringify(stack.timings)}`);
    });

    after(async function () {
      await stack?.stop();
      console.log(
        `      [${db}] suite total: ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    });

    it("follows a random sequence of grant and issuer changes live", async function () {
      const t = performance.now();
      const provider = stack.node.provider;
      const { AccessGrants, IssuerRegistry } = stack.record.contracts;
      const grants = AccessGrants__factory.connect(AccessGrants!.address, provider);
      const registry = IssuerRegistry__factory.connect(IssuerRegistry!.address, provider);
      const accounts = ((await provider.send("eth_accounts", [])) as string[]).map((a) =>
        getAddress(a),
      );
      expect(accounts.length).to.be.at.least(20);
      const s = new Sequence(provider, grants, registry, stack.chainId, accounts, SEED, SKIP);
      await s.run();
      const last = s.blocks[s.blocks.length - 1]!;
      const sent = (performance.now() - t) / 1000;
      const caught = await stack.waitCaughtUp();
      expect(caught.indexed).to.equal(last.number);
      // The API caches the head for one second: let it see the last block.
      await new Promise((r) => setTimeout(r, 1_100));
      const deployBlock = Math.min(AccessGrants!.blockNumber, IssuerRegistry!.blockNumber);
      ctx = {
        db,
        stack,
        grants,
        registry,
        seq: s,
        head: last.number,
        headTime: last.timestamp,
        deployBlock,
      };
      console.log(
        `      [${db}] seed ${SEED}: ${s.actions} actions in ${s.blocks.length} blocks ` +
          `(${sent.toFixed(1)} s), ${s.grantsModel.size} grant ids, ${s.issuers.size} issuer keys; ` +
          `caught up ${caught.seconds} s after the last block\n      [${db}] ${JSON.stringify(s.counts)}`,
      );
    });

    it("every grant now equals the contract's view at the head", async function () {
      expectNoMismatch(await currentGrantMismatches(need(this)), "current grant");
    });

    it("every grant at a sample of past blocks equals the contract read at that block", async function () {
      const { mismatches, reads, blocks } = await pastGrantMismatches(need(this));
      console.log(`      [${db}] ${reads} point-in-time reads at blocks ${blocks.join(",")}`);
      expectNoMismatch(mismatches, "point-in-time grant");
    });

    it("issuer trust at a sample of times equals wasTrusted", async function () {
      const { mismatches, reads, times } = await trustMismatches(need(this));
      console.log(`      [${db}] ${reads} trust reads at ${times} times`);
      expectNoMismatch(mismatches, "issuer trust");
    });

    it("every history and the audit stream equal the contracts' event logs", async function () {
      expectNoMismatch(await historyMismatches(need(this)), "history");
    });

    it("every issuer record equals getIssuer, and the issuer list filters by status", async function () {
      expectNoMismatch(await issuerMismatches(need(this)), "issuer record");
    });

    it("the grant list filters agree with a model built from the contract's views", async function () {
      await checkGrantLists(need(this));
    });

    it("stores nothing but addresses, hashes, numbers, booleans, enums, jurisdiction codes and ids", async function () {
      const s = need(this).seq;
      const secrets = new Set(s.secrets.map(lower));
      const dumps = [await dumpGraphql(stack.graphql)];
      if (stack.databaseUrl) dumps.push(await dumpPostgres(stack.databaseUrl, stack.schema));
      const violations: string[] = [];
      for (const dump of dumps) {
        const counts = [...dump].map(([t, rows]) => `${t}:${rows.length}`).join(" ");
        console.log(`      [${db}] dumped ${counts}`);
        expect([...dump.values()].some((rows) => rows.length > 0)).to.equal(true);
        violations.push(...privacyViolations(dump, secrets));
      }
      expectNoMismatch(violations, "privacy");
    });

    it("answers bad input with 400 {error} naming the parameter, never 500", async function () {
      await checkBadInput(need(this));
    });

    it("answers every route with good input (200) and unknown routes with 404 JSON", async function () {
      await checkRoutes(need(this));
    });

    it("SQL over HTTP: reads answer; writes, unknown or growing functions and runaway queries get 4xx JSON; nothing changes", async function () {
      await checkSqlOverHttp(need(this));
    });

    it("every answer under /v1 validates against the OpenAPI document, and every operation answered 200", async function () {
      need(this);
      const document = JSON.parse(
        readFileSync(new URL("../../indexer/openapi.json", import.meta.url), "utf8"),
      ) as OpenApiDocument;
      const served = await stack.get("/v1/openapi.json");
      expect(served.body, "the served document differs from indexer/openapi.json").to.deep.equal(
        document,
      );
      const check = answerChecker(document);
      const routes = routesOf(document);
      const seen = new Map<string, Set<number>>();
      const problems: string[] = [];
      for (const answer of answers) {
        const bad = check(answer);
        if (bad) problems.push(`GET ${answer.target.slice(0, 300)} -> ${bad.slice(0, 600)}`);
        const path = new URL(answer.target, "http://127.0.0.1").pathname;
        const route = routes.find((r) => r.pattern.test(path));
        const name = route?.operation.operationId ?? "(no route)";
        if (!seen.has(name)) seen.set(name, new Set());
        seen.get(name)!.add(answer.status);
      }
      console.log(
        `      [${db}] ${answers.length} answers checked: ${[...seen]
          .map(([name, statuses]) => `${name} ${[...statuses].sort().join("/")}`)
          .join(", ")}`,
      );
      expectNoMismatch(problems, "OpenAPI");
      const without200 = routes
        .map((r) => r.operation.operationId)
        .filter((name) => !seen.get(name)?.has(200));
      expect(without200, "operations the suite never got a 200 from").to.deep.equal([]);
    });
  };
}

describe("indexer on PGlite", indexerSuite("pglite"));
describe("indexer on PostgreSQL", indexerSuite("postgres"));
