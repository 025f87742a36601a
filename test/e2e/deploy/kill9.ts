/**
 * `grantkit deploy` killed with SIGKILL while its transactions are pending: the next run resumes
 * from the Ignition journal and creates each contract exactly once.
 */
import { existsSync, readFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import path from "node:path";

import { expect } from "chai";

import { ensureCreateX } from "../../../scripts/lib/deployment.js";
import { kill9, runHardhat } from "../../../scripts/lib/harness/node.js";
import { checkRecord, checkRegistryState, createXTransactions } from "./checks.js";
import {
  DEPLOY,
  JOURNALS,
  blockNumber,
  describeDeploy,
  expectSuccess,
  output,
  readRecord,
  recordFiles,
  recordsDir,
  trackedNodes,
} from "./support.js";

describeDeploy("kill -9 half-way", function () {
  const nodes = trackedNodes("each");

  it("resumes: the next run completes and creates each contract exactly once", async function () {
    const node = await nodes.start();
    const dir = recordsDir();
    const { provider } = node;
    const genesis = (await provider.getBlock(0))!.hash!;
    const journal = path.join(
      JOURNALS,
      `grantkit-localhost-31337-${genesis.slice(2, 10)}`,
      "journal.jsonl",
    );

    // CreateX first, with the toolkit's own helper: its install waits for a receipt, which would
    // never come with automine off. Then every transaction of the deploy stays pending.
    expect(await ensureCreateX(provider)).to.equal("installed");
    await provider.send("evm_setAutomine", [false]);
    const start = await blockNumber(node);

    let child: ChildProcess | undefined;
    const run = runHardhat(DEPLOY, { url: node.url, recordsDir: dir }, (c) => (child = c));
    let exited = false;
    void run.then(() => (exited = true));
    let pending = 0;
    const deadline = Date.now() + 60_000;
    while (pending === 0) {
      if (exited) throw new Error(`deploy exited before sending:\n${output(await run)}`);
      if (Date.now() > deadline) throw new Error("no pending transaction within 60 s");
      await new Promise((r) => setTimeout(r, 50));
      const block = (await provider.send("eth_getBlockByNumber", ["pending", false])) as {
        transactions: string[];
      };
      pending = block.transactions.length;
    }
    kill9(child!);
    const killed = await run;
    expect(killed.code).to.not.equal(0);
    const pendingAfterKill = (
      (await provider.send("eth_getBlockByNumber", ["pending", false])) as {
        transactions: string[];
      }
    ).transactions.length;
    const sent = existsSync(journal)
      ? readFileSync(journal, "utf8")
          .split("\n")
          .filter((l) => l.includes('"TRANSACTION_SEND"')).length
      : 0;
    console.log(
      `      (killed with ${pendingAfterKill} pending transaction(s), ${sent} TRANSACTION_SEND in the journal)`,
    );
    expect(recordFiles(dir), "a killed deploy writes no record").to.deep.equal([]);
    expect(await blockNumber(node)).to.equal(start);

    await provider.send("evm_mine", []);
    await provider.send("evm_setAutomine", [true]);

    const r = await runHardhat(DEPLOY, { url: node.url, recordsDir: dir });
    expectSuccess(r);
    console.log(
      `      (resumed: ${/^deployed .*$/m.exec(r.stdout)?.[0] ?? "nothing new to deploy"})`,
    );
    const record = readRecord(dir);
    await checkRecord(provider, record, 31337); // includes: exactly one creation per address
    await checkRegistryState(provider, record.contracts.IssuerRegistry!.address);
    const txs = await createXTransactions(provider);
    expect(
      txs.filter((t) => t.status !== 1),
      "no failed (e.g. duplicate) CreateX call",
    ).to.deep.equal([]);
    expect(txs).to.have.length(2);

    // And it is idempotent afterwards.
    const before = await blockNumber(node);
    const again = await runHardhat(DEPLOY, { url: node.url, recordsDir: dir });
    expectSuccess(again);
    expect(again.stdout).to.contain("nothing new to deploy");
    expect(await blockNumber(node)).to.equal(before);
  });
});
