/**
 * How far the indexer has got, per chain, read from Ponder's `_ponder_checkpoint` table every
 * `intervalMs` (one small row per chain). What depends on it: live SQL queries re-run when it
 * advances, readiness compares it with the chain head, block times of indexed blocks come from it.
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

export class CheckpointWatcher {
  /** Increases whenever any chain's indexed checkpoint changes (a new block, or a reorg). */
  version = 0;
  readonly heads = new Map<number, IndexedHead>();
  /** When the table was last read successfully (ms since the epoch; 0: never). */
  readAt = 0;
  private last = "";
  private waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly read: () => Promise<{ latest_checkpoint?: unknown }[]>,
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    const tick = async () => {
      try {
        await this.poll();
      } catch {
        // The database is busy or not set up yet: try again at the next tick.
      }
      this.timer = setTimeout(tick, this.intervalMs);
      this.timer.unref();
    };
    void tick();
    return this;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  async poll(): Promise<void> {
    const rows = await this.read();
    this.readAt = Date.now();
    const checkpoints = rows.map((r) => String(r.latest_checkpoint)).sort();
    const key = checkpoints.join(",");
    if (key === this.last) return;
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
