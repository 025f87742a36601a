/**
 * The auditor dashboard (indexer/dashboard), tested as a person uses it: in a real headless Chromium
 * (Debian's `chromium`, installed here when missing and run as root; driven by playwright-core) against
 * the real stack: `hardhat node`, the deploy toolkit, the demo data of `npm start -- --demo`
 * (scripts/lib/demo.ts) plus one issuer key rotation, and Ponder on PGlite (scripts/lib/harness/indexer.ts).
 *
 * 1. The server: the build at `/`, cache headers, deep links, API paths untouched.
 * 2. The routes the dashboard added (src/api/routes/explore.ts): the status series against the
 *    contract's `getGrant` at past blocks, the audit count against the audit stream, search.
 * 3. Each page in the browser: its figures equal the API's answers for the same query; the
 *    point-in-time control equals `getGrant` at that block (ethers `blockTag`); the export downloads
 *    the audit stream; search routes by what was typed, from the keyboard; a grant made during the
 *    test appears without a reload; no console errors; axe-core finds no WCAG 2.1 A/AA violation.
 * 4. Budgets: every page's time to interactive on the demo data (best of 3 first visits), printed
 *    against 1.5 s.
 *
 * Screenshots of every page land in test-results/dashboard/ (git-ignored) on every run; a failing
 * test also leaves FAILED-<test>.png and FAILED-<test>.console.txt there.
 */
/// <reference lib="dom" />
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { expect } from "chai";
import { keccak256, toBeHex, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

import { seedDemo } from "../../scripts/lib/demo.js";
import { ROOT } from "../../scripts/lib/deployment.js";
import { computeGrantId, purposeHash } from "../../scripts/lib/grants.js";
import { registryDomain, signKeyRotation } from "../../scripts/lib/receipts.js";
import {
  API_TO_CONTRACT,
  GRANT_STATUS,
  startIndexerStack,
  type IndexerStack,
} from "../../scripts/lib/harness/indexer.js";

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const DIST = path.join(ROOT, "indexer", "dashboard", "dist");
const SHOTS = path.join(ROOT, "test-results", "dashboard");
/** Interactive-within budget of every page, in ms. */
const TTI_BUDGET_MS = 1_500;
const PAGE_SIZE = 25;
const STATUSES = ["active", "locked", "expired", "revoked", "released", "replaced"] as const;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Debian's Chromium, installed when missing (CI runs on a fresh machine as root). */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0)
    throw new Error(
      `Chromium is missing at ${CHROMIUM} and this user cannot install it: run ` +
        "`sudo apt-get update && sudo apt-get install -y chromium` (or set CHROMIUM_PATH), then run the tests again",
    );
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["update"], { env, stdio: "pipe", timeout: 300_000 });
    execFileSync("apt-get", ["install", "-y", "chromium"], {
      env,
      stdio: "pipe",
      timeout: 900_000,
    });
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    throw new Error(`apt-get could not install chromium: ${e.stderr?.toString() || e.message}`);
  }
  if (!existsSync(CHROMIUM))
    throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
}

