/**
 * SQL over HTTP gives the same answers as the REST API and the chain (issue 16), on PGlite and on
 * PostgreSQL, through `/sql/db` and through `@ponder/client` as a real client uses it. The chain gets
 * a revocation of 30 grants in one block: more than 20 updated rows in one flush make Ponder's
 * indexing store create a temporary table named `grant` on PGlite's one connection, which once made
 * `select count(*) from "grant"` answer 0. The README's auditor queries run here too.
 */
import { createClient } from "@ponder/client";
import { expect } from "chai";
import { keccak256, toBeHex } from "ethers";
import { network } from "hardhat";

import * as schema from "../../indexer/ponder.schema.js";
import { purposeHash } from "../../scripts/lib/grants.js";
import {
  startIndexerStack,
  type DatabaseKind,
  type IndexerStack,
} from "../../scripts/lib/harness/indexer.js";

const lower = (s: string) => s.toLowerCase();

interface Rows<T = Record<string, unknown>> {
  rows?: T[];
  error?: string;
}

function sqlSuite(db: DatabaseKind) {
  return function (this: Mocha.Suite) {
    this.timeout(300_000);
    let stack: IndexerStack;
    /** The names of both contracts' events, from the chain itself. */
    let events: { grants: string[]; registry: string[] };
    let owner = "";
    let grantee = "";
    const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => {
      const a = await stack.get<Rows<T>>(
        `/sql/db?sql=${encodeURIComponent(JSON.stringify({ json: { sql: text, params } }))}`,
      );
      expect(a.status, `${text}: ${a.text.slice(0, 300)}`).to.equal(200);
      return a.body.rows!;
    };

    before(async function () {
      stack = await startIndexerStack(db);
      const c = await network.create({ network: "localhost", override: { url: stack.node.url } });
      try {
        const { ethers } = c;
        const [, registrar, , , , a, b] = await ethers.getSigners();
        owner = lower(a!.address);
        grantee = lower(b!.address);
        const grants = await ethers.getContractAt(
          "AccessGrants",
          stack.record.contracts.AccessGrants!.address,
        );
        const registry = await ethers.getContractAt(
          "IssuerRegistry",
          stack.record.contracts.IssuerRegistry!.address,
        );
        const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
        const params = Array.from({ length: 40 }, (_, i) => ({
          grantee: b!.address,
          dataHash: keccak256(toBeHex(7_000 + i, 32)),
          purpose: purposeHash(i % 2 ? "onboarding" : "aml-check"),
          lockedUntil: i >= 35 ? now + 86_400n * 30n : 0n,
          expiresAt: 0n,
        }));
        await (await grants.connect(a!).grantBatch(params)).wait();
        // 30 updates of rows from an earlier block, in one block: one flush of more than 20 updates.
        await (await grants.connect(a!).revokeBatch(params.slice(0, 30))).wait();
        await (await grants.connect(a!).invalidateNonces(0, 0b1011n)).wait();
        const issuerKey = ethers.Wallet.createRandom().address;
        const type = keccak256(toBeHex(0xabc, 32));
        await (await registry.connect(registrar!).registerCredentialType(type)).wait();
        await (
          await registry
            .connect(registrar!)
            .addIssuer(issuerKey, [type], "0x4348", 0, 0, keccak256("0x01"))
        ).wait();
        await (await registry.connect(registrar!).suspendIssuer(issuerKey)).wait();
        const all = { fromBlock: 0, toBlock: "latest" };
        const names = async (contract: typeof grants | typeof registry) =>
          (await ethers.provider.getLogs({ ...all, address: await contract.getAddress() })).map(
            (l) => contract.interface.parseLog(l)?.name ?? "unknown",
          );
        events = { grants: await names(grants), registry: await names(registry) };
      } finally {
        await c.close();
      }
      await stack.waitCaughtUp();
    });
    after(async () => stack?.stop());

    it("every table's rows through /sql/db equal the REST API and the chain", async function () {
      const count = async (table: string) =>
        Number((await sql<{ n: number }>(`select count(*) as n from ${table}`))[0]!.n);
      // grant: the REST API's counts by status, and the chain's own grants.
      const byStatus = await stack.get<{ items: { key: string; count: number }[] }>(
        `/v1/stats?by=status`,
      );
      const restGrants = byStatus.body.items.reduce((n, i) => n + i.count, 0);
      // Exactly the 40 grants made above (the temporary table of Ponder's answered 0 here).
      expect(restGrants).to.equal(40);
      expect(await count(`"grant"`)).to.equal(restGrants);
      const statuses = await sql<{ status: string; n: number }>(
        `select status, count(*) as n from "grant" group by status order by status`,
      );
      expect(statuses.map((r) => ({ key: r.status, count: Number(r.n) }))).to.deep.equal(
        [...byStatus.body.items].sort((x, y) => x.key.localeCompare(y.key)),
      );
      // The owner's grants, row by row, as REST shows them.
      const mine = await sql<{
        grant_id: string;
        status: string;
        grantee: string;
        locked_until: string;
      }>(
        `select grant_id, status, grantee, locked_until from "grant" where owner = $1 order by grant_id`,
        [owner],
      );
      expect(mine).to.have.length(40);
      expect(mine.filter((r) => r.status === "revoked")).to.have.length(30);
      const rest = await stack.get<{
        items: { grantId: string; storedStatus: string; grantee: string; lockedUntil: string }[];
      }>(`/v1/grants?owner=${owner}&limit=100`);
      expect(
        mine.map((r) => [r.grant_id, r.status, r.grantee, String(r.locked_until)]),
      ).to.deep.equal(
        [...rest.body.items]
          .sort((x, y) => x.grantId.localeCompare(y.grantId))
          .map((g) => [g.grantId, g.storedStatus, g.grantee, g.lockedUntil]),
      );
      // grant_event and nonce_invalidation: one row per event of the chain (no replacement here,
      // which would add a second row).
      const cancellations = events.grants.filter((n) => n === "NoncesInvalidated").length;
      expect(cancellations).to.equal(1);
      expect(await count("nonce_invalidation")).to.equal(cancellations);
      expect(await count("grant_event")).to.equal(events.grants.length - cancellations);
      // issuer, issuer_event, credential_type: the REST API's view of the same, and the chain's.
      const issuers = await stack.get<{ items: { issuer: string; status: string }[] }>(
        `/v1/issuers?limit=100`,
      );
      expect(await count("issuer")).to.equal(issuers.body.items.length);
      const suspended = await sql<{ issuer: string }>(
        `select issuer from issuer where status = 'suspended' order by issuer`,
      );
      expect(suspended.map((r) => r.issuer)).to.deep.equal(
        issuers.body.items
          .filter((i) => i.status === "suspended")
          .map((i) => i.issuer)
          .sort(),
      );
      let histories = 0;
      for (const i of issuers.body.items) {
        const one = await stack.get<{ items: { history: unknown[] }[] }>(
          `/v1/issuers/${stack.chainId}/${i.issuer}`,
        );
        histories += one.body.items.reduce((n, r) => n + r.history.length, 0);
      }
      expect(await count("issuer_event")).to.equal(histories);
      expect(await count("credential_type")).to.equal(
        events.registry.filter((n) => n === "CredentialTypeRegistered").length,
      );
      const types = await sql<{ type_id: string }>(`select type_id from credential_type`);
      expect(types.map((t) => t.type_id)).to.include(keccak256(toBeHex(0xabc, 32)));
    });

    it("@ponder/client, as a real client uses it, reads the same rows", async function () {
      const client = createClient(`${stack.api}/sql`, { schema });
      const { eq, count } = await import("@ponder/client");
      const rows = await client.db
        .select()
        .from(schema.grant)
        .where(eq(schema.grant.owner, owner as `0x${string}`));
      expect(rows).to.have.length(40);
      expect(rows.filter((r) => r.status === "revoked")).to.have.length(30);
      const [n] = await client.db.select({ n: count() }).from(schema.grantEvent);
      expect(Number(n!.n)).to.equal(
        Number((await sql<{ n: number }>(`select count(*) as n from grant_event`))[0]!.n),
      );
    });

    it("the README's auditor queries answer what the REST API says", async function () {
      const perChain = await sql<{ chain_id: number; status: string; n: number }>(
        `select chain_id, status, count(*) as n from "grant" group by chain_id, status order by chain_id, status`,
      );
      const stats = await stack.get<{ items: { key: string; count: number }[] }>(
        `/v1/stats?by=status&chainId=${stack.chainId}`,
      );
      expect(perChain.map((r) => [r.status, Number(r.n)])).to.deep.equal(
        [...stats.body.items]
          .sort((x, y) => x.key.localeCompare(y.key))
          .map((i) => [i.key, i.count]),
      );
      const head = BigInt((await stack.node.provider.getBlock("latest"))!.timestamp);
      const locked = await sql<{ grant_id: string }>(
        `select grant_id, locked_until from "grant" where grantee = $1 and status = 'active' and locked_until > $2 order by grant_id limit 100`,
        [grantee, head.toString()],
      );
      const retention = await stack.get<{ items: { grantId: string }[] }>(
        `/v1/grantees/${grantee}/retention`,
      );
      expect(locked.map((r) => r.grant_id)).to.deep.equal(
        retention.body.items.map((g) => g.grantId).sort(),
      );
      expect(locked).to.have.length(5);
      const one = locked[0]!.grant_id;
      const history = await sql<{ kind: string }>(
        `select block_number, kind, status from grant_event where grant_id = $1 order by block_number, log_index`,
        [one],
      );
      const rest = await stack.get<{ history: { kind: string }[] }>(
        `/v1/grants/${stack.chainId}/${one}`,
      );
      expect(history.map((h) => h.kind)).to.deep.equal(rest.body.history.map((h) => h.kind));
    });
  };
}

describe("SQL over HTTP against the chain, on PGlite", sqlSuite("pglite"));
describe("SQL over HTTP against the chain, on PostgreSQL", sqlSuite("postgres"));
