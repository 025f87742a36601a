/**
 * Checks of the indexer e2e suite: every grant the sequence touched, from the API, against the
 * contract's view (`getGrant`, `isGranted`) at the head and at a sample of past blocks.
 */
import { type ApiGrant } from "../../../scripts/lib/harness/model/api.js";
import {
  grantMismatches,
  pairMismatches,
  type ContractGrant,
} from "../../../scripts/lib/harness/model/grant-checks.js";
import { GRANT_STATUS } from "../../../scripts/lib/harness/indexer.js";
import { Rng, lower, pool } from "../../../scripts/lib/harness/model/rng.js";
import { derivedStatus, type GrantModel } from "../../../scripts/lib/harness/model/types.js";
import type { AccessGrants } from "../../../types/ethers-contracts/index.js";
import { SEED, type SuiteContext } from "./context.js";

/** `getGrant` and `isGranted` of a grant at a block. */
async function readGrant(
  grants: AccessGrants,
  g: GrantModel,
  blockTag: number,
): Promise<Required<ContractGrant>> {
  const c = await grants.getGrant(g.id, { blockTag });
  const isGranted = await grants.isGranted(g.owner, g.grantee, g.dataHash, g.purpose, {
    blockTag,
  });
  return { status: c.status, lockedUntil: c.lockedUntil, expiresAt: c.expiresAt, isGranted };
}

/** Every grant now: the contract's view at the head, the derived status, the last history entry. */
export async function currentGrantMismatches(ctx: SuiteContext): Promise<string[]> {
  const { stack, grants, seq: s, head, headTime } = ctx;
  const mismatches: string[] = [];
  await pool([...s.grantsModel.values()], 8, async (g) => {
    const path = `/v1/grants/${stack.chainId}/${g.id}`;
    const answer = await stack.get<{ grant: ApiGrant; history: ApiGrant[] }>(path);
    if (answer.status !== 200) {
      mismatches.push(`GET ${path}: ${answer.status} ${answer.text}`);
      return;
    }
    const api = answer.body.grant;
    const c = await readGrant(grants, g, head);
    mismatches.push(
      ...grantMismatches(`GET ${path}`, api, c),
      ...pairMismatches(`GET ${path}`, [
        ["owner", api.owner, lower(g.owner)],
        ["grantee", api.grantee, lower(g.grantee)],
        ["dataHash", api.dataHash, g.dataHash],
        ["purpose", api.purpose, g.purpose],
      ]),
    );
    const derived = derivedStatus(Number(c.status), c.lockedUntil, headTime);
    if (api.status !== derived)
      mismatches.push(`GET ${path}: status api=${api.status} expected=${derived}`);
    if (api.locked !== (derived === "locked"))
      mismatches.push(`GET ${path}: locked api=${api.locked} expected=${derived === "locked"}`);
    const last = answer.body.history[answer.body.history.length - 1];
    if (
      !last ||
      last.status !== api.storedStatus ||
      last.lockedUntil !== api.lockedUntil ||
      last.expiresAt !== api.expiresAt
    ) {
      mismatches.push(
        `GET ${path}: last history entry ${JSON.stringify(last)} differs from the grant's stored state`,
      );
    }
  });
  return mismatches;
}

/**
 * Every grant at a sample of past blocks (?block=N) against the contract read at N; nothing before
 * the deployment; and ?timestamp=T answering like ?block=N for N's time T.
 */
export async function pastGrantMismatches(
  ctx: SuiteContext,
): Promise<{ mismatches: string[]; reads: number; blocks: number[] }> {
  const { stack, grants, seq: s, head, deployBlock } = ctx;
  const C = stack.chainId;
  const rng = new Rng(SEED ^ 0x5eed);
  const numbers = new Set<number>([deployBlock, head]);
  while (numbers.size < Math.min(10, s.blocks.length + 1)) numbers.add(rng.pick(s.blocks).number);
  const blocks = [...numbers].sort((a, b) => a - b);
  const ids = [...s.grantsModel.values()];
  const mismatches: string[] = [];
  const jobs = blocks.flatMap((n) => ids.map((g) => ({ n, g })));
  await pool(jobs, 8, async ({ n, g }) => {
    const path = `/v1/grants/${C}/${g.id}/at?block=${n}`;
    const answer = await stack.get<{
      asOf: { block: string | null; timestamp: string };
      grant: ApiGrant | null;
      existed: boolean;
    }>(path);
    if (answer.status !== 200) {
      mismatches.push(`GET ${path}: ${answer.status} ${answer.text}`);
      return;
    }
    const c = await readGrant(grants, g, n);
    const status = GRANT_STATUS[Number(c.status)];
    const { existed, grant: api } = answer.body;
    if (answer.body.asOf.block !== String(n))
      mismatches.push(`GET ${path}: asOf.block ${answer.body.asOf.block}`);
    if (existed !== (status !== "None")) {
      mismatches.push(`GET ${path}: existed api=${existed} contract status=${status}`);
      return;
    }
    if (!existed || !api) return;
    mismatches.push(...grantMismatches(`GET ${path}`, api, c));
  });
  for (const g of ids.slice(0, 10)) {
    const path = `/v1/grants/${C}/${g.id}/at?block=${deployBlock - 1}`;
    const answer = await stack.get<{ existed: boolean }>(path);
    if (answer.status !== 200 || answer.body.existed !== false)
      mismatches.push(`GET ${path}: ${answer.status} ${answer.text}`);
  }
  for (const b of s.blocks.filter((_, i) => i % 4 === 0)) {
    for (const g of ids.slice(0, 12)) {
      const byBlock = await stack.get<{ grant: ApiGrant | null }>(
        `/v1/grants/${C}/${g.id}/at?block=${b.number}`,
      );
      const path = `/v1/grants/${C}/${g.id}/at?timestamp=${b.timestamp}`;
      const byTime = await stack.get<{ grant: ApiGrant | null }>(path);
      if (JSON.stringify(byTime.body.grant) !== JSON.stringify(byBlock.body.grant))
        mismatches.push(`GET ${path}: ${byTime.text} differs from ?block=${b.number}`);
    }
  }
  return { mismatches, reads: jobs.length, blocks };
}
