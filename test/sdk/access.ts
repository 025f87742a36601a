import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";
import type { Hex } from "viem";

import {
  buildAccessRequest,
  computeGrantId,
  createDataReference,
  grant,
  parseAccessRequest,
  release,
  serializeAccessRequest,
  signAccessRequest,
  verifyAccessRequest,
  type AccessIndexer,
} from "../../sdk/src/index.js";
import { createIndexerClient, IndexerRequestError } from "../../sdk/src/indexer.js";
import { chainNow, loadGrants, localAccount, publicClient, PURPOSE, wallet } from "./fixture.js";
import { grant as grantRow } from "./indexer-standin.js";

const AUDIENCE = "https://vault.example";

async function setup() {
  const f = await loadGrants(localAccount.address);
  const { address: accessGrants, dataHash } = f;
  // The owner (account 0) grants the local account (the data consumer) access.
  await publicClient.waitForTransactionReceipt({
    hash: await grant(wallet(f.admin), {
      address: accessGrants,
      grantee: localAccount.address,
      dataHash,
      purpose: PURPOSE,
    }),
  });
  const now = await chainNow();
  const request = buildAccessRequest({
    chainId: 31337,
    accessGrants,
    grantee: localAccount.address,
    owner: f.admin,
    dataHash,
    purpose: PURPOSE,
    audience: AUDIENCE,
    now,
  });
  const signed = await signAccessRequest({ request, signer: localAccount });
  return { ...f, accessGrants, dataHash, now, signed };
}

