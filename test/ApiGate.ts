/**
 * The gate in front of the indexer's HTTP server (indexer/src/api/gate.ts) and the work budget it
 * applies (budget.ts): client identity behind trusted proxies, IPv6 by /64, private /metrics and
 * /status, CORS only where a browser needs it, 429/503 with Retry-After. Run against a real HTTP
 * server created through `http.createServer`, as Ponder creates its own.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";

import { Budget, budgetSettings, type BudgetSettings } from "../indexer/src/api/budget.js";
import {
  clientKey,
  gateSettings,
  installGate,
  requestInfo,
  uninstallGate,
} from "../indexer/src/api/gate.js";

const TOKEN = "0123456789abcdef0123";

function settings(over: Partial<BudgetSettings> = {}): BudgetSettings {
  return {
    rate: 10,
    burst: 5,
    globalRate: 1_000,
    globalBurst: 1_000,
    clientConcurrency: 8,
    globalConcurrency: 64,
    clientStreams: 1,
    ...over,
  };
}

describe("API gate and work budget (indexer/src/api/gate.ts, budget.ts)", function () {
  describe("client identity", function () {
    it("keys IPv4 by address, IPv4-mapped IPv6 as IPv4, and IPv6 by /64", function () {
      expect(clientKey("203.0.113.9")).to.equal("203.0.113.9");
      expect(clientKey("::ffff:203.0.113.9")).to.equal("203.0.113.9");
      expect(clientKey("2001:db8:1:2:3:4:5:6")).to.equal("2001:db8:1:2::/64");
      expect(clientKey("2001:db8:1:2:ffff::1")).to.equal(clientKey("2001:db8:1:2::9"));
      expect(clientKey("2001:db8:1:3::1")).to.not.equal(clientKey("2001:db8:1:2::1"));
    });

    it("refuses to start on settings that would silently weaken it", function () {
      expect(() => gateSettings({ TRUSTED_PROXIES: "10.0.0.0/8, not-an-address" })).to.throw(
        /^TRUSTED_PROXIES="10.0.0.0\/8, not-an-address": .*give comma-separated addresses or CIDRs/,
      );
      expect(() => gateSettings({ GRANTKIT_OPS_TOKEN: "short" })).to.throw(
        /GRANTKIT_OPS_TOKEN is shorter than 16 characters/,
      );
      expect(
        gateSettings({ TRUSTED_PROXIES: "loopback, 10.0.0.0/8" }).trustedProxies,
      ).to.deep.equal(["loopback", "10.0.0.0/8"]);
      const saved = { ...process.env };
      try {
        process.env = { ...saved, API_RATE_LIMIT: "many" };
        expect(() => budgetSettings()).to.throw(/^API_RATE_LIMIT="many" is not a number/);
        process.env = { ...saved, API_CLIENT_STREAMS: "0" };
        expect(() => budgetSettings()).to.throw(/^API_CLIENT_STREAMS="0" is not a number from 1/);
      } finally {
        process.env = saved;
      }
    });
  });

  describe("budget", function () {
    it("charges work, answers 429 with the wait when a client is out of units, and refills", async function () {
      const b = new Budget(settings({ rate: 50, burst: 3 }));
      expect(b.admit("a")).to.equal(null);
      b.charge("a", 10);
      b.done("a");
      const denied = b.admit("a");
      expect(denied?.status).to.equal(429);
      expect(denied?.retryAfter).to.be.at.least(1);
      expect(denied?.message).to.match(
        /^rate limit: 50 work units per second per client \(API_RATE_LIMIT/,
      );
      // Another client is not affected.
      expect(b.admit("b")).to.equal(null);
      // A stream waits (yields) until the client holds a unit again: 7 units owed at 50/s.
      const t = performance.now();
      await b.settle("a");
      expect(performance.now() - t).to.be.within(100, 400);
      expect(b.admit("a")).to.equal(null);
    });

    it("answers 503 for everyone when the shared budget is spent, and caps requests and streams in flight", function () {
      const b = new Budget(settings({ globalRate: 1, globalBurst: 2, clientConcurrency: 2 }));
      expect(b.admit("a")).to.equal(null);
      expect(b.admit("a")).to.equal(null);
      expect(b.admit("a")?.message).to.match(/too many requests in flight: 2 per client/);
      b.done("a");
      b.charge("a", 5);
      const busy = b.admit("b");
      expect(busy?.status).to.equal(503);
      expect(busy?.message).to.match(
        /^the server is at its capacity for all clients; retry in \d+ s/,
      );
      const close = b.openStream("s");
      expect(close).to.be.a("function");
      const second = b.openStream("s");
      expect(second).to.include({ status: 429 });
      (close as () => void)();
      (close as () => void)();
      expect(b.openStream("s")).to.be.a("function");
    });

    it("does nothing with API_RATE_LIMIT=0", function () {
      const b = new Budget(settings({ rate: 0, clientConcurrency: 1 }));
      for (let i = 0; i < 5; i++) expect(b.admit("a")).to.equal(null);
      b.charge("a", 1e9);
      expect(b.admit("a")).to.equal(null);
    });
  });

  describe("in front of a real server", function () {
    let server: http.Server;
    let base: string;
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(base + path, { headers }).then(async (r) => ({
        status: r.status,
        headers: r.headers,
        body: (await r.json()) as { error?: string; client?: string },
      }));

    before(async function () {
      installGate(new Budget(settings({ rate: 10, burst: 5 })), {
        trustedProxies: ["loopback"],
        opsToken: TOKEN,
      });
      // As Ponder's server does: CORS on every answer.
      server = http.createServer((req, res) => {
        res.setHeader("access-control-allow-origin", "*");
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ client: requestInfo({ incoming: req }).client }));
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      uninstallGate();
      await new Promise((r) => server.close(r));
    });

    it("keeps /metrics and /status to loopback callers and the ops token", async function () {
      expect((await get("/metrics")).status).to.equal(200);
      const forwarded = await get("/status", { "x-forwarded-for": "198.51.100.7" });
      expect(forwarded.status).to.equal(403);
      expect(forwarded.body.error).to.match(
        /^\/status is private: call it from the server itself \(loopback\) or send Authorization: Bearer/,
      );
      expect(
        (
          await get("/metrics", {
            "x-forwarded-for": "198.51.100.7",
            authorization: `Bearer ${TOKEN}`,
          })
        ).status,
      ).to.equal(200);
      expect(
        (
          await get("/metrics", {
            "x-forwarded-for": "198.51.100.7",
            authorization: `Bearer ${TOKEN}x`,
          })
        ).status,
      ).to.equal(403);
    });

    it("lets browsers of other origins read /v1 and /graphql, not /sql or the probes", async function () {
      expect((await get("/v1/grants")).headers.get("access-control-allow-origin")).to.equal("*");
      expect((await get("/graphql")).headers.get("access-control-allow-origin")).to.equal("*");
      for (const path of ["/sql/db", "/health", "/ready"])
        expect((await get(path)).headers.get("access-control-allow-origin"), path).to.equal(null);
    });

    it("honours X-Forwarded-For from a trusted proxy, groups IPv6 by /64, and limits each client apart", async function () {
      const a = { "x-forwarded-for": "2001:db8:5:6::1" };
      const a2 = { "x-forwarded-for": "2001:db8:5:6::2" };
      const b = { "x-forwarded-for": "203.0.113.20" };
      expect((await get("/v1/x", a)).body.client).to.equal("2001:db8:5:6::/64");
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await get("/v1/x", i % 2 ? a : a2)).status);
      expect(statuses).to.include(429);
      const limited = await get("/v1/x", a);
      expect(limited.status).to.equal(429);
      expect(limited.body.error).to.match(/^rate limit: 10 work units per second per client/);
      const b1 = await get("/v1/x", b);
      expect(b1.status).to.equal(200);
      expect(b1.body.client).to.equal("203.0.113.20");
    });
  });
});
