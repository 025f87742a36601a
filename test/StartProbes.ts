import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";

import { missingFromBanner, parseBanner, probe } from "../scripts/lib/start-probes.js";

const GRANT_ID = "0x" + "ab".repeat(32);

/** A stand-in for the indexer: answers what the probes ask, `/` (a page) with `pageStatus`. */
function fakeApi(pageStatus: number): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const json = (body: unknown) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/") {
      res.statusCode = pageStatus;
      res.end("<html>dashboard</html>");
    } else if (url.pathname === "/v1/grants") json({ items: [{ grantId: GRANT_ID }] });
    else if (url.pathname === `/v1/grants/31337/${GRANT_ID}`) {
      json({ grant: { grantId: GRANT_ID, status: "active" } });
    } else if (url.pathname === "/sql/db") {
      const query = JSON.parse(url.searchParams.get("sql") ?? "{}") as { json?: { sql?: string } };
      json({ rows: [{ n: query.json?.sql?.includes("grant_event") ? 7 : 0 }] });
    } else if (url.pathname === "/graphql") json({ data: { grants: { items: [{ id: "1" }] } } });
    else {
      res.statusCode = 404;
      res.end("no");
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

/** A banner as npm start prints it, with a line added later (a dashboard). */
function banner(base: string): string {
  return `[indexer] noise http://127.0.0.1:1/not-in-the-banner

  GrantKit is up (12.3 s).
    chain (JSON-RPC)  http://127.0.0.1:8545   chain id 31337
    AccessGrants      0x2eE7174c8541e0dc33e645742526DF5248B1ba6c
    REST API          ${base}/v1/grants
    one grant         ${base}/v1/grants/31337/${GRANT_ID}
    OpenAPI           ${base}/v1/openapi.json
    GraphQL           ${base}/graphql   (POST)
    SQL over HTTP     ${base}/sql/db   (?sql= superjson of {sql, params})
    health            ${base}/health
    ready             ${base}/v1/ready
    dashboard         ${base}/
    record            deployments/localhost.json
  Ctrl-C stops everything.
[indexer] more noise`;
}

describe("start probes (npm run test:start)", function () {
  it("takes every URL of the banner, with its label, and nothing outside it", function () {
    const entries = parseBanner(banner("http://h:1"));
    expect(entries.map((e) => e.label)).to.deep.equal([
      "chain (JSON-RPC)",
      "REST API",
      "one grant",
      "OpenAPI",
      "GraphQL",
      "SQL over HTTP",
      "health",
      "ready",
      "dashboard",
    ]);
    expect(entries.find((e) => e.label === "dashboard")!.url).to.equal("http://h:1/");
    expect(missingFromBanner(entries)).to.deep.equal([]);
  });

  it("says which required endpoint a banner lost", function () {
    const entries = parseBanner(banner("http://h:1").replace(/.*GraphQL.*\n/, ""));
    expect(missingFromBanner(entries)).to.deep.equal(["GraphQL"]);
  });

  it("probes a line added later with a GET that must answer 200", async function () {
    const { server, base } = await fakeApi(200);
    const broken = await fakeApi(500);
    try {
      const page = parseBanner(banner(base)).find((e) => e.label === "dashboard")!;
      expect(await probe(page)).to.match(/^GET: 200, /);
      const down = parseBanner(banner(broken.base)).find((e) => e.label === "dashboard")!;
      await probe(down).then(
        () => expect.fail("a 500 passed"),
        (error: Error) => expect(error.message).to.match(/answered 500/),
      );
    } finally {
      server.close();
      broken.server.close();
    }
  });

  it("checks the content of the known endpoints (the demo's data)", async function () {
    const { server, base } = await fakeApi(200);
    try {
      const byLabel = new Map(parseBanner(banner(base)).map((e) => [e.label, e]));
      expect(await probe(byLabel.get("REST API")!)).to.equal("GET: 1 grants on the first page");
      expect(await probe(byLabel.get("one grant")!)).to.match(/grant 0xabababab…, active/);
      expect(await probe(byLabel.get("SQL over HTTP")!)).to.match(/grant_event: 7$/);
      expect(await probe(byLabel.get("GraphQL")!)).to.equal("POST { grants }: 1 items");
    } finally {
      server.close();
    }
  });
});
