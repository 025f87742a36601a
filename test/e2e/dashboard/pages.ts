/**
 * The dashboard suite's pages in the browser (test/e2e/dashboard.ts), part 1: the overview, a grant,
 * an address and an issuer; each page's figures equal the API's answers for the same query, and the
 * point-in-time controls equal the contracts' state then (ethers `blockTag`, `wasTrusted`).
 */
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";

import { API_TO_CONTRACT, GRANT_STATUS } from "../../../scripts/lib/harness/indexer.js";

import {
  PAGE_SIZE,
  STATUSES,
  all,
  api,
  column,
  connection,
  expectCleanPage,
  expectRows,
  open,
  openNew,
  shot,
  stack,
  toNumber,
  waitReady,
  type Json,
} from "./harness.js";

/** The "pages" tests of the overview, grant, address and issuer pages. */
export function pageTests(): void {
  it("overview: counts now, per day and by purpose, grantee and issuer equal the API's, with freshness", async function () {
    const page = await openNew("/", "overview");
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
      await expectRows(page, `by-${by}`, stats.items as Json[], "key");
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
    await expectCleanPage(page, "overview");
  });

  it("grant page: state now, timeline, replacement chain both ways, and the state as of a block equals getGrant then", async function () {
    const grants = await connection.ethers.getContractAt(
      "AccessGrants",
      stack.record.contracts.AccessGrants!.address,
    );
    const [old] = (await api("/v1/grants?status=replaced&limit=1")).items as Json[];
    const one = await api(`/v1/grants/31337/${old!.grantId}`);
    const history = one.history as Json[];
    const page = await openNew(`/grant/31337/${old!.grantId}`, "grant");

    expect(
      await page.locator('[data-testid="grant-now"] [data-status]').getAttribute("data-status"),
    ).to.equal(one.grant.status);
    await expectRows(page, "timeline", history, "id");
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
    await expectCleanPage(page);
  });

  it("address page: as owner with cursor paging and filters, as grantee with retention duties", async function () {
    const [top] = (await api("/v1/stats?by=grantee&limit=1")).items as Json[];
    const grantee = top!.key as string;
    const [someGrant] = (await api(`/v1/grants?grantee=${grantee}&limit=1`)).items as Json[];
    const owner = someGrant!.owner as string;
    const page = await openNew(`/address/${owner}`, "address");
    const first = await api(`/v1/grants?owner=${owner}&limit=${PAGE_SIZE}`);
    expect(first.nextCursor, "the owner has more than one page").to.be.a("string");
    await expectRows(page, "address-grants", first.items as Json[]);
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
    await expectRows(page, "address-grants", second.items as Json[]);
    await page.getByLabel("Status").selectOption("locked");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/status=locked/);
    const locked = await api(`/v1/grants?owner=${owner}&status=locked&limit=${PAGE_SIZE}`);
    await waitReady(page, "address");
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="address-grants"] tr[data-row]').length === n,
      (locked.items as Json[]).length,
    );
    await expectRows(page, "address-grants", locked.items as Json[]);
    await shot(page, "address-owner");

    await open(page, `/address/${grantee}?role=grantee`, "address");
    await page.locator('[data-testid="retention"]').waitFor();
    await page.waitForFunction(
      () => !document.querySelector('[data-testid="retention"]')!.textContent!.includes("Loading"),
    );
    const retention = await api(`/v1/grantees/${grantee}/retention?limit=50`);
    expect((retention.items as Json[]).length).to.be.greaterThan(0);
    await expectRows(page, "retention", retention.items as Json[]);
    const unlocks = await page.$$eval('[data-testid="retention"] [data-unlocks]', (ts) =>
      ts.map((t) => t.getAttribute("data-unlocks")),
    );
    expect(unlocks).to.deep.equal((retention.items as Json[]).map((g) => g.lockedUntil));
    const received = await api(`/v1/grants?grantee=${grantee}&limit=${PAGE_SIZE}`);
    await expectRows(page, "address-grants", received.items as Json[]);

    // The grants as they stood at a date (the grantee's last change), paged as the API pages them.
    const at = (await all(`/v1/grants?grantee=${grantee}`))
      .map((g) => BigInt(g.updatedAt as string))
      .reduce((a, b) => (a > b ? a : b));
    const asOfPath = `/v1/grantees/${grantee}/grants/at?chainId=31337&timestamp=${at}&limit=${PAGE_SIZE}`;
    const asOf = await api(asOfPath);
    expect(asOf.nextCursor, "the grantee had more than one page then").to.be.a("string");
    const iso = new Date(Number(at) * 1000).toISOString().slice(0, 19);
    await open(page, `/address/${grantee}?role=grantee&at=${iso}`, "address");
    const firstRow = (id: string) =>
      page.waitForFunction(
        (row) =>
          document.querySelector(`[data-testid="grantee-asof"] tr[data-row="${row}"]`) !== null,
        id,
      );
    await firstRow((asOf.items as Json[])[0]!.grantId);
    await expectRows(page, "grantee-asof", asOf.items as Json[]);
    await page
      .getByRole("navigation", { name: "Grants as of the date pages" })
      .getByRole("button", { name: "Next page" })
      .click();
    const next = await api(`${asOfPath}&cursor=${asOf.nextCursor}`);
    await firstRow((next.items as Json[])[0]!.grantId);
    await expectRows(page, "grantee-asof", next.items as Json[]);
    await expectCleanPage(page, "address-grantee");
  });

  it("issuer page: lineage both ways, history, and the trust check equals the API and wasTrusted", async function () {
    const signers = await connection.ethers.getSigners();
    const oldKey = signers[3]!.address.toLowerCase();
    const newKey = signers[18]!.address.toLowerCase();
    const page = await openNew("/issuers", "issuers");
    const issuers = await api("/v1/issuers?limit=50");
    await expectRows(page, "issuers", issuers.items as Json[], "id");
    await shot(page, "issuers");

    // Each key's lineage names the other: the new key's older one, the old key's newer one (the old
    // key's page stays open for the history and the trust check).
    const lineage = [
      { key: newKey, direction: "older", other: oldKey },
      { key: oldKey, direction: "newer", other: newKey },
    ];
    for (const { key, direction, other } of lineage) {
      await open(page, `/issuer/31337/${key}`, "issuer");
      const item = page.locator(`[data-testid="lineage"] li[data-direction="${direction}"]`);
      await item.waitFor();
      expect(await item.locator("code").getAttribute("data-value"), direction).to.equal(other);
    }
    const record = await api(`/v1/issuers/31337/${oldKey}`);
    await expectRows(page, "issuer-history", record.items[0].history as Json[], "id");

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
    await expectCleanPage(page, "issuer");
  });
}
