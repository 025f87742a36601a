/**
 * How far the indexer has got, per chain, read from Ponder's `_ponder_checkpoint` table every
 * `intervalMs` (one small row per chain) and whenever a request asks for a fresh read (`fresh`). What
 * depends on it: live SQL queries re-run when it advances, readiness compares it with the chain
 * head, block times of indexed blocks come from it, and the response cache (cache.ts) is valid for
 * one `stamp`: the checkpoints with the database's transaction snapshot, which changes with every
 * commit, a reorg's too (Ponder reverts reorged rows without moving the checkpoint; it moves it
 * with the next block, possibly to the same block number and time).
 */

/** Ponder's checkpoint layout (ponder/src/utils/checkpoint.ts): fixed-width decimal fields. */
export const CHECKPOINT_LAYOUT = { blockTimestamp: 10, chainId: 16, blockNumber: 16 } as const;

export interface IndexedHead {
  chainId: number;
  /** The last block whose events are indexed, and its time (unix seconds). */
  block: bigint;
  timestamp: bigint;
}

/** Decodes the block part of a Ponder checkpoint string. */
export function decodeCheckpoint(checkpoint: string): IndexedHead {
  const { blockTimestamp: t, chainId: c, blockNumber: b } = CHECKPOINT_LAYOUT;
  return {
    timestamp: BigInt(checkpoint.slice(0, t)),
    chainId: Number(checkpoint.slice(t, t + c)),
    block: BigInt(checkpoint.slice(t + c, t + c + b)),
  };
}

const STOPPED = "the checkpoint watcher stopped";

export class CheckpointWatcher {
  /** Increases whenever any chain's indexed checkpoint changes (a new block, or a reorg). */
  version = 0;
  readonly heads = new Map<number, IndexedHead>();
  /** Changes with every commit to the database: the checkpoints and the transaction snapshot. */
  stamp = "";
  /** Reads of the table so far (the response cache's cost: one per round of requests). */
  reads = 0;
  /** When the table was last read successfully (ms since the epoch; 0: never). */
  readAt = 0;
  private last = "";
  private reading: Promise<string> | null = null;
  private queued: Promise<string> | null = null;
  private waiters = new Set<() => void>();
  /** Callers of `after`: each is settled by the first read that starts after its call. */
  private awaiting: { resolve: (stamp: string) => void; reject: (error: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** `writes()` when the table was last read (undefined: never, or no such counter). */
  private readWrites: number | undefined;

  constructor(
    /** The checkpoint rows; `snapshot`: `pg_current_snapshot()` as text (absent: no stamp). */
    private readonly read: () => Promise<{ latest_checkpoint?: unknown; snapshot?: unknown }[]>,
    private readonly intervalMs = 250,
    /**
     * On PGlite, a count of the calls that may have changed data, kept in this process (commits.ts):
     * it stands for the snapshot in the stamp, and while it stays the same `fresh` answers from
     * memory.
     */
    private readonly writes?: () => number,
  ) {}

  start(): this {
    const tick = async () => {
      try {
        // A read each tick, written or not: /v1/ready takes its age for the database's liveness.
        await this.shared();
      } catch {
        // The database is busy or not set up yet: try again at the next tick.
      }
      if (this.stopped) return;
      this.timer = setTimeout(tick, this.intervalMs);
      this.timer.unref();
    };
    void tick();
    return this;
  }

  /** Ends the periodic reads; `after` callers waiting, and those to come, are refused. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    const awaiting = this.awaiting;
    this.awaiting = [];
    for (const a of awaiting) a.reject(new Error(STOPPED));
  }

  /**
   * Reads the table once. The `after` callers so far are settled by this read, before its promise
   * is: what they do is done when a `fresh` caller of the same read resumes.
   */
  async poll(): Promise<void> {
    // Counted before the read: a write during it makes the next `fresh` read again.
    const writes = this.writes?.();
    const awaiting = this.awaiting;
    this.awaiting = [];
    let stamp: string;
    try {
      stamp = await this.readStamp(writes);
    } catch (error) {
      for (const a of awaiting) a.reject(error);
      throw error;
    }
    for (const a of awaiting) a.resolve(stamp);
  }

  /** One read of the table: the stamp and the heads from it (`writes`: the count before it). */
  private async readStamp(writes: number | undefined): Promise<string> {
    const rows = await this.read();
    this.reads += 1;
    this.readAt = Date.now();
    this.readWrites = writes;
    const checkpoints = rows.map((r) => String(r.latest_checkpoint)).sort();
    const key = checkpoints.join(",");
    // Without a snapshot (no rows, or a reader that gives none) no two reads share a stamp.
    const snapshot = writes !== undefined ? `writes ${writes}` : rows[0]?.snapshot;
    this.stamp = `${key}|${snapshot === undefined ? `read ${this.reads}` : String(snapshot)}`;
    if (key === this.last) return this.stamp;
    this.last = key;
    this.heads.clear();
    for (const c of checkpoints) {
      const head = decodeCheckpoint(c);
      this.heads.set(head.chainId, head);
    }
    this.version += 1;
    const waiters = [...this.waiters];
    this.waiters.clear();
    waiters.forEach((w) => w());
    return this.stamp;
  }

  /**
   * The stamp as a read that starts after this call would give it: from memory when the write
   * counter says nothing changed since the last read (PGlite), else from such a read.
   */
  fresh(): Promise<string> {
    if (this.unchanged()) return Promise.resolve(this.stamp);
    return this.shared();
  }

  /**
   * The stamp as a read that starts after this call gives it, without asking for a read: from memory
   * as `fresh` when the write counter says nothing changed (PGlite), else from the next read, the
   * periodic one (every `intervalMs`) or one that a `fresh` caller asks for. Rejects when that read
   * fails. For work that may wait: the response cache deciding whether to keep a cold answer, which
   * would otherwise cost a read of the table per round of cold requests.
   */
  after(): Promise<string> {
    if (this.stopped) return Promise.reject(new Error(STOPPED));
    if (this.unchanged()) return Promise.resolve(this.stamp);
    return new Promise((resolve, reject) => this.awaiting.push({ resolve, reject }));
  }

  /** True when the write counter (PGlite) says nothing changed since the last read. */
  private unchanged(): boolean {
    return this.writes !== undefined && this.stamp !== "" && this.writes() === this.readWrites;
  }

  /**
   * The stamp from a read that started after this call. Reads are shared: while one is in flight,
   * every caller waits for the next one, which starts when it ends and serves them all (one small
   * query per round of requests instead of one per request).
   */
  private shared(): Promise<string> {
    if (this.reading === null) {
      this.reading = this.poll()
        .then(() => this.stamp)
        .finally(() => {
          this.reading = null;
        });
      return this.reading;
    }
    this.queued ??= this.reading
      .catch(() => {})
      .then(() => {
        this.queued = null;
        return this.shared();
      });
    return this.queued;
  }

  /** Prometheus text for /metrics (metrics.ts). */
  metrics(): string {
    const name = "grantkit_api_checkpoint_reads_total";
    return `# HELP ${name} Reads of the indexed checkpoints (periodic, and shared by requests to cached routes).\n# TYPE ${name} counter\n${name} ${this.reads}\n`;
  }

  /** Resolves at the next change of any checkpoint, or when `signal` aborts. */
  next(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        this.waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}
