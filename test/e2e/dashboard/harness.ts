/**
 * The dashboard suite's fixture (test/e2e/dashboard.ts): the real stack (`hardhat node`, the deploy,
 * the demo data of `npm start -- --demo` plus one issuer key rotation, Ponder on PGlite), a headless
 * Chromium (Debian's `chromium`, installed here when missing and run as root; driven by
 * playwright-core), and what the tests use of both: the API's answers, fresh pages that record their
 * console, and readers of the dashboard's tables.
 *
 * `useDashboard()` registers the hooks in the suite's block. The stack, the connection and the browser
 * are exported as `let` bindings the hooks assign: ES modules' live bindings let the tests of
 * test/e2e/dashboard/ read them as plain names, as when they lived in the suite's closure.
 *
 * Screenshots of every page land in test-results/dashboard/ (git-ignored) on every run; a failing
 * test also leaves FAILED-<test>.png and FAILED-<test>.console.txt there.
 */
/// <reference lib="dom" />
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

import { GRANT_STATUSES } from "../../../indexer/src/names.js";
import { seedDemo } from "../../../scripts/lib/demo.js";
import { ROOT } from "../../../scripts/lib/deployment.js";
import { registryDomain, signKeyRotation } from "../../../scripts/lib/receipts.js";
import { startIndexerStack, type IndexerStack } from "../../../scripts/lib/harness/indexer.js";

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const DIST = path.join(ROOT, "indexer", "dashboard", "dist");
export const SHOTS = path.join(ROOT, "test-results", "dashboard");
export const PAGE_SIZE = 25;
/** The statuses a reader sees (derived ones included), as the API serves them. */
export const STATUSES = GRANT_STATUSES;

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

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

export let stack: IndexerStack;
export let connection: NetworkConnection;
export let browser: Browser;
/** What the current test's pages printed, for the failure report. */
let consoleLines: string[] = [];
let consoleErrors: string[] = [];
let current: Page | null = null;
const contexts: BrowserContext[] = [];

export const api = async (pathAndQuery: string): Promise<Json> => {
  const answer = await stack.get<Json>(pathAndQuery);
  expect(answer.status, `${pathAndQuery}: ${answer.text.slice(0, 300)}`).to.equal(200);
  return answer.body;
};
export const apiText = async (pathAndQuery: string): Promise<string> =>
  (await stack.get(pathAndQuery)).text;
/** Every item of a paged list. */
export const all = async (pathAndQuery: string): Promise<Json[]> => {
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
export async function newPage(): Promise<Page> {
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
export async function open(page: Page, pathAndQuery: string, name: string): Promise<void> {
  await page.goto(`${stack.api}${pathAndQuery}`);
  await waitReady(page, name);
}

/** A fresh page (`newPage`) opened at a dashboard path (`open`). */
export async function openNew(pathAndQuery: string, name: string): Promise<Page> {
  const page = await newPage();
  await open(page, pathAndQuery, name);
  return page;
}

export async function waitReady(page: Page, name: string): Promise<void> {
  await page.waitForSelector(`main[data-page="${name}"][aria-busy="false"]`, { timeout: 20_000 });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** axe-core (pinned), injected into the page: no WCAG 2.0/2.1 A or AA violation. */
export async function expectAccessible(page: Page): Promise<void> {
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
export const column = (page: Page, table: string, col: string) =>
  page.$$eval(`[data-testid="${table}"] tbody tr[data-row] td[data-col="${col}"]`, (tds) =>
    tds.map((td) => td.textContent!.trim()),
  );
export const rowIds = (page: Page, table: string) =>
  page.$$eval(`[data-testid="${table}"] tbody tr[data-row]`, (trs) =>
    trs.map((tr) => tr.getAttribute("data-row")!),
  );
/** The table's rows are the API's items, in order (a row's id is the item's `key`). */
export async function expectRows(page: Page, table: string, items: Json[], key = "grantId") {
  expect(await rowIds(page, table), table).to.deep.equal(items.map((i) => i[key]));
}
export const toNumber = (s: string) => Number(s.replace(/,/g, ""));

/** Each browser test ends with this: the page printed no error. */
export const expectNoConsoleErrors = () =>
  expect(consoleErrors, consoleErrors.join("\n")).to.deep.equal([]);

/** How a page's test ends: its screenshot when named, no accessibility violation, no console error. */
export async function expectCleanPage(page: Page, shotName?: string): Promise<void> {
  if (shotName) await shot(page, shotName);
  await expectAccessible(page);
  expectNoConsoleErrors();
}

/** The stack with the demo data and one issuer key rotation, indexed to the head. */
async function startStack(): Promise<void> {
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
  const deadline = BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp) + 3600n;
  const proof = await signKeyRotation(
    newKey,
    registryDomain(chainId, await registry.getAddress()),
    { oldKey: oldKey.address, newKey: newKey.address, deadline },
  );
  await (await registry.connect(oldKey).rotateKey(newKey.address, deadline, proof)).wait();
  await stack.waitCaughtUp(180_000);
}

/** The browser, warmed up with one page. */
async function startBrowser(): Promise<void> {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  // The first page of a just-started browser also pays for starting its processes: not the page's cost.
  const warm = await browser.newPage();
  await warm.goto(`${stack.api}/`);
  await warm.waitForSelector('main[aria-busy="false"]', { timeout: 60_000 });
  await warm.context().close();
}

/** Registers the suite's hooks: the fixture before all tests, a clean console and failure report per test. */
export function useDashboard(): void {
  before(async function () {
    this.timeout(15 * 60_000);
    ensureChromium();
    if (!existsSync(path.join(DIST, "index.html")))
      throw new Error(`${DIST} is missing: run \`npm run build\` first (it builds the dashboard)`);
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    await startStack();
    await startBrowser();
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
}
