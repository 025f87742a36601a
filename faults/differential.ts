/**
 * The fault suite's end check, "API state equals contract state for every grant", built from the
 * harness's shared checks (scripts/lib/harness/model/grant-checks.ts): the e2e suite compares the same
 * things with the same functions.
 */
import { expect } from "chai";

import type { Anvil } from "../scripts/lib/harness/anvil.js";
import {
  allPages,
  graphqlRows,
  type ApiEvent,
  type ApiGrant,
} from "../scripts/lib/harness/model/api.js";
import {
  GRANTS_IFACE,
  eventTag,
  grantMismatches,
  historyFromLogs,
  type ContractGrant,
} from "../scripts/lib/harness/model/grant-checks.js";
import { lower, pool, push } from "../scripts/lib/harness/model/rng.js";
import type { Indexer } from "../scripts/lib/harness/ponder-process.js";
import { computeGrantId } from "../scripts/lib/grants.js";
import { AccessGrants__factory } from "../types/ethers-contracts/index.js";

export interface Deployment {
  contract: string;
  fromBlock: number;
}

export interface CheckSummary {
  head: number;
  grants: number;
  events: number;
  restDetail: number;
}

export function fail(problems: string[], what: string): void {
  if (problems.length === 0) return;
  expect.fail(
    `${problems.length} ${what} mismatch(es):\n${problems.slice(0, 30).join("\n")}${problems.length > 30 ? "\n…" : ""}`,
  );
}

/** getGrant of every grant at `head`, 250 per eth_call (AccessGrants is Multicall). */
async function readGrants(
  anvil: Anvil,
  contract: string,
  ids: string[],
  head: number,
): Promise<Map<string, ContractGrant>> {
  const grants = AccessGrants__factory.connect(contract, anvil.provider);
  const states = new Map<string, ContractGrant>();
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += 250) chunks.push(ids.slice(i, i + 250));
  await pool(chunks, 4, async (chunk) => {
    const calls = chunk.map((id) => GRANTS_IFACE.encodeFunctionData("getGrant", [id]));
    const results = await grants.multicall.staticCall(calls, { blockTag: head });
    chunk.forEach((id, i) => {
      const [state] = GRANTS_IFACE.decodeFunctionResult("getGrant", results[i]!);
      states.set(id, {
        status: BigInt(state.status),
        lockedUntil: BigInt(state.lockedUntil),
        expiresAt: BigInt(state.expiresAt),
      });
    });
  });
  return states;
}

/** The ids in `a` that `b` lacks, the first five, or "-". */
const firstMissing = (a: string[], b: string[]) =>
  a
    .filter((x) => !b.includes(x))
    .slice(0, 5)
    .join(",") || "-";

/**
 * "API state equals contract state for every grant": waits until the indexer is at the head, then for
 * each deployment compares
 * - the grant_event rows (GraphQL, all of them, and their count) with the contract's event logs
 *   (eth_getLogs): nothing lost, nothing doubled, nothing left over from a replaced block;
 * - the REST grant list (`/v1/grants?contract=`) with the set of grant ids the logs name, and every
 *   listed grant with the contract's `getGrant` at the head (and its key with its id);
 * - `/v1/grants/{chainId}/{grantId}?contract=` (grant and history) for every grant when there are at
 *   most `restLimit`, else for a sample of that size.
 */
export async function differential(
  ix: Indexer,
  anvil: Anvil,
  deployments: Deployment[],
  restLimit = 400,
): Promise<CheckSummary> {
  const { head } = await ix.waitCaughtUp(anvil);
  const summary: CheckSummary = { head, grants: 0, events: 0, restDetail: 0 };
  for (const d of deployments) {
    const contract = lower(d.contract);
    const logs = await anvil.provider.getLogs({
      address: d.contract,
      fromBlock: d.fromBlock,
      toBlock: head,
    });
    const expected = historyFromLogs(logs, d.contract);
    const problems: string[] = [];

    // grant_event rows, all of them.
    const { rows: events, totalCount: total } = await graphqlRows<ApiEvent>(
      (query, variables) => ix.graphql(query, variables),
      "grantEvents",
      "id grantId kind blockNumber logIndex txHash",
      {
        limit: 1000,
        where: "{ contract: $c }",
        declare: "$c: String!",
        variables: { c: contract },
        count: true,
      },
    );
    if (total !== expected.rows || events.length !== expected.rows)
      problems.push(
        `${contract}: ${total} grant_event rows (${events.length} read), the logs imply ${expected.rows}`,
      );
    const got = new Map<string, string[]>();
    for (const e of events) push(got, lower(e.grantId), eventTag(e));
    for (const id of new Set([...got.keys(), ...expected.byGrant.keys()])) {
      const a = [...(got.get(id) ?? [])].sort().join(" ");
      const b = [...(expected.byGrant.get(id) ?? [])].sort().join(" ");
      if (a !== b) problems.push(`${contract} grant ${id}: grant_event rows [${a}], logs [${b}]`);
    }
    fail(problems, "grant_event");

    // The REST list: every grant the logs name, each equal to the contract's view.
    const listed = await allPages<ApiGrant>(
      (p) => ix.get(p),
      `/v1/grants?contract=${contract}&chainId=${anvil.chainId}`,
      100,
      problems,
      Infinity,
    );
    fail(problems, "grant list");
    const ids = listed.map((g) => lower(g.grantId));
    if (new Set(ids).size !== ids.length)
      problems.push(`${contract}: duplicate grants in the list`);
    const want = [...expected.byGrant.keys()].sort();
    const have = [...new Set(ids)].sort();
    if (want.join() !== have.join())
      problems.push(
        `${contract}: the API lists ${have.length} grants, the logs name ${want.length}: ` +
          `missing ${firstMissing(want, have)}, extra ${firstMissing(have, want)}`,
      );
    const states = await readGrants(
      anvil,
      d.contract,
      listed.map((g) => g.grantId),
      head,
    );
    for (const g of listed) {
      if (lower(g.contract) !== contract) problems.push(`${g.grantId}: contract ${g.contract}`);
      problems.push(...grantMismatches(g.grantId, g, states.get(g.grantId)!));
      if (lower(computeGrantId(g)) !== lower(g.grantId))
        problems.push(`${g.grantId}: owner/grantee/dataHash/purpose do not hash to the id`);
    }
    fail(problems, "grant");

    // The per-grant route: the grant and its history.
    let detail = listed;
    if (detail.length > restLimit) {
      const step = detail.length / restLimit;
      detail = Array.from({ length: restLimit }, (_, i) => listed[Math.floor(i * step)]!);
    }
    await pool(detail, 16, async (g) => {
      const p = `/v1/grants/${anvil.chainId}/${g.grantId}?contract=${contract}`;
      const a = await ix.get<{ grant: ApiGrant; history: ApiEvent[] }>(p);
      if (a.status !== 200) {
        problems.push(`GET ${p}: ${a.status} ${a.text.slice(0, 200)}`);
        return;
      }
      const h = a.body.history.map(eventTag);
      const w = expected.byGrant.get(lower(g.grantId)) ?? [];
      if (h.join(" ") !== w.join(" "))
        problems.push(`GET ${p}: history [${h.join(" ")}], logs [${w.join(" ")}]`);
      if (a.body.grant.status !== g.status)
        problems.push(`GET ${p}: status ${a.body.grant.status}, list ${g.status}`);
    });
    fail(problems, "grant detail");
    summary.grants += listed.length;
    summary.events += events.length;
    summary.restDetail += detail.length;
  }
  return summary;
}
