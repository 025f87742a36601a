/**
 * The auditor dashboard (indexer/dashboard), tested as a person uses it: in a real headless Chromium
 * against the real stack (the fixture: test/e2e/dashboard/harness.ts).
 *
 * 1. The server: the build at `/`, cache headers, deep links, API paths untouched.
 * 2. The routes the dashboard added (src/api/routes/explore.ts): the status series against the
 *    contract's `getGrant` at past blocks, the audit count against the audit stream, search
 *    (1 and 2: dashboard/server.ts).
 * 3. Each page in the browser: its figures equal the API's answers for the same query; the
 *    point-in-time control equals `getGrant` at that block (ethers `blockTag`); the export downloads
 *    the audit stream; search routes by what was typed, from the keyboard; a grant made during the
 *    test appears without a reload; no console errors; axe-core finds no WCAG 2.1 A/AA violation
 *    (dashboard/pages.ts, dashboard/actions.ts).
 * 4. Budgets: every page's time to interactive on the demo data (best of 3 first visits), printed
 *    against 1.5 s (dashboard/budgets.ts).
 *
 * One fixture for all of them, started once (several minutes): the files under test/e2e/dashboard/
 * hold the tests and this file runs them in its one block.
 */
import { actionTests } from "./dashboard/actions.js";
import { budgetTests } from "./dashboard/budgets.js";
import { useDashboard } from "./dashboard/harness.js";
import { pageTests } from "./dashboard/pages.js";
import { serverTests } from "./dashboard/server.js";

describe("auditor dashboard (e2e, headless Chromium)", function () {
  useDashboard();

  serverTests();

  describe("pages", function () {
    this.timeout(120_000);
    pageTests();
    actionTests();
  });

  budgetTests();
});
