/**
 * The dashboard suite's pages in the browser (test/e2e/dashboard.ts), part 2: what a person does on
 * them. The export downloads the audit stream; search routes by what was typed, from the keyboard; a
 * grant made during the test appears without a reload.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { keccak256, toBeHex } from "ethers";

import { computeGrantId, purposeHash } from "../../../scripts/lib/grants.js";

import {
  PAGE_SIZE,
  api,
  apiText,
  connection,
  expectCleanPage,
  expectNoConsoleErrors,
  expectRows,
  open,
  openNew,
  shot,
  stack,
  toNumber,
  waitReady,
  type Json,
} from "./harness.js";

/** The "pages" tests of the export, search and live updates. */
export function actionTests(): void {
  it("audit export: the count before download, and CSV and NDJSON files equal the audit stream", async function () {
    const head = await connection.ethers.provider.getBlockNumber();
    const from = 5;
    const to = Math.floor(head / 2);
    const page = await openNew("/export", "export");
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
    await expectCleanPage(page);
  });

  it("search: from the keyboard, a grant id, a transaction, an address and a purpose label each open their page", async function () {
    const [g] = (await api("/v1/grants?limit=1")).items as Json[];
    const created = ((await api(`/v1/grants/31337/${g!.grantId}`)).history as Json[])[0]!;
    const page = await openNew("/", "overview");
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
    await expectRows(page, "grants", listed.items as Json[]);
    await shot(page, "grants-by-purpose");

    await page.getByLabel("Search", { exact: true }).focus();
    await searchFor("no-such-purpose");
    await waitReady(page, "search");
    await page.locator('[data-testid="no-match"]').waitFor();
    await expectCleanPage(page);
  });

  it("live: a grant made during the test appears on the open pages without a reload", async function () {
    const signers = await connection.ethers.getSigners();
    const owner = signers[5]!;
    const grantee = signers[19]!.address;
    const overview = await openNew("/", "overview");
    const total = overview.locator('[data-testid="now-counts"] [data-field="total"] dd');
    const before = toNumber((await total.textContent())!);
    const address = await overview.context().newPage();
    await open(address, `/address/${grantee.toLowerCase()}?role=grantee`, "address");
    await expectRows(address, "address-grants", []);
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
      expect(await p.evaluate(() => (window as unknown as { marker?: number }).marker)).to.equal(1);
    await shot(address, "live");
    expectNoConsoleErrors();
  });
}