const LAUNCH_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe("auditor dashboard (e2e, headless Chromium)", function () {
  let stack: IndexerStack;
  let connection: NetworkConnection;
  let browser: Browser;
  /** What the current test's pages printed, for the failure report. */
  let consoleLines: string[] = [];
  let consoleErrors: string[] = [];
  let current: Page | null = null;
  const contexts: BrowserContext[] = [];

  const api = async (pathAndQuery: string): Promise<Json> => {
    const answer = await stack.get<Json>(pathAndQuery);
    expect(answer.status, `${pathAndQuery}: ${answer.text.slice(0, 300)}`).to.equal(200);
    return answer.body;
  };
  const apiText = async (pathAndQuery: string): Promise<string> =>
    (await stack.get(pathAndQuery)).text;
  /** Every item of a paged list. */
  const all = async (pathAndQuery: string): Promise<Json[]> => {
    const items: Json[] = [];
    let cursor: string | null = null;
    do {
      const sep = pathAndQuery.includes("?") ? "&" : "?";
      const page = await api(`${pathAndQuery}${sep}limit=100${cursor ? `&cursor=${cursor}` : ""}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };

  /** A fresh browser context and page that records the console. */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on("console", (m) => {
      consoleLines.push(`[${m.type()}] ${m.text()}`);
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => {
      consoleLines.push(`[pageerror] ${e.message}`);
      consoleErrors.push(e.message);
    });
    current = page;
    return page;
  }

  /** Opens a dashboard path and waits until the page says its data is on screen. */
  async function open(page: Page, pathAndQuery: string, name: string): Promise<void> {
    await page.goto(`${stack.api}${pathAndQuery}`);
    await waitReady(page, name);
  }

  async function waitReady(page: Page, name: string): Promise<void> {
    await page.waitForSelector(`main[data-page="${name}"][aria-busy="false"]`, { timeout: 20_000 });
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  /** axe-core (pinned), injected into the page: no WCAG 2.0/2.1 A or AA violation. */
  async function expectAccessible(page: Page): Promise<void> {
    await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<Json> } })
        .axe;
      const result = await axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      });
      return (result.violations as Json[]).map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} at ${(v.nodes as Json[]).map((n) => n.target.join(" ")).join(", ")}`,
      );
    });
    expect(violations, violations.join("\n")).to.deep.equal([]);
  }

  /** The text of the cells of a column, row by row, in a table with the test id. */
  const column = (page: Page, table: string, col: string) =>
    page.$$eval(`[data-testid="${table}"] tbody tr[data-row] td[data-col="${col}"]`, (tds) =>
      tds.map((td) => td.textContent!.trim()),
    );
  const rowIds = (page: Page, table: string) =>
    page.$$eval(`[data-testid="${table}"] tbody tr[data-row]`, (trs) =>
      trs.map((tr) => tr.getAttribute("data-row")!),
    );
  const toNumber = (s: string) => Number(s.replace(/,/g, ""));

  before(async function () {
    this.timeout(15 * 60_000);
    ensureChromium();
    if (!existsSync(path.join(DIST, "index.html")))
      throw new Error(`${DIST} is missing: run \`npm run build\` first (it builds the dashboard)`);
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });

    stack = await startIndexerStack("pglite");
    connection = await network.create({ network: "localhost", override: { url: stack.node.url } });
    await seedDemo(connection.ethers, stack.record);
    // One key rotation, for the issuer page's lineage: the demo's first extra issuer moves to a new key.
    const signers = await connection.ethers.getSigners();
    const registry = await connection.ethers.getContractAt(
      "IssuerRegistry",
      stack.record.contracts.IssuerRegistry!.address,
    );
    // The new key proves possession: it signs the rotation (KeyRotation, the registry's EIP-712 domain).
    const [oldKey, newKey] = [signers[3]!, signers[18]!];
    const { chainId } = await connection.ethers.provider.getNetwork();
    const deadline =
      BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp) + 3600n;
    const proof = await signKeyRotation(
      newKey,
      registryDomain(chainId, await registry.getAddress()),
      { oldKey: oldKey.address, newKey: newKey.address, deadline },
    );
    await (await registry.connect(oldKey).rotateKey(newKey.address, deadline, proof)).wait();
    await stack.waitCaughtUp(180_000);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    // The first page of a just-started browser also pays for starting its processes: not the page's cost.
    const warm = await browser.newPage();
    await warm.goto(`${stack.api}/`);
    await warm.waitForSelector('main[aria-busy="false"]', { timeout: 60_000 });
    await warm.context().close();
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await connection?.close();
    await stack?.stop();
  });

  beforeEach(() => {
    consoleLines = [];
    consoleErrors = [];
    current = null;
  });

  afterEach(async function () {
    const name = (this.currentTest?.title ?? "test").replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
    if (this.currentTest?.state === "failed") {
      if (current && !current.isClosed())
        await current
          .screenshot({ path: path.join(SHOTS, `FAILED-${name}.png`), fullPage: true })
          .catch(() => {});
      writeFileSync(path.join(SHOTS, `FAILED-${name}.console.txt`), consoleLines.join("\n") + "\n");
    }
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  });

  /** Each browser test ends with this: the page printed no error. */
  const expectNoConsoleErrors = () =>
    expect(consoleErrors, consoleErrors.join("\n")).to.deep.equal([]);

  // ------------------------------------------------------------------ the server

  describe("served by the indexer", function () {
    it("answers / with the build, hashed assets cached for good, deep links with index.html, API paths untouched", async function () {
      const index = await fetch(`${stack.api}/`);
      expect(index.status).to.equal(200);
      expect(index.headers.get("content-type")).to.match(/text\/html/);
      expect(index.headers.get("cache-control")).to.equal("no-cache");
      const html = await index.text();
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script, html).to.be.a("string");

      const asset = await fetch(`${stack.api}${script}`, {
        headers: { "accept-encoding": "gzip" },
      });
      expect(asset.status).to.equal(200);
      expect(asset.headers.get("cache-control")).to.equal("public, max-age=31536000, immutable");
      expect(asset.headers.get("content-type")).to.match(/javascript/);
      expect(asset.headers.get("content-encoding")).to.equal("gzip");
      expect(await asset.text()).to.equal(readFileSync(path.join(DIST, script!), "utf8"));

      const deep = await fetch(`${stack.api}/grant/31337/0x${"ab".repeat(32)}?block=3`);
      expect(deep.status).to.equal(200);
      expect(await deep.text()).to.equal(html);

      const missing = await fetch(`${stack.api}/assets/nope-123.js`);
      expect(missing.status).to.equal(404);
      // Paths that are no page of the dashboard stay 404 (Ponder's own answer).
      for (const p of ["/nope", "/grant/31337", "/favicon-missing.svg", "/graphql/x"])
        expect((await fetch(`${stack.api}${p}`)).status, p).to.equal(404);
      const favicon = await fetch(`${stack.api}/favicon.svg`);
      expect(favicon.status).to.equal(200);
      expect(favicon.headers.get("content-type")).to.match(/svg/);
      const unknownApi = await stack.get<Json>("/v1/nope");
      expect(unknownApi.status).to.equal(404);
      expect(unknownApi.body.error).to.match(/no route/);
      expect((await stack.get<Json>("/v1/ready")).body.chains).to.be.an("array");
    });
  });

  // ------------------------------------------------------------------ the routes the dashboard added

  describe("routes for the dashboard", function () {
    it("/v1/stats/series counts each derived status at a day's end as the contract's getGrant at that time", async function () {
      this.timeout(180_000);
      const ethers = connection.ethers;
      const grants = await ethers.getContractAt(
        "AccessGrants",
        stack.record.contracts.AccessGrants!.address,
      );
      const series = await api("/v1/stats/series?days=120");
      const points = series.points as Json[];
      expect(points).to.have.length(120);
      const ids = (await all("/v1/grants")).map((g) => g.grantId as string);
      expect(ids.length).to.be.greaterThan(300);

      // Blocks and their times, to find the state in force at a day's end.
      const head = await ethers.provider.getBlockNumber();
      const times: bigint[] = [];
      for (let n = 0; n <= head; n++)
        times.push(BigInt((await ethers.provider.getBlock(n))!.timestamp));
      const blockAt = (t: bigint) => times.findLastIndex((bt) => bt <= t);

      // Days to check: the first day with a grant, the next (a quiet day), today.
      const first = points.findIndex((p) => p.created > 0);
      expect(first).to.be.greaterThan(-1);
      const picks = [first, first + 1, points.length - 1];
      for (const i of picks) {
        const point = points[i]!;
        const at = BigInt(point.at);
        const block = blockAt(at);
        const model = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<string, number>;
        for (let k = 0; k < ids.length; k += 50) {
          const states = await Promise.all(
            ids.slice(k, k + 50).map((id) => grants.getGrant(id, { blockTag: block })),
          );
          for (const c of states) {
            const status = GRANT_STATUS[Number(c.status)]!;
            if (status === "None") continue;
            if (status === "Active" || status === "Expired") {
              if (c.expiresAt !== 0n && c.expiresAt <= at) model.expired!++;
              else if (c.lockedUntil > at) model.locked!++;
              else model.active!++;
            } else model[status.toLowerCase()]!++;
          }
        }
        const counted = Object.fromEntries(STATUSES.map((s) => [s, point[s]]));
        expect(counted, `day ${point.day} (block ${block})`).to.deep.equal(model);
      }

      // Today's point is what the grant list says for each status now.
      const last = points[points.length - 1]!;
      for (const s of STATUSES)
        expect(last[s], `status ${s} now`).to.equal((await all(`/v1/grants?status=${s}`)).length);
      // Grants created per day add up to every grant.
      expect(points.reduce((n, p) => n + p.created, 0)).to.equal(ids.length);
      expect((await stack.get<Json>("/v1/stats/series?days=0")).status).to.equal(400);
      expect((await stack.get<Json>("/v1/stats/series?owner=0x1")).status).to.equal(400);
    });

    it("/v1/audit/count counts what /v1/audit/changes streams, for block, time and chain ranges", async function () {
      this.timeout(60_000);
      const head = await connection.ethers.provider.getBlockNumber();
      const mid = BigInt(
        (await connection.ethers.provider.getBlock(Math.floor(head / 2)))!.timestamp,
      );
      const ranges = [
        "fromBlock=0",
        `fromBlock=10&toBlock=${Math.floor(head / 2)}`,
        `fromTime=0&toTime=${mid}`,
        `fromTime=${mid}`,
        "fromBlock=0&chainId=31337",
        "fromBlock=0&chainId=999",
      ];
      let nonEmpty = 0;
      for (const range of ranges) {
        const count = await api(`/v1/audit/count?${range}`);
        const lines = (await apiText(`/v1/audit/changes?${range}&format=ndjson`))
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => JSON.parse(l) as Json);
        expect(count, range).to.deep.equal({
          grantChanges: lines.filter((l) => l.table === "grant").length,
          issuerChanges: lines.filter((l) => l.table === "issuer").length,
          total: lines.length,
        });
        if (lines.length > 0) nonEmpty++;
      }
      expect(nonEmpty).to.equal(5);
      expect((await stack.get<Json>("/v1/audit/count")).status).to.equal(400);
      expect((await stack.get<Json>("/v1/audit/count?fromBlock=5&toBlock=4")).status).to.equal(400);
    });

    it("/v1/search says what a grant id, a transaction, an address or a label is", async function () {
      const [g] = (await api("/v1/grants?limit=1")).items as Json[];
      const byId = await api(`/v1/search?q=${g!.grantId}`);
      expect(byId.matches).to.deep.include({
        type: "grant",
        chainId: g!.chainId,
        contract: g!.contract,
        grantId: g!.grantId,
      });

      const created = ((await api(`/v1/grants/${g!.chainId}/${g!.grantId}`)).history as Json[])[0]!;
      const receipt = await connection.ethers.provider.getTransactionReceipt(created.txHash);
      const grantLogs = receipt!.logs.filter(
        (l) =>
          l.address.toLowerCase() === stack.record.contracts.AccessGrants!.address.toLowerCase(),
      );
      const tx = ((await api(`/v1/search?q=${created.txHash}`)).matches as Json[]).find(
        (m) => m.type === "transaction",
      )!;
      expect(tx.blockNumber).to.equal(String(receipt!.blockNumber));
      expect(tx.changes).to.have.length(grantLogs.length);
      expect((tx.changes as Json[]).map((c) => c.logIndex)).to.deep.equal(
        grantLogs.map((l) => l.index),
      );

      const owner = await api(`/v1/search?q=${g!.owner}`);
      expect(owner.matches).to.have.length(1);
      expect(owner.matches[0]).to.include({ type: "address", asOwner: true, asGrantee: false });
      const signers = await connection.ethers.getSigners();
      const issuerKey = await api(`/v1/search?q=${signers[3]!.address}`);
      expect(issuerKey.matches[0].issuerKeys).to.have.length(1);
      expect(issuerKey.matches[0].issuerKeys[0].status).to.equal("rotated");

      const label = await api("/v1/search?q=onboarding");
      expect(label.matches).to.deep.equal([
        { type: "purpose", purpose: purposeHash("onboarding"), label: "onboarding" },
      ]);
      const type = await api("/v1/search?q=kyc.basic");
      expect(type.matches[0]).to.include({
        type: "credentialType",
        typeId: keccak256(toUtf8Bytes("kyc.basic")),
      });
      expect((await api("/v1/search?q=no-such-purpose")).matches).to.deep.equal([]);
      expect((await stack.get<Json>("/v1/search?q=")).status).to.equal(400);
      expect((await stack.get<Json>("/v1/search")).status).to.equal(400);
    });
  });

  // ------------------------------------------------------------------ pages in the browser

  describe("pages", function () {
    this.timeout(120_000);

    it("overview: counts now, per day and by purpose, grantee and issuer equal the API's, with freshness", async function () {
      const page = await newPage();
      await open(page, "/", "overview");
      const series = await api("/v1/stats/series?days=90");
      const last = (series.points as Json[]).at(-1)!;
      const shown = await page.$$eval('[data-testid="now-counts"] [data-field]', (divs) =>
        Object.fromEntries(
          divs.map((d) => [d.getAttribute("data-field"), d.querySelector("dd")!.textContent!]),
        ),
      );
      for (const s of STATUSES) expect(toNumber(shown[s]!), s).to.equal(last[s]);
      expect(toNumber(shown.total!)).to.equal(STATUSES.reduce((n, s) => n + last[s], 0));
      // The per-day chart's data table: grants created per day.
      await page.locator('[data-testid="chart-created"] summary').click();
      const created = await page.$$eval('[data-testid="chart-created"] tbody tr', (trs) =>
        trs.map((tr) => [
          tr.querySelector("th")!.textContent,
          Number(tr.querySelector("td")!.textContent),
        ]),
      );
      expect(created).to.deep.equal((series.points as Json[]).map((p) => [p.day, p.created]));
      for (const by of ["purpose", "grantee", "issuer"]) {
        const stats = await api(`/v1/stats?by=${by}&limit=10`);
        expect(await rowIds(page, `by-${by}`), by).to.deep.equal(
          (stats.items as Json[]).map((i) => i.key),
        );
        expect((await column(page, `by-${by}`, "count")).map(toNumber), by).to.deep.equal(
          (stats.items as Json[]).map((i) => i.count),
        );
      }
      // No owner anywhere on the overview.
      const owners = new Set((await all("/v1/grants")).map((g) => g.owner as string));
      const text = (await page.content()).toLowerCase();
      for (const o of owners) expect(text).not.to.include(o.slice(2));
      const ready = await api("/v1/ready");
      const fresh = page.locator('[data-testid="freshness"] [data-chain="31337"]');
      expect(await fresh.getAttribute("data-indexed")).to.equal(String(ready.chains[0].indexed));
      expect(await fresh.textContent()).to.match(/indexed to block [\d,]+ of [\d,]+/);
      await shot(page, "overview");
      await expectAccessible(page);
      expectNoConsoleErrors();
    });

    it("grant page: state now, timeline, replacement chain both ways, and the state as of a block equals getGrant then", async function () {
      const grants = await connection.ethers.getContractAt(
        "AccessGrants",
        stack.record.contracts.AccessGrants!.address,
      );
      const [old] = (await api("/v1/grants?status=replaced&limit=1")).items as Json[];
      const one = await api(`/v1/grants/31337/${old!.grantId}`);
      const history = one.history as Json[];
      const page = await newPage();
      await open(page, `/grant/31337/${old!.grantId}`, "grant");

      expect(
        await page.locator('[data-testid="grant-now"] [data-status]').getAttribute("data-status"),
      ).to.equal(one.grant.status);
      expect(await rowIds(page, "timeline")).to.deep.equal(history.map((e) => e.id));
      expect(
        await page.$$eval('[data-testid="timeline"] td[data-col="tx"] code', (cs) =>
          cs.map((c) => c.getAttribute("data-value")),
        ),
      ).to.deep.equal(history.map((e) => e.txHash));
      expect(await column(page, "timeline", "kind")).to.deep.equal(history.map((e) => e.kind));
      const newer = page.locator('[data-testid="replacement-chain"] li[data-direction="newer"] a');
      expect(await newer.first().getAttribute("data-grant")).to.equal(one.grant.replacedBy);
      await shot(page, "grant");

      // As of a block, typed and submitted from the keyboard: before creation, at it, and just before the change.
      const created = Number(history[0]!.blockNumber);
      const changed = Number(history.at(-1)!.blockNumber);
      for (const block of [created - 1, changed, created, changed - 1]) {
        const input = page.getByLabel("Block number");
        await input.fill(String(block));
        await input.press("Enter");
        await page.waitForURL(new RegExp(`[?&]block=${block}(&|$)`));
        const box = page.locator(`[data-testid="grant-asof"][data-block="${block}"]`);
        await box.waitFor();
        const contract = await grants.getGrant(old!.grantId, { blockTag: block });
        const status = GRANT_STATUS[Number(contract.status)]!;
        if (status === "None") {
          expect(await box.textContent()).to.include("did not exist yet");
          continue;
        }
        const shownStatus = await box.locator("[data-status]").getAttribute("data-status");
        expect(API_TO_CONTRACT[shownStatus!], `block ${block}`).to.equal(status);
        expect(
          await box.locator('[data-field="locked until"] [data-raw]').getAttribute("data-raw"),
        ).to.equal(contract.lockedUntil.toString());
        expect(
          await box.locator('[data-field="expires"] [data-raw]').getAttribute("data-raw"),
        ).to.equal(contract.expiresAt.toString());
      }
      await shot(page, "grant-as-of-block");

      // As of a date: the API's answer for that timestamp.
      const t = BigInt(history[0]!.blockTime) + 60n;
      await page.getByLabel("date", { exact: true }).check();
      await page
        .getByLabel("Date and time (UTC)")
        .fill(new Date(Number(t) * 1000).toISOString().slice(0, 19));
      await page.getByRole("button", { name: "Show state then" }).click();
      const byTime = page.locator(`[data-testid="grant-asof"][data-timestamp="${t}"]`);
      await byTime.waitFor();
      const answer = await api(`/v1/grants/31337/${old!.grantId}/at?timestamp=${t}`);
      expect(await byTime.locator("[data-status]").getAttribute("data-status")).to.equal(
        answer.grant.status,
      );

      // The replacement's page points back.
      await open(page, `/grant/31337/${one.grant.replacedBy}`, "grant");
      const older = page.locator('[data-testid="replacement-chain"] li[data-direction="older"] a');
      expect(await older.first().getAttribute("data-grant")).to.equal(old!.grantId);
      await expectAccessible(page);
      expectNoConsoleErrors();
    });

    it("address page: as owner with cursor paging and filters, as grantee with retention duties", async function () {
      const [top] = (await api("/v1/stats?by=grantee&limit=1")).items as Json[];
      const grantee = top!.key as string;
      const [someGrant] = (await api(`/v1/grants?grantee=${grantee}&limit=1`)).items as Json[];
      const owner = someGrant!.owner as string;
      const page = await newPage();

      await open(page, `/address/${owner}`, "address");
      const first = await api(`/v1/grants?owner=${owner}&limit=${PAGE_SIZE}`);
      expect(first.nextCursor, "the owner has more than one page").to.be.a("string");
      expect(await rowIds(page, "address-grants")).to.deep.equal(
        (first.items as Json[]).map((g) => g.grantId),
      );
      await page.getByRole("button", { name: "Next page" }).first().click();
      await page.waitForURL(/cursor=/);
      const second = await api(
        `/v1/grants?owner=${owner}&limit=${PAGE_SIZE}&cursor=${first.nextCursor}`,
      );
      await page.waitForFunction(
        (id) =>
          document.querySelector(`[data-testid="address-grants"] tr[data-row="${id}"]`) !== null,
        (second.items as Json[])[0]!.grantId,
      );
      expect(await rowIds(page, "address-grants")).to.deep.equal(
        (second.items as Json[]).map((g) => g.grantId),
      );
      await page.getByLabel("Status").selectOption("locked");
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.waitForURL(/status=locked/);
      const locked = await api(`/v1/grants?owner=${owner}&status=locked&limit=${PAGE_SIZE}`);
      await waitReady(page, "address");
      await page.waitForFunction(
        (n) =>
          document.querySelectorAll('[data-testid="address-grants"] tr[data-row]').length === n,
        (locked.items as Json[]).length,
      );
      expect(await rowIds(page, "address-grants")).to.deep.equal(
        (locked.items as Json[]).map((g) => g.grantId),
      );
      await shot(page, "address-owner");

      await open(page, `/address/${grantee}?role=grantee`, "address");
      await page.locator('[data-testid="retention"]').waitFor();
      await page.waitForFunction(
        () =>
          !document.querySelector('[data-testid="retention"]')!.textContent!.includes("Loading"),
      );
      const retention = await api(`/v1/grantees/${grantee}/retention?limit=50`);
      expect((retention.items as Json[]).length).to.be.greaterThan(0);
      expect(await rowIds(page, "retention")).to.deep.equal(
        (retention.items as Json[]).map((g) => g.grantId),
      );
      const unlocks = await page.$$eval('[data-testid="retention"] [data-unlocks]', (ts) =>
        ts.map((t) => t.getAttribute("data-unlocks")),
      );
      expect(unlocks).to.deep.equal((retention.items as Json[]).map((g) => g.lockedUntil));
      const received = await api(`/v1/grants?grantee=${grantee}&limit=${PAGE_SIZE}`);
      expect(await rowIds(page, "address-grants")).to.deep.equal(
        (received.items as Json[]).map((g) => g.grantId),
      );
      await shot(page, "address-grantee");
      await expectAccessible(page);
      expectNoConsoleErrors();
    });

    it("issuer page: lineage both ways, history, and the trust check equals the API and wasTrusted", async function () {
      const signers = await connection.ethers.getSigners();
      const oldKey = signers[3]!.address.toLowerCase();
      const newKey = signers[18]!.address.toLowerCase();
      const page = await newPage();
      await open(page, "/issuers", "issuers");
      const issuers = await api("/v1/issuers?limit=50");
      expect(await rowIds(page, "issuers")).to.deep.equal(
        (issuers.items as Json[]).map((i) => i.id),
      );
      await shot(page, "issuers");

      await open(page, `/issuer/31337/${newKey}`, "issuer");
      await page.locator('[data-testid="lineage"] li[data-direction="older"]').waitFor();
      expect(
        await page
          .locator('[data-testid="lineage"] li[data-direction="older"] code')
          .getAttribute("data-value"),
      ).to.equal(oldKey);
      const record = await api(`/v1/issuers/31337/${oldKey}`);
      await open(page, `/issuer/31337/${oldKey}`, "issuer");
      await page.locator('[data-testid="lineage"] li[data-direction="newer"]').waitFor();
      expect(
        await page
          .locator('[data-testid="lineage"] li[data-direction="newer"] code')
          .getAttribute("data-value"),
      ).to.equal(newKey);
      expect(await rowIds(page, "issuer-history")).to.deep.equal(
        (record.items[0].history as Json[]).map((e) => e.id),
      );

      // Trusted for kyc.basic before the rotation, not after (the old key is retired).
      const registry = await connection.ethers.getContractAt(
        "IssuerRegistry",
        stack.record.contracts.IssuerRegistry!.address,
      );
      const rotatedAt = BigInt((record.items[0].history as Json[]).at(-1)!.blockTime);
      for (const at of [rotatedAt - 1n, rotatedAt + 1n]) {
        await page.getByLabel("Credential type (label or hash)").fill("kyc.basic");
        await page
          .getByLabel("At (UTC; empty: now)")
          .fill(new Date(Number(at) * 1000).toISOString().slice(0, 19));
        await page.getByRole("button", { name: "Check" }).click();
        await page.waitForURL(/type=kyc\.basic/);
        const answerBox = page.locator(`[data-testid="trusted-answer"][data-at="${at}"]`);
        await answerBox.waitFor();
        const apiAnswer = await api(`/v1/issuers/31337/${oldKey}/trusted?type=kyc.basic&at=${at}`);
        const onChain = await registry.wasTrusted(oldKey, keccak256(toUtf8Bytes("kyc.basic")), at);
        expect(await answerBox.getAttribute("data-trusted"), `at ${at}`).to.equal(
          String(apiAnswer.trusted),
        );
        expect(apiAnswer.trusted, `at ${at}`).to.equal(onChain);
        expect(apiAnswer.trusted).to.equal(at < rotatedAt);
      }
      await shot(page, "issuer");
      await expectAccessible(page);
      expectNoConsoleErrors();
    });

    it("audit export: the count before download, and CSV and NDJSON files equal the audit stream", async function () {
      const head = await connection.ethers.provider.getBlockNumber();
      const from = 5;
      const to = Math.floor(head / 2);
      const page = await newPage();
      await open(page, "/export", "export");
      await page.getByLabel("From block").fill(String(from));
      await page.getByLabel("To block").fill(String(to));
      await page.getByLabel("To block").press("Enter");
      await page.waitForURL(/to=/);
      await waitReady(page, "export");
      const count = await api(`/v1/audit/count?fromBlock=${from}&toBlock=${to}`);
      const shown = page.locator('[data-testid="export-count"]');
      await shown.waitFor();
      expect(Number(await shown.getAttribute("data-total"))).to.equal(count.total);
      expect(count.total).to.be.greaterThan(0);
      await shot(page, "export");

      for (const format of ["csv", "ndjson"] as const) {
        if (format === "ndjson") {
          await page.getByLabel("NDJSON").check();
          await page.waitForURL(/format=ndjson/);
        }
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.locator('[data-testid="export-download"]').click(),
        ]);
        const file = readFileSync((await download.path())!, "utf8");
        const stream = await apiText(
          `/v1/audit/changes?fromBlock=${from}&toBlock=${to}&format=${format}`,
        );
        expect(file, format).to.equal(stream);
        const rows = file.split("\n").filter((l) => l !== "").length - (format === "csv" ? 1 : 0);
        expect(rows, format).to.equal(count.total);
        // The server names the file (content-disposition).
        expect(download.suggestedFilename()).to.equal(`changes.${format}`);
      }
      await expectAccessible(page);
      expectNoConsoleErrors();
    });

    it("search: from the keyboard, a grant id, a transaction, an address and a purpose label each open their page", async function () {
      const [g] = (await api("/v1/grants?limit=1")).items as Json[];
      const created = ((await api(`/v1/grants/31337/${g!.grantId}`)).history as Json[])[0]!;
      const page = await newPage();
      await open(page, "/", "overview");
      // Keyboard: the skip link comes first, then the navigation, then the search box.
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal(
        "Skip to content",
      );
      let steps = 0;
      while ((await page.evaluate(() => document.activeElement?.id)) !== "search" && steps++ < 10)
        await page.keyboard.press("Tab");
      expect(steps, "the search box is reached with Tab").to.be.lessThan(10);

      const searchFor = async (q: string) => {
        await page.keyboard.type(q);
        await page.keyboard.press("Enter");
      };
      await searchFor(g!.grantId);
      await page.waitForURL(new RegExp(`/grant/31337/${g!.grantId}$`));
      await waitReady(page, "grant");

      await page.getByLabel("Search", { exact: true }).focus();
      await searchFor(created.txHash);
      await page.waitForURL(new RegExp(`/tx/${created.txHash}$`));
      await waitReady(page, "tx");
      const tx = ((await api(`/v1/search?q=${created.txHash}`)).matches as Json[]).find(
        (m) => m.type === "transaction",
      )!;
      expect(await page.locator('[data-testid="tx-changes"] tbody tr[data-row]').count()).to.equal(
        tx.changes.length,
      );
      await shot(page, "tx");

      await page.getByLabel("Search", { exact: true }).focus();
      await searchFor(g!.owner);
      await page.waitForURL(new RegExp(`/address/${g!.owner}$`));
      await waitReady(page, "address");

      await page.getByLabel("Search", { exact: true }).focus();
      await searchFor("onboarding");
      await page.waitForURL(new RegExp(`/grants\\?purpose=${purposeHash("onboarding")}$`));
      await waitReady(page, "grants");
      const listed = await api(`/v1/grants?purpose=onboarding&limit=${PAGE_SIZE}`);
      expect(await rowIds(page, "grants")).to.deep.equal(
        (listed.items as Json[]).map((x) => x.grantId),
      );
      await shot(page, "grants-by-purpose");

      await page.getByLabel("Search", { exact: true }).focus();
      await searchFor("no-such-purpose");
      await waitReady(page, "search");
      await page.locator('[data-testid="no-match"]').waitFor();
      await expectAccessible(page);
      expectNoConsoleErrors();
    });

    it("live: a grant made during the test appears on the open pages without a reload", async function () {
      const signers = await connection.ethers.getSigners();
      const owner = signers[5]!;
      const grantee = signers[19]!.address;
      const overview = await newPage();
      await open(overview, "/", "overview");
      const total = overview.locator('[data-testid="now-counts"] [data-field="total"] dd');
      const before = toNumber((await total.textContent())!);
      const address = await overview.context().newPage();
      await open(address, `/address/${grantee.toLowerCase()}?role=grantee`, "address");
      expect(await rowIds(address, "address-grants")).to.deep.equal([]);
      for (const p of [overview, address])
        await p.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

      const grants = await connection.ethers.getContractAt(
        "AccessGrants",
        stack.record.contracts.AccessGrants!.address,
      );
      const dataHash = keccak256(toBeHex(Date.now(), 32));
      const purpose = purposeHash("onboarding");
      await (
        await grants
          .connect(owner)
          .grant({ grantee, dataHash, purpose, lockedUntil: 0n, expiresAt: 0n })
      ).wait();
      const id = computeGrantId({ owner: owner.address, grantee, dataHash, purpose });

      await address.waitForSelector(`[data-testid="address-grants"] tr[data-row="${id}"]`, {
        timeout: 20_000,
      });
      await overview.waitForFunction(
        (n) =>
          Number(
            document
              .querySelector('[data-testid="now-counts"] [data-field="total"] dd')
              ?.textContent?.replace(/,/g, ""),
          ) === n,
        before + 1,
        { timeout: 20_000 },
      );
      // Still the same documents: updated in place, not reloaded.
      for (const p of [overview, address])
        expect(await p.evaluate(() => (window as unknown as { marker?: number }).marker)).to.equal(
          1,
        );
      await shot(address, "live");
      expectNoConsoleErrors();
    });
  });

  // ------------------------------------------------------------------ budgets

  describe("budgets", function () {
    it("every page becomes interactive on the demo data; time to interactive measured against 1.5 s (best of 3 first visits)", async function () {
      this.timeout(180_000);
      const [g] = (await api("/v1/grants?status=replaced&limit=1")).items as Json[];
      const [top] = (await api("/v1/stats?by=grantee&limit=1")).items as Json[];
      const signers = await connection.ethers.getSigners();
      const pages: [string, string][] = [
        ["overview", "/"],
        ["grants", "/grants"],
        ["grant", `/grant/31337/${g!.grantId}`],
        ["address", `/address/${top!.key}?role=grantee`],
        ["issuers", "/issuers"],
        ["issuer", `/issuer/31337/${signers[18]!.address.toLowerCase()}`],
        ["export", "/export?from=0"],
        [
          "tx",
          `/tx/${((await api(`/v1/grants/31337/${g!.grantId}`)).history as Json[])[0]!.txHash}`,
        ],
      ];
      const timings: Record<string, number[]> = {};
      for (const [name, url] of pages) {
        timings[name] = [];
        for (let i = 0; i < 3; i++) {
          // A new context each time: nothing cached, as on a first visit.
          const page = await newPage();
          await page.goto(`${stack.api}${url}`);
          await page.waitForFunction(
            (n) => performance.getEntriesByName(`grantkit:ready:${n}`).length > 0,
            name,
            {
              timeout: 20_000,
            },
          );
          timings[name]!.push(
            await page.evaluate(
              (n) => Math.round(performance.getEntriesByName(`grantkit:ready:${n}`)[0]!.startTime),
              name,
            ),
          );
          await page.context().close();
        }
      }
      const best = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.min(...v)]));
      writeFileSync(
        path.join(SHOTS, "timings.json"),
        JSON.stringify({ budgetMs: TTI_BUDGET_MS, best, all: timings }, null, 2),
      );
      // A measurement, printed with its budget (timings depend on the machine; what is asserted is
      // that every page became interactive without console errors).
      console.log(
        `      time to interactive, best of 3 first visits (budget ${TTI_BUDGET_MS} ms):`,
      );
      for (const [name, ms] of Object.entries(best))
        console.log(
          `        ${name.padEnd(9)} ${String(ms).padStart(5)} ms  ${ms <= TTI_BUDGET_MS ? "ok" : "MISS"}  (${timings[name]!.join(", ")})`,
        );
      expect(Object.keys(best)).to.have.length(pages.length);
      expectNoConsoleErrors();
    });
  });
});
