/**
 * The dashboard suite's checks of the server (test/e2e/dashboard.ts): the build at `/`, cache headers,
 * deep links, API paths untouched; and the routes the dashboard added (src/api/routes/explore.ts):
 * the status series against the contract's `getGrant` at past blocks, the audit count against the
 * audit stream, search.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";

import { purposeHash } from "../../../scripts/lib/grants.js";
import { GRANT_STATUS } from "../../../scripts/lib/harness/indexer.js";

import { DIST, STATUSES, all, api, apiText, connection, stack, type Json } from "./harness.js";

/** "served by the indexer" and "routes for the dashboard". */
export function serverTests(): void {
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
      // A chain that is not indexed is a 404 saying so, not a count of zero.
      for (const path of ["count", "changes"]) {
        const answer = await stack.get<Json>(`/v1/audit/${path}?fromBlock=0&chainId=999`);
        expect(answer.status, path).to.equal(404);
        expect(answer.body?.error).to.equal("chain 999 is not indexed (indexed: 31337)");
      }
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
}