describe("sdk: access requests", function () {
  it("a data server accepts a fresh request of the grantee for an active grant, after a JSON round trip", async function () {
    const { accessGrants, signed, now, admin, dataHash } = await setup();
    const received = parseAccessRequest(JSON.parse(JSON.stringify(serializeAccessRequest(signed))));
    const result = await verifyAccessRequest(publicClient, {
      address: accessGrants,
      request: received,
      audience: AUDIENCE,
      now,
    });
    expect(result.valid).to.equal(true);
    if (!result.valid) return;
    expect(result.grantId).to.equal(
      computeGrantId({ owner: admin, grantee: localAccount.address, dataHash, purpose: PURPOSE }),
    );
    expect(result.checkedAt.source).to.equal("chain");
  });

  it("refuses: another audience, expired, too long-lived, not yet valid, wrong signer, replay, another deployment", async function () {
    const { accessGrants, signed, now, admin, other } = await setup();
    const verify = (over: Partial<Parameters<typeof verifyAccessRequest>[1]>) =>
      verifyAccessRequest(publicClient, {
        address: accessGrants,
        request: signed,
        audience: AUDIENCE,
        now,
        ...over,
      });
    const reason = async (over: Partial<Parameters<typeof verifyAccessRequest>[1]>) => {
      const r = await verify(over);
      return r.valid ? "Valid" : r.reason;
    };
    expect(await reason({ audience: "https://other.example" })).to.equal("WrongAudience");
    expect(await reason({ now: signed.message.expiresAt })).to.equal("Expired");
    expect(await reason({ now: now - 31n })).to.equal("NotYetValid");
    expect(await reason({ maxLifetime: 60n })).to.equal("TooLongLived");
    expect(await reason({ address: other })).to.equal("WrongDeployment");
    const forged = await signAccessRequest({ request: signed, signer: wallet(other) });
    expect(await reason({ request: forged })).to.equal("BadSignature");
    const seen = new Set<Hex>();
    const isReplay = (nonce: Hex) => (seen.has(nonce) ? true : (seen.add(nonce), false));
    expect(await reason({ isReplay })).to.equal("Valid");
    expect(await reason({ isReplay })).to.equal("Replayed");
    const tampered = {
      ...signed,
      message: {
        ...signed.message,
        dataHash: createDataReference({ dataId: "other", grantee: admin }).dataHash,
      },
    };
    expect(await reason({ request: tampered })).to.equal("BadSignature");
  });

  it("refuses once the grant has ended on-chain", async function () {
    const { accessGrants, signed, now, admin, dataHash } = await setup();
    await publicClient.waitForTransactionReceipt({
      hash: await release(wallet(localAccount), {
        address: accessGrants,
        owner: admin,
        dataHash,
        purpose: PURPOSE,
      }),
    });
    const r = await verifyAccessRequest(publicClient, {
      address: accessGrants,
      request: signed,
      audience: AUDIENCE,
      now,
    });
    expect(r.valid ? "Valid" : r.reason).to.equal("NotGranted");
  });

  describe("through the indexer client", function () {
    // A stand-in for the indexer's REST API that answers with the route shapes of indexer/src/api/index.ts.
    let server: Server;
    let baseUrl: string;
    const state = { indexed: 100, head: 100, granted: true, pages: 0 };
    const requests: string[] = [];

    before(async function () {
      server = createServer((req, res) => {
        requests.push(req.url ?? "");
        const url = new URL(req.url ?? "/", "http://x");
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        };
        if (url.pathname === "/v1/ready") {
          const caughtUp = state.indexed >= state.head - 1;
          return send(caughtUp ? 200 : 503, {
            ready: caughtUp,
            chains: [
              {
                name: "localhost",
                chainId: 31337,
                indexed: state.indexed,
                head: state.head,
                caughtUp,
              },
            ],
          });
        }
        if (url.pathname.startsWith("/v1/grants/31337/")) {
          if (!state.granted) return send(404, { error: "no grant on chain 31337" });
          return send(200, {
            grant: { ...grantRow(1), isGranted: true },
            history: [
              {
                id: "e1",
                chainId: 31337,
                contract: "0xab",
                grantId: "0x01",
                kind: "created",
                owner: "0xaa",
                grantee: "0xbb",
                dataHash: "0x11",
                purpose: "0x22",
                status: "active",
                lockedUntil: "0",
                expiresAt: "0",
                relatedGrantId: null,
                blockNumber: "5",
                blockTime: "1700000000",
                txHash: "0x33",
                logIndex: 0,
              },
            ],
          });
        }
        if (url.pathname === "/v1/grants") {
          if (url.searchParams.get("limit") === "0")
            return send(400, { error: "limit: must be from 1 to 100" });
          const page = Number(url.searchParams.get("cursor") ?? "0");
          state.pages++;
          return send(200, {
            items: [grantRow(page * 2), grantRow(page * 2 + 1)],
            nextCursor: page < 2 ? String(page + 1) : null,
          });
        }
        send(404, { error: "no route" });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("iterates every page by cursor, converts numbers to bigint and reports API errors with their message", async function () {
      const indexer = createIndexerClient({ baseUrl });
      const rows = [];
      for await (const g of indexer.iterateGrants({
        grantee: "0x00000000000000000000000000000000000000bb",
        status: "locked",
        limit: 2,
      }))
        rows.push(g);
      expect(rows.map((g) => g.id)).to.deep.equal([0, 1, 2, 3, 4, 5].map((i) => grantRow(i).id));
      expect(rows[0]!.lockedUntil).to.equal(2n ** 64n - 1n);
      expect(requests.some((u) => u.includes("status=locked") && u.includes("limit=2"))).to.equal(
        true,
      );
      const one = await indexer.getGrant({ chainId: 31337, grantId: `0x${"01".repeat(32)}` });
      expect(one?.history[0]?.blockNumber).to.equal(5n);
      try {
        await indexer.listGrants({ limit: 0 });
        expect.fail("400 not thrown");
      } catch (error) {
        expect(error).to.be.instanceOf(IndexerRequestError);
        expect((error as IndexerRequestError).status).to.equal(400);
        expect((error as Error).message).to.match(/limit: must be from 1 to 100/);
      }
    });

    it("verifyAccessRequest through the indexer: accepted when fresh, refused when stale or not granted", async function () {
      const { accessGrants, signed, now } = await setup();
      const indexer: AccessIndexer = createIndexerClient({ baseUrl });
      const verify = async (maxLagBlocks: number) => {
        const r = await verifyAccessRequest(publicClient, {
          address: accessGrants,
          request: signed,
          audience: AUDIENCE,
          now,
          source: { indexer, maxLagBlocks },
        });
        return r.valid ? r.checkedAt : r.reason;
      };
      Object.assign(state, { indexed: 100, head: 100, granted: true });
      expect(await verify(2)).to.deep.equal({ source: "indexer", indexedBlock: 100 });
      Object.assign(state, { indexed: 90, head: 100 });
      expect(await verify(2)).to.equal("IndexerStale");
      expect(await verify(10)).to.deep.equal({ source: "indexer", indexedBlock: 90 });
      Object.assign(state, { indexed: 100, head: 100, granted: false });
      expect(await verify(2)).to.equal("NotGranted");
      // An indexer whose own RPC is stuck sees an old head and reports no lag: this server's node
      // is ahead by 3 blocks, and that is what the bound is judged by.
      const own = Number(await publicClient.getBlockNumber());
      expect(own, "blocks on the test chain").to.be.greaterThanOrEqual(3);
      Object.assign(state, { indexed: own - 3, head: own - 3, granted: true });
      expect(await verify(2)).to.equal("IndexerStale");
      expect(await verify(3)).to.deep.equal({ source: "indexer", indexedBlock: own - 3 });
    });
  });
});
