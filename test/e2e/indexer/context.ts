/**
 * What the checks of the indexer e2e suite (test/e2e/indexer.ts) share: the seed and the left-out
 * action kinds from the environment, the suite's state once the random sequence has run, and the
 * assertion that a list of mismatches is empty.
 */
import { expect } from "chai";

import type { DatabaseKind, IndexerStack } from "../../../scripts/lib/harness/indexer.js";
import type { Sequence } from "../../../scripts/lib/harness/model/sequence.js";
import type { AccessGrants, IssuerRegistry } from "../../../types/ethers-contracts/index.js";

export const SEED = Number(process.env.INDEXER_E2E_SEED ?? 20261125);
/** Action kinds to leave out (comma-separated, e.g. "updateMetadata"), to isolate a failure. */
export const SKIP: ReadonlySet<string> = new Set(
  (process.env.INDEXER_E2E_SKIP ?? "").split(",").filter(Boolean),
);

/** The suite's state after the random sequence ran and the indexer caught up with it. */
export interface SuiteContext {
  db: DatabaseKind;
  stack: IndexerStack;
  grants: AccessGrants;
  registry: IssuerRegistry;
  seq: Sequence;
  /** The last block of the sequence, and its time. */
  head: number;
  headTime: bigint;
  /** The first block of the deployment. */
  deployBlock: number;
}

export function expectNoMismatch(mismatches: string[], what: string): void {
  if (mismatches.length === 0) return;
  const shown = mismatches.slice(0, 40).join("\n");
  expect.fail(
    `${mismatches.length} ${what} mismatch(es):\n${shown}${mismatches.length > 40 ? "\n…" : ""}`,
  );
}
