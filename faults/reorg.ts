/**
 * Fault case "reorg": anvil_reorg (depth 5, same height) and evm_snapshot/evm_revert (depth 20, a
 * longer new branch) over blocks that created, revoked and re-created grants; state and history must
 * follow the new chain, and grants only on the old branch answer 404 (about 20 s).
 */
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";

import { PURPOSES, grantData, revokeData } from "../scripts/lib/harness/activity.js";
import { computeGrantId } from "../scripts/lib/grants.js";
import type { ApiEvent } from "../scripts/lib/harness/model/api.js";
import { lower, sleep } from "../scripts/lib/harness/model/rng.js";
import type { Key } from "../scripts/lib/harness/model/types.js";
import { differential, type CheckSummary } from "./differential.js";
import { secondsSince, type FaultKit } from "./kit.js";

export function reorgCase(kit: FaultKit): void {
  it("reorg: anvil_reorg depth 5 and snapshot/revert depth 20 replace created, revoked and re-created grants", async function () {
    const w = await kit.world("pglite", "faults_reorg");
    const ix = await kit.startIndexer(w.options);
    await ix.waitCaughtUp(w.anvil, 180_000);
    const [A, B, C, D] = w.act.owners as [string, string, string, string];
    const key = (owner: string, i: number): Key => ({
      owner,
      grantee: w.act.grantees[i % w.act.grantees.length]!,
      dataHash: keccak256(toUtf8Bytes(`reorg-item-${i}`)),
      purpose: PURPOSES[i % PURPOSES.length]!,
    });
    const K = (owner: string, ...ns: number[]) => ns.map((n) => key(owner, n));
    const id = (k: Key) => lower(computeGrantId(k));
    const tx = (from: string, data: string) => w.act.tx({ from, data });
    const send = (from: string, data: string) => w.act.send({ from, data });

    /** Polls the differential check until it passes; returns the seconds it took. */
    const converge = async (t: number): Promise<CheckSummary> => {
      let last: unknown = null;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        try {
          return await differential(ix, w.anvil, [w.deployment]);
        } catch (error) {
          last = error;
          await sleep(100);
        }
      }
      throw new Error(
        `not equal to the chain ${secondsSince(t)} s after the reorg: ${String(last)}`,
      );
    };
    /** Grants that existed only on the replaced branch: 404 and in no list. */
    const gone = async (keys: Key[]) => {
      for (const k of keys) {
        const a = await ix.get(`/v1/grants/${w.anvil.chainId}/${id(k)}`);
        expect(a.status, `grant ${id(k)} of the replaced branch: ${a.text}`).to.equal(404);
      }
    };
    const history = async (k: Key) => {
      const a = await ix.get<{ history: ApiEvent[] }>(`/v1/grants/${w.anvil.chainId}/${id(k)}`);
      return (
        (a.body?.history ?? []).map((e) => `${e.kind}@${e.blockNumber}`).join(" ") ||
        `(${a.status})`
      );
    };

    // --- 1. anvil_reorg: the same height, other transactions.
    await send(A, grantData(K(A, 1, 2, 3, 4, 5, 6))); // stays
    const forkBase = await w.anvil.head();
    await send(A, revokeData(K(A, 1, 2)));
    await send(A, grantData(K(A, 1))); // re-created
    await send(B, grantData(K(B, 7, 8)));
    await send(B, revokeData(K(B, 7)));
    await send(B, grantData(K(B, 7))); // re-created
    const head = await w.anvil.head();
    const oldHash = await w.anvil.blockHash(head);
    let check = await differential(ix, w.anvil, [w.deployment]);
    const before1 = await history(key(A, 1));
    kit.note(
      `before: ${check.grants} grants, ${check.events} rows; blocks ${forkBase + 1}-${head} hold revoke, re-create, create, revoke, re-create`,
    );
    let t = performance.now();
    await w.anvil.rpc("anvil_reorg", [
      head - forkBase,
      [
        [tx(A, revokeData(K(A, 3))), 0],
        [tx(C, grantData(K(C, 9, 10))), 1],
        [tx(C, revokeData(K(C, 9))), 2],
        [tx(C, grantData(K(C, 9))), 3],
      ],
    ]);
    expect(await w.anvil.head()).to.equal(head);
    expect(await w.anvil.blockHash(head)).not.to.equal(oldHash);
    check = await converge(t);
    kit.recovered(`anvil_reorg depth ${head - forkBase} (same height)`, secondsSince(t));
    await gone(K(B, 7, 8));
    kit.note(
      `after: ${check.grants} grants, ${check.events} rows = eth_getLogs; grant A1 history [${before1}] -> [${await history(key(A, 1))}]; B7, B8 (replaced branch only) 404`,
    );

    // --- 2. evm_snapshot / evm_revert: 20 blocks replaced by 22 others (the parent-hash path).
    const snapshot = await w.anvil.rpc<string>("evm_snapshot", []);
    const base2 = await w.anvil.head();
    for (let i = 0; i < 5; i++) await send(D, grantData(K(D, 20 + 2 * i, 21 + 2 * i)));
    for (let i = 0; i < 5; i++) await send(D, revokeData(K(D, 20 + 2 * i)));
    for (let i = 0; i < 5; i++) await send(D, grantData(K(D, 20 + 2 * i)));
    await send(A, revokeData(K(A, 1, 2)));
    await send(C, revokeData(K(C, 10)));
    await w.act.mineEmpty(3);
    const depth = (await w.anvil.head()) - base2;
    check = await differential(ix, w.anvil, [w.deployment]);
    kit.note(
      `old branch: ${depth} blocks after block ${base2}, ${check.grants} grants, ${check.events} rows indexed`,
    );
    expect(await w.anvil.rpc<boolean>("evm_revert", [snapshot])).to.equal(true);
    for (let i = 0; i < 4; i++) await send(B, grantData(K(B, 40 + i)));
    await send(B, revokeData(K(B, 40, 41)));
    await send(B, grantData(K(B, 40)));
    await send(A, revokeData(K(A, 4)));
    await send(A, grantData(K(A, 4)));
    await w.act.mineEmpty(depth + 2 - 8);
    t = performance.now();
    check = await converge(t);
    kit.recovered(
      `snapshot/revert depth ${depth}, new branch of ${depth + 2} blocks (from its last block)`,
      secondsSince(t),
    );
    await gone(K(D, ...Array.from({ length: 10 }, (_, i) => 20 + i)));
    kit.note(
      `after: ${check.grants} grants, ${check.events} rows = eth_getLogs; grant A2 is active again, its history [${await history(key(A, 2))}]; D20-D29 (old branch only) 404`,
    );
    expect(ix.logged(/unrecoverable reorg/i), "no unrecoverable reorg").to.equal(null);
    const r = kit.recoveries();
    kit.summarize(
      `anvil_reorg (depth 5, same height) and evm_snapshot/evm_revert (depth ${depth}, longer new branch) ` +
        `replaced blocks that created, revoked and re-created grants. Grants and their histories ` +
        `(/v1/grants/{chain}/{id}) equalled the new chain's getGrant and eth_getLogs ` +
        `${Object.values(r).join(" s and ")} s later; grants only on the old branch answer 404.`,
    );
  });
}
