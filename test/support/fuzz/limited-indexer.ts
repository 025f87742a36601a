/**
 * The fuzz suite's second indexer: `ponder start` on the same chain with the rate limit on, for the
 * rate-limit test.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { IndexerStack } from "../../../scripts/lib/harness/indexer.js";
import { startPonder } from "../../../scripts/lib/harness/ponder.js";

export interface SmallIndexer {
  api: string;
  port: number;
  stop(): Promise<void>;
  logTail(): string;
}

/**
 * A second `ponder start` against the stack's chain with API_RATE_LIMIT/API_RATE_BURST set (the
 * harness always turns the limit off). Its own PGlite folder and records folder; resolves once
 * Ponder's /health answers (not rate-limited).
 */
export async function startLimitedIndexer(
  stack: IndexerStack,
  rate: number,
  burst: number,
): Promise<SmallIndexer> {
  const work = mkdtempSync(path.join(tmpdir(), "grantkit-fuzz-rl-"));
  writeFileSync(path.join(work, `${stack.record.network}.json`), JSON.stringify(stack.record));
  const ponder = await startPonder({
    rpcUrl: stack.node.url,
    recordsDir: work,
    schema: `fuzz_rl_${process.pid}`,
    keepLines: 500,
    env: {
      // One copy of the URL (not the harness's four) and slower polling: a light second indexer.
      PONDER_RPC_URL_31337: stack.node.url,
      PONDER_NETWORKS: stack.record.network,
      PONDER_POLLING_INTERVAL_MS: "500",
      PONDER_PGLITE_DIR: path.join(work, "pglite"),
      API_RATE_LIMIT: String(rate),
      API_RATE_BURST: String(burst),
    },
  });
  const stop = async () => {
    await ponder.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await ponder.waitAnswers("/health", 90_000, 200);
  } catch (error) {
    await stop();
    throw new Error(`the rate-limited indexer did not start: ${String(error)}`);
  }
  const { api, port } = ponder;
  return { api, port, stop, logTail: () => ponder.logTail(30) };
}
