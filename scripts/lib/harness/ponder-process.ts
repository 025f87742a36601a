/**
 * The fault suite's indexer: `ponder start` (./ponder.ts's `startPonder`) as a detached process
 * group, so that SIGKILL of the group is a kill -9 of the indexer, on PGlite or PostgreSQL, with the
 * suite's defaults (30 s a request, a clean stop waits 10 s, every output line kept) and readers of
 * what Ponder logged about a restart.
 */
import { startPonder, type HttpAnswer, type PonderProcess } from "./ponder.js";

export type Database = { kind: "pglite"; dir: string } | { kind: "postgres"; url: string };

export interface IndexerOptions {
  db: Database;
  schema: string;
  recordsDir: string;
  rpcUrl: string;
  /** Ponder's polling interval (default 100 ms). */
  pollingMs?: number;
}

export class Indexer {
  private constructor(private readonly ponder: PonderProcess) {}

  static async start(options: IndexerOptions): Promise<Indexer> {
    const ponder = await startPonder({
      rpcUrl: options.rpcUrl,
      recordsDir: options.recordsDir,
      schema: options.schema,
      keepLines: 5_000,
      env: {
        PONDER_POLLING_INTERVAL_MS: String(options.pollingMs ?? 100),
        PONDER_NETWORKS: undefined,
        PONDER_PGLITE_DIR: options.db.kind === "pglite" ? options.db.dir : undefined,
        DATABASE_URL: options.db.kind === "postgres" ? options.db.url : undefined,
        // The differential check reads every grant_event row, 1,000 a page with their count: more than
        // a public client may ask for in one operation (defaults 500 rows and no table scan).
        GRAPHQL_MAX_ROWS: "1000",
        GRAPHQL_MAX_SCANS: "1",
      },
    });
    return new Indexer(ponder);
  }

  get lines(): string[] {
    return this.ponder.lines;
  }

  alive(): boolean {
    return this.ponder.alive();
  }

  logTail(n = 40): string {
    return this.ponder.logTail(n);
  }

  /** The first log line matching `re`, or null. */
  logged(re: RegExp): string | null {
    return this.ponder.logged(re);
  }

  /** kill -9 of the whole process group (the Node process running Ponder). */
  kill9(): Promise<void> {
    return this.ponder.kill9();
  }

  /** A clean stop (SIGTERM: Ponder unlocks its schema), kill -9 after 10 s. */
  stop(): Promise<void> {
    return this.ponder.stop(10_000);
  }

  get<T = unknown>(pathAndQuery: string, timeoutMs = 30_000): Promise<HttpAnswer<T>> {
    return this.ponder.get<T>(pathAndQuery, timeoutMs);
  }

  graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return this.ponder.graphql<T>(query, variables, 30_000);
  }

  /** Resolves once the HTTP server answers (/health), whatever the readiness. */
  waitHttp(timeoutMs = 120_000): Promise<void> {
    return this.ponder.waitAnswers("/health", timeoutMs, 100);
  }

  /** Waits until /v1/ready is 200 with every chain indexed exactly up to the node's head. */
  async waitCaughtUp(
    node: { head(): Promise<number> },
    timeoutMs = 120_000,
  ): Promise<{ head: number; seconds: number }> {
    const { head, seconds } = await this.ponder.waitCaughtUp(() => node.head(), timeoutMs);
    return { head, seconds };
  }

  /** How many live blocks it logged having indexed. */
  liveBlocks(): number {
    return this.lines.filter((l) => /Indexed block chain=/.test(l)).length;
  }

  /** Seconds a restarted process waited for the killed one's schema lock (Ponder logs it). */
  lockWait(): number {
    const lock = this.logged(/Schema is locked by a different Ponder app/);
    return lock ? Number(/retry_delay=(\d+)/.exec(lock)?.[1] ?? "0") / 1000 : 0;
  }

  /** What a restarted process logged about the dead one: the lock wait and the crash recovery. */
  restartStory(): string {
    const lock = this.logged(/Schema is locked by a different Ponder app/);
    const recovery = this.logged(/Detected crash recovery/);
    const backfill = this.logged(/Started backfill indexing/);
    const range = backfill ? /block_range=(\[[^\]]*\])/.exec(backfill)?.[1] : null;
    return [
      lock
        ? `waited ${this.lockWait().toFixed(1)} s for the killed process's schema lock`
        : "no lock wait",
      recovery ? "logged crash recovery" : "no crash recovery logged",
      range ? `re-indexed blocks ${range}` : "",
    ]
      .filter(Boolean)
      .join(", ");
  }
}
