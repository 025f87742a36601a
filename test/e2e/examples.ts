/**
 * The SDK's examples (examples/*.ts) run as a user runs them, against the local stack: a real
 * JSON-RPC node, the contracts deployed, the indexer on PGlite. Each example is a separate Node
 * process (Node's own type stripping, no loader) importing `@grantkit/sdk` through the workspace
 * link, i.e. the built package (sdk/dist, built first here). The test checks exit codes, what each
 * prints, and the chain afterwards, read through the contracts (ethers), not through the SDK.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { keccak256, toBeHex, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { ROOT } from "../../scripts/lib/deployment.js";
import { grantStatuses } from "../../sdk/src/constants.js";
import {
  buildAccessRequest,
  serializeAccessRequest,
  signAccessRequest,
} from "../../sdk/src/index.js";
import type { AccessGrants } from "../../types/ethers-contracts/index.js";
import { startIndexerStack, type IndexerStack } from "../../scripts/lib/harness/indexer.js";

/** Hardhat's dev accounts the examples use by default. */
const USER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"; // #2: owner / signing user
const DAPP = "0xdD2FD4581271e230360230F9337D5c0430Bf44C0"; // #18: dApp, grantee
const RELAYER = "0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199"; // #19: relayer, stranger
const DAY = 86_400n;
/** Their keys (Hardhat's public development keys). */
const GRANTEE_KEY: Hex = "0xde9be858da4a475276426320d5e9262ecfc3ba460bfac56360bfa6c4c28b4ee0";
const STRANGER_KEY: Hex = "0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runExample(file: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, FORCE_COLOR: "0" };
    // As a user runs it: no loader of the test runner's.
    delete childEnv.NODE_OPTIONS;
    const child = spawn(process.execPath, [path.join(ROOT, "examples", file)], {
      cwd: ROOT,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      if (process.env.SHOW_EXAMPLES) console.log(`--- ${file}\n${stdout}${stderr}`);
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

const shown = (r: Run) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

describe("examples/ against the local stack (node, deploy, indexer on PGlite)", function () {
  this.timeout(240_000);
  let stack: IndexerStack;
  let work: string;
  let env: Record<string, string>;
  let connection: Awaited<ReturnType<typeof network.create>>;
  let grants: AccessGrants;
  /** The auditor's grantee (account #16) and every grant seeded for it or near it. */
  let auditee = "";
  const seeded: { owner: string; grantee: string; dataHash: string; purpose: string }[] = [];

  const grantState = async (id: string) => {
    const g = await grants.getGrant(id);
    return {
      status: grantStatuses[Number(g.status)],
      lockedUntil: g.lockedUntil,
      expiresAt: g.expiresAt,
    };
  };

  before(async function () {
    // The examples import the built package (node_modules/@grantkit/sdk -> sdk, exports -> dist/):
    // built while the stack comes up.
    const t = performance.now();
    const build = new Promise<number>((resolve, reject) => {
      const child = spawn("npm", ["run", "build", "-w", "sdk"], { cwd: ROOT, stdio: "ignore" });
      child.on("close", (code) =>
        code === 0
          ? resolve(Math.round((performance.now() - t) / 100) / 10)
          : reject(new Error(`npm run build -w sdk exited ${code}`)),
      );
    });
    const [built, up] = await Promise.allSettled([build, startIndexerStack("pglite")]);
    if (up.status === "rejected") throw up.reason;
    stack = up.value; // stopped by after(), also when the build failed
    if (built.status === "rejected") throw built.reason;
    if (process.env.SHOW_EXAMPLES)
      console.log(`      sdk build ${built.value} s, stack ${JSON.stringify(stack.timings)} s`);
    work = mkdtempSync(path.join(tmpdir(), "grantkit-examples-"));
    const record = path.join(work, "localhost.json");
    writeFileSync(record, JSON.stringify(stack.record));
    env = {
      RPC_URL: stack.node.url,
      INDEXER_URL: stack.api,
      DEPLOYMENT_RECORD: record,
      CHAIN_ID: String(stack.chainId),
    };
    connection = await network.create({ network: "localhost", override: { url: stack.node.url } });
    const signers = await connection.ethers.getSigners();
    grants = await connection.ethers.getContractAt(
      "AccessGrants",
      stack.record.contracts.AccessGrants!.address,
    );

    // The auditor's data: owners #5 and #6 grant #16; three locks in force, one grant without a
    // lock, one lock the grantee released, and a lock for another grantee (#17).
    const [a, b, auditeeSigner, other] = [signers[5]!, signers[6]!, signers[16]!, signers[17]!];
    auditee = auditeeSigner.address;
    const now = BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
    const item = (n: number, grantee: string, lockDays: bigint, expiryDays = 0n) => ({
      grantee,
      dataHash: keccak256(toBeHex(90_000 + n, 32)),
      purpose: keccak256(toUtf8Bytes(n % 2 ? "aml.monitoring" : "onboarding")),
      lockedUntil: lockDays === 0n ? 0n : now + lockDays * DAY,
      expiresAt: expiryDays === 0n ? 0n : now + expiryDays * DAY,
    });
    const fromA = [item(1, auditee, 10n), item(2, auditee, 20n, 400n), item(3, auditee, 0n)];
    const fromB = [item(4, auditee, 30n), item(5, auditee, 40n), item(6, other.address, 50n)];
    await (await grants.connect(a).grantBatch(fromA)).wait();
    await (await grants.connect(b).grantBatch(fromB)).wait();
    await (
      await grants.connect(auditeeSigner).release(b.address, fromB[1]!.dataHash, fromB[1]!.purpose)
    ).wait();
    for (const [owner, list] of [
      [a.address, fromA],
      [b.address, fromB],
    ] as const)
      for (const g of list)
        seeded.push({ owner, grantee: g.grantee, dataHash: g.dataHash, purpose: g.purpose });
  });

  after(async function () {
    await connection?.close();
    await stack?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("dapp-check: serves the user who granted the dApp access, refuses another purpose and after the revoke", async function () {
    const r = await runExample("dapp-check.ts", env);
    expect(r.code, shown(r)).to.equal(0);
    expect(r.stdout).to.match(/^SERVE  purpose "onboarding": grant active, expires /m);
    expect(r.stdout).to.match(/^REFUSE purpose "marketing": no active grant \(status None\)/m);
    expect(r.stdout).to.match(
      /^REFUSE purpose "onboarding" after the revoke: no active grant \(status Revoked\)/m,
    );
    const id = /granted (0x[0-9a-f]{64})/.exec(r.stdout)?.[1];
    expect(id, r.stdout).to.be.a("string");
    expect(await grants.isGranted(USER, DAPP, ...(await keyOf(id!)))).to.equal(false);
    expect((await grantState(id!)).status).to.equal("Revoked");
  });

  /** The data hash and purpose of a grant, from its GrantCreated event (the id alone hides them). */
  async function keyOf(grantId: string): Promise<[string, string]> {
    const logs = await grants.queryFilter(grants.filters.GrantCreated(grantId));
    const args = logs[0]!.args as unknown as { dataHash: string; purpose: string };
    return [args.dataHash, args.purpose];
  }

  it("wallet-relay: the relayer's two batches leave A revoked and B extended, its revoke refused alone", async function () {
    const r = await runExample("wallet-relay.ts", env);
    expect(r.code, shown(r)).to.equal(0);
    expect(r.stdout).to.match(/\[0\] Grant\s+ok/);
    expect(r.stdout).to.match(/\[1\] Grant\s+ok/);
    expect(r.stdout).to.match(/\[0\] ExtendExpiry\s+ok/);
    expect(r.stdout).to.match(/\[1\] Revoke\s+ok/);
    expect(r.stdout).to.match(/\[2\] Revoke\s+refused: AccessGrantsLocked/);
    // Both batches were sent and paid for by the relayer, to AccessGrants.
    const txs = [...r.stdout.matchAll(/in tx (0x[0-9a-f]{64})/g)].map((m) => m[1]!);
    expect(txs).to.have.length(2);
    for (const hash of txs) {
      const tx = await connection.ethers.provider.getTransaction(hash);
      expect(tx!.from).to.equal(RELAYER);
      expect(tx!.to).to.equal(stack.record.contracts.AccessGrants!.address);
    }
    const a = /grant A (0x[0-9a-f]{64})/.exec(r.stdout)![1]!;
    const b = /grant B (0x[0-9a-f]{64})/.exec(r.stdout)![1]!;
    expect((await grantState(a)).status).to.equal("Revoked");
    const stateB = await grantState(b);
    expect(stateB.status).to.equal("Active");
    expect(stateB.lockedUntil > 0n).to.equal(true);
    expect(stateB.expiresAt - stateB.lockedUntil).to.equal(700n * DAY);
    const [dataHash, purpose] = await keyOf(b);
    expect(await grants.isGranted(USER, DAPP, dataHash, purpose)).to.equal(true);
  });

  for (const source of ["chain", "indexer"] as const) {
    it(`data-server (${source}): serves the grantee; refuses a replay, another signer, a non-grantee, an expired request and a revoked grant`, async function () {
      const r = await runExample("data-server.ts", { ...env, ACCESS_SOURCE: source });
      expect(r.code, shown(r)).to.equal(0);
      const lines = r.stdout.split("\n");
      const answer = (label: string) => lines.find((l) => l.slice(4).startsWith(label)) ?? "";
      expect(answer("grantee "), r.stdout).to.match(
        source === "chain"
          ? /^200 .*blob of \d+ bytes \(grant active at block \d+\)/
          : /^200 .*indexed block \d+/,
      );
      expect(answer("grantee, replayed")).to.match(/^401 .*Replayed:/);
      expect(answer("signed by someone else")).to.match(/^401 .*BadSignature:/);
      expect(answer("non-grantee")).to.match(/^403 .*NotGranted:/);
      expect(answer("expired request")).to.match(/^401 .*Expired:/);
      expect(answer("malformed request")).to.match(/^400 .*InvalidParameterError:/);
      expect(answer("grantee, after the revoke")).to.match(/^403 .*NotGranted:/);
      // On-chain: the grant the grantee was served under is revoked now.
      const dataHash = /access to (0x[0-9a-f]{64})/.exec(r.stdout)![1]!;
      const purpose = keccak256(toUtf8Bytes("kyc-review"));
      const id = await grants.computeGrantId(USER, DAPP, dataHash, purpose);
      expect((await grantState(id)).status).to.equal("Revoked");
    });
  }

  it("data-server --serve: answers this test's own access requests, the grantee's with the blob, a non-grantee's with a 403 JSON error", async function () {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.NODE_OPTIONS;
    const child = spawn(
      process.execPath,
      [path.join(ROOT, "examples", "data-server.ts"), "--serve"],
      {
        cwd: ROOT,
        env: childEnv,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on("close", (code) => resolve(code)),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "serving" line in 60 s:\n${out}`)),
          60_000,
        );
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("serving until")) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on("close", (code) => reject(new Error(`data-server exited ${code}:\n${out}`)));
      });
      const base = /data server on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      const dataHash = /access to (0x[0-9a-f]{64})/.exec(out)![1]! as Hex;
      const purpose = /purpose (0x[0-9a-f]{64})/.exec(out)![1]! as Hex;
      const ask = async (key: Hex) => {
        const signer = privateKeyToAccount(key);
        const request = buildAccessRequest({
          chainId: stack.chainId,
          accessGrants: stack.record.contracts.AccessGrants!.address as Hex,
          grantee: signer.address,
          owner: USER,
          dataHash,
          purpose,
          audience: "https://vault.example",
        });
        const signed = await signAccessRequest({ request, signer });
        const res = await fetch(`${base}/blobs/${dataHash}`, {
          headers: { "x-grantkit-access": JSON.stringify(serializeAccessRequest(signed)) },
        });
        return {
          status: res.status,
          type: res.headers.get("content-type"),
          body: (await res.json()) as Record<string, string>,
        };
      };
      const served = await ask(GRANTEE_KEY);
      expect(served.status, JSON.stringify(served.body)).to.equal(200);
      expect(served.body.grantId).to.equal(
        await grants.computeGrantId(USER, DAPP, dataHash, purpose),
      );
      expect(Buffer.from(served.body.blob!, "base64").length).to.be.greaterThan(28); // iv + tag + text
      expect(await grants.isGranted(USER, DAPP, dataHash, purpose)).to.equal(true);
      const refused = await ask(STRANGER_KEY);
      expect(refused.status).to.equal(403);
      expect(refused.type).to.match(/^application\/json/);
      expect(refused.body.error).to.equal("NotGranted");
      expect(await grants.isGranted(USER, RELAYER, dataHash, purpose)).to.equal(false);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).to.equal(0);
  });

  it("auditor-retention: the CSV rows are the grantee's locks in force on-chain", async function () {
    await stack.waitCaughtUp();
    const r = await runExample("auditor-retention.ts", { ...env, GRANTEE_ADDRESS: auditee });
    expect(r.code, shown(r)).to.equal(0);
    const [header, ...rows] = r.stdout.trim().split("\n");
    expect(header).to.equal(
      "chainId,contract,grantId,owner,dataHash,purpose,lockedUntil,unlocksAt,expiresAt,status",
    );
    const csv = rows
      .map((l) => l.split(","))
      .map((c) => ({
        grantId: c[2]!,
        owner: c[3]!,
        lockedUntil: BigInt(c[6]!),
        unlocksAt: c[7]!,
        status: c[9]!,
      }));
    // The chain's answer: every seeded grant to the auditee that is active with a lock in force.
    const now = BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
    const expected = [];
    for (const s of seeded) {
      if (s.grantee !== auditee) continue;
      const id = await grants.computeGrantId(s.owner, s.grantee, s.dataHash, s.purpose);
      const g = await grantState(id);
      if (g.status === "Active" && g.lockedUntil > now)
        expected.push({ grantId: id, owner: s.owner.toLowerCase(), lockedUntil: g.lockedUntil });
    }
    expect(expected).to.have.length(3); // 10, 20 and 30 days; not the unlocked one nor the released one
    const byId = (x: { grantId: string }, y: { grantId: string }) =>
      x.grantId.localeCompare(y.grantId);
    expect(
      csv.map(({ grantId, owner, lockedUntil }) => ({ grantId, owner, lockedUntil })).sort(byId),
    ).to.deep.equal(expected.sort(byId));
    for (const row of csv) {
      expect(row.status).to.equal("locked");
      expect(Date.parse(row.unlocksAt) / 1000).to.equal(Number(row.lockedUntil));
    }
    expect(r.stderr).to.match(/3 locked grants retained by/);
  });

  it("auditor-retention: exits 1 with a message when the indexer cannot be reached", async function () {
    const r = await runExample("auditor-retention.ts", {
      ...env,
      INDEXER_URL: "http://127.0.0.1:1",
    });
    expect(r.code, shown(r)).to.equal(1);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.match(/^auditor-retention failed: /m);
  });
});
