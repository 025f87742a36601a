/**
 * indexer/src/api/dashboard.ts without a browser: which paths it answers, with which cache headers,
 * and the page that says to build when there is no build.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { dashboardRoutes } from "../indexer/src/api/dashboard.js";

describe("dashboard server (indexer/src/api/dashboard.ts)", function () {
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "grantkit-dashboard-"));
    mkdirSync(path.join(dir, "assets"));
    writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>t</title>");
    writeFileSync(path.join(dir, "assets", "index-abc123.js"), "console.log(1)");
    writeFileSync(path.join(dir, "favicon.svg"), "<svg/>");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("answers every dashboard page with index.html, revalidated on each load", async function () {
    const app = dashboardRoutes(dir);
    for (const p of [
      "/",
      "/grants",
      "/grant/31337/0xab",
      "/address/0x12",
      "/issuers",
      "/issuer/1/0x1",
      "/export",
      "/tx/0x1",
      "/search",
    ]) {
      const res = await app.request(p);
      expect(res.status, p).to.equal(200);
      expect(res.headers.get("cache-control"), p).to.equal("no-cache");
      expect(await res.text(), p).to.include("<title>t</title>");
    }
  });

  it("serves hashed assets for a year, and leaves other paths (the API's among them) alone", async function () {
    const app = dashboardRoutes(dir);
    const js = await app.request("/assets/index-abc123.js");
    expect(js.status).to.equal(200);
    expect(js.headers.get("cache-control")).to.equal("public, max-age=31536000, immutable");
    expect((await app.request("/favicon.svg")).status).to.equal(200);
    for (const p of [
      "/assets/missing.js",
      "/v1/grants",
      "/graphql",
      "/sql/db",
      "/ready",
      "/nope",
      "/grant/1",
    ])
      expect((await app.request(p)).status, p).to.equal(404);
  });

  it("without a build, says to run npm run build", async function () {
    const app = dashboardRoutes(path.join(dir, "missing"));
    const res = await app.request("/");
    expect(res.status).to.equal(503);
    expect(res.headers.get("cache-control")).to.equal("no-store");
    expect(await res.text()).to.include("npm run build");
    expect((await app.request("/v1/ready")).status).to.equal(404);
  });
});
