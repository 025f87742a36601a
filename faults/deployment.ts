/**
 * Fault case "new deployment record": a second AccessGrants (another CreateX salt) on the same chain
 * with a record of its own, many grant ids equal to the first's; the indexer is restarted and must
 * index both, told apart by contract address (about 40 s).
 */
import { expect } from "chai";

import { Activity } from "../scripts/lib/harness/activity.js";
import { computeGrantId } from "../scripts/lib/grants.js";
import { deployToNode } from "../scripts/lib/harness/indexer.js";
import type { ApiGrant } from "../scripts/lib/harness/model/api.js";
import { lower } from "../scripts/lib/harness/model/rng.js";
import { waitFor } from "../scripts/lib/processes.js";
import { differential, type Deployment } from "./differential.js";
import { secondsSince, type FaultKit } from "./kit.js";

export function deploymentCase(kit: FaultKit): void {
  it("new deployment record: a second AccessGrants on the same chain, restart, both indexed by contract", async function () {
    const w = await kit.world("pglite", "faults_deploy");
    const { options } = w;
    for (let i = 0; i < 4; i++) await w.act.grant(50);
    await w.act.revoke(30);
    await w.act.regrant(10);
    let ix = await kit.startIndexer(options);
    let check = await differential(ix, w.anvil, [w.deployment]);
    kit.note(`v1 ${w.deployment.contract}: ${check.grants} grants, ${check.events} rows indexed`);

    // The second deployment: another salt, so other addresses; a record of its own in the same folder.
    const v2 = await deployToNode(w.anvil.url, w.recordsDir, {
      recordName: "localhost-v2",
      saltLabel: "grantkit.faults.v2",
    });
    const v2Deployment: Deployment = {
      contract: v2.contracts.AccessGrants!.address,
      fromBlock: v2.contracts.AccessGrants!.blockNumber,
    };
    expect(lower(v2Deployment.contract)).not.to.equal(lower(w.deployment.contract));
    // Same owners, grantees, items and purposes as v1's first grants: the same grant ids in both.
    const act2 = new Activity(w.anvil, v2Deployment.contract, w.accounts, "v1");
    await act2.grant(40);
    await act2.revoke(15);
    await act2.grant(20);
    const v1Ids = new Set([...w.act.active, ...w.act.revoked].map((k) => computeGrantId(k)));
    const both = [...act2.active, ...act2.revoked].filter((k) => v1Ids.has(computeGrantId(k)));
    kit.note(
      `v2 ${v2Deployment.contract} deployed at block ${v2Deployment.fromBlock} (record localhost-v2.json): 60 grants, ${both.length} of them with ids v1 has too`,
    );

    // Restart on the same database and schema: Ponder refuses a changed configuration there.
    await ix.stop();
    let t = performance.now();
    ix = await kit.startIndexer(options);
    await waitFor("the restarted indexer to exit or to be ready", 120_000, async () => {
      if (!ix.alive()) return true;
      try {
        return (await ix.get("/v1/ready", 2_000)).status === 200;
      } catch {
        return false;
      }
    });
    const refused = ix.logged(/previously used by a different Ponder app/);
    let sameSchema = "Restart on the same schema: accepted.";
    if (!ix.alive()) {
      sameSchema =
        'Restart on the same schema: Ponder exits at once ("previously used by a different Ponder app"): the new record changes the build id.';
      expect(
        refused,
        `why the restart on schema ${options.schema} exited:\n${ix.logTail()}`,
      ).not.to.equal(null);
      kit.note(
        `restart on the same schema: Ponder exits at once (${secondsSince(t)} s): "${/Schema "[^"]+" was previously used by a different Ponder app/.exec(refused!)?.[0]}"; nothing is served from a half-updated schema`,
      );
      // The documented way: a new schema in the same database (the RPC cache is reused).
      t = performance.now();
      ix = await kit.startIndexer({ ...options, schema: "faults_deploy_2" });
    } else {
      kit.note("restart on the same schema: accepted");
    }
    await ix.waitCaughtUp(w.anvil, 180_000);
    const seconds = secondsSince(t);
    check = await differential(ix, w.anvil, [w.deployment, v2Deployment]);
    kit.recovered("restart with the new record (new schema, same database)", seconds);
    kit.note(
      `both: ${check.grants} grants, ${check.events} rows; each equal to its contract, listed by ?contract=`,
    );

    // A grant id both contracts have: ambiguous without ?contract=, and each side right with it.
    const shared = act2.active.find((k) =>
      w.act.active.some((a) => lower(computeGrantId(a)) === lower(computeGrantId(k))),
    );
    expect(shared, "a grant id in both deployments").to.not.equal(undefined);
    const sharedId = computeGrantId(shared!);
    const ambiguous = await ix.get<{ error: string }>(`/v1/grants/${w.anvil.chainId}/${sharedId}`);
    expect(ambiguous.status, ambiguous.text).to.equal(409);
    for (const d of [w.deployment, v2Deployment]) {
      const a = await ix.get<{ grant: ApiGrant }>(
        `/v1/grants/${w.anvil.chainId}/${sharedId}?contract=${lower(d.contract)}`,
      );
      expect(a.status, a.text).to.equal(200);
      expect(lower(a.body.grant.contract)).to.equal(lower(d.contract));
    }
    kit.note(
      `grant ${sharedId.slice(0, 10)}… in both: 409 without ?contract=, 200 from each contract with it`,
    );

    // Live on both after the restart.
    await w.act.grant(5);
    await act2.revoke(5);
    check = await differential(ix, w.anvil, [w.deployment, v2Deployment]);
    kit.note(`live on both: ${check.grants} grants, ${check.events} rows`);
    kit.summarize(
      `${sameSchema} On a new schema in the same database both deployments were indexed ` +
        `(${seconds} s to caught up), each equal to its contract; ?contract= separates them and a ` +
        `grant id both have answers 409 without it.`,
    );
  });
}
