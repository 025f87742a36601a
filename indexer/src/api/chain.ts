/**
 * The chain as the API needs it: the head (its time is "now" for derived statuses) and the time of
 * a past block (for point-in-time reads). Read through the API's own RPC client, so that requests
 * never spend the indexer's RPC budget, and cached:
 *
 * - the head, refreshed every HEAD_TTL_MS in the background (one request in flight per chain,
 *   concurrent callers share it), and after an RPC failure the last known head (indexed data stays
 *   readable during an outage);
 * - a block's time from the indexed events of that block when there are any (no RPC at all), else
 *   from the RPC, remembered once the block is final (FINALITY blocks behind the indexed head);
 *   a block past the indexed head is "not indexed yet" without asking anyone.
 */
import type { db as ponderDb } from "ponder:api";
import { grantEvent, issuerEvent } from "ponder:schema";
import { and, eq } from "ponder";
import { createPublicClient, http, type PublicClient } from "viem";

import { rpcFor } from "../../rpc.js";
import type { CheckpointWatcher } from "./checkpoint.js";
import { HttpError } from "./errors.js";

/** How long a request waits for the RPC before answering from what it knows. */
const RPC_TIMEOUT_MS = 1_500;
const HEAD_TTL_MS = 1_000;
/** Blocks behind the indexed head after which a block's time is cached for good. */
const FINALITY = 64;
const BLOCK_CACHE_SIZE = 10_000;

/** Unix seconds as an ISO date in UTC, for messages; "out of range" past what a Date can hold. */
function iso(seconds: bigint): string {
  const date = new Date(Number(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? "out of range" : date.toISOString().replace(".000Z", "Z");
}

export interface Head {
  number: bigint;
  time: bigint;
  /** When it was read (ms since the epoch). */
  at: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The time of an indexed event in a block, from our own tables (no RPC call for such blocks). */
export function indexedBlockTime(db: typeof ponderDb) {
  return async (chain: number, number: bigint): Promise<bigint | null> => {
    for (const t of [grantEvent, issuerEvent]) {
      const [row] = await db
        .select({ time: t.blockTime })
        .from(t)
        .where(and(eq(t.blockNumber, number), eq(t.chainId, chain)))
        .limit(1);
      if (row) return row.time;
    }
    return null;
  };
}

export class ChainClock {
  private readonly clients = new Map<number, PublicClient>();
  private readonly heads = new Map<number, Head>();
  private readonly pending = new Map<number, Promise<Head>>();
  private readonly blockTimes = new Map<string, bigint>();

  constructor(
    chainIds: number[],
    private readonly watcher: CheckpointWatcher,
    /** The time of an indexed event in block `number` of `chain`, if any (our own tables). */
    private readonly indexedBlockTime: (chain: number, number: bigint) => Promise<bigint | null>,
  ) {
    for (const id of chainIds)
      this.clients.set(id, createPublicClient({ transport: http(rpcFor(id)[0]) }) as PublicClient);
  }

  /** Keeps every chain's head fresh in the background, so that readiness answers from memory. */
  start(): this {
    const tick = () => {
      for (const chain of this.chains) this.refresh(chain).catch(() => {});
    };
    tick();
    // Twice per time to live: a request finds the head fresh without waiting for the RPC.
    setInterval(tick, HEAD_TTL_MS / 2).unref();
    return this;
  }

  get chains(): number[] {
    return [...this.clients.keys()];
  }

  /**
   * `chain`'s RPC client, or 404 when the chain is not indexed here: a `chainId` filter that names
   * no indexed chain is a 404 saying so, not an empty answer that reads as "no grants".
   */
  requireChain(chain: number): PublicClient {
    const c = this.clients.get(chain);
    if (!c)
      throw new HttpError(
        404,
        `chain ${chain} is not indexed (indexed: ${this.chains.join(", ")})`,
      );
    return c;
  }

  /** The same for an optional `chainId` filter (none: every chain). */
  requireChainFilter(chain: number | undefined): void {
    if (chain !== undefined) this.requireChain(chain);
  }

  /**
   * 404 when `time` is after the indexed head's time on `chain`: what stood then is not known yet
   * (a later block may change it), as `blockTime` answers for a block past the indexed head.
   */
  requireIndexedTime(chain: number, time: bigint): void {
    this.requireChain(chain);
    const indexed = this.watcher.heads.get(chain);
    if (indexed !== undefined && time > indexed.timestamp)
      throw new HttpError(
        404,
        `time ${time} (${iso(time)}) on chain ${chain} is not indexed yet: indexed to block ${indexed.block}, at ${indexed.timestamp} (${iso(indexed.timestamp)}); ask for a time up to that one, or again once later blocks are indexed`,
      );
  }

  private refresh(chain: number): Promise<Head> {
    let p = this.pending.get(chain);
    if (p) return p;
    const c = this.requireChain(chain);
    p = withTimeout(c.getBlock({ blockTag: "latest" }), RPC_TIMEOUT_MS)
      .then((b) => {
        const head = { number: b.number, time: b.timestamp, at: Date.now() };
        this.heads.set(chain, head);
        return head;
      })
      .finally(() => this.pending.delete(chain));
    this.pending.set(chain, p);
    return p;
  }

  /**
   * The head, at most HEAD_TTL_MS old and never behind the indexed block (an answer is judged at a
   * time no earlier than the data it reads); the last known one while the RPC does not answer.
   */
  async head(chain: number): Promise<Head> {
    const cached = this.heads.get(chain);
    this.requireChain(chain);
    const indexed = this.watcher.heads.get(chain);
    const behind = cached !== undefined && indexed !== undefined && indexed.block > cached.number;
    if (cached && !behind && Date.now() - cached.at < HEAD_TTL_MS) return cached;
    try {
      return await this.refresh(chain);
    } catch {
      if (cached && behind)
        return { number: indexed!.block, time: indexed!.timestamp, at: cached.at };
      if (cached) return cached;
      throw new HttpError(503, `chain ${chain}'s RPC does not answer; try again shortly`);
    }
  }

  /** The last known head at once (refreshed in the background when stale), or null. */
  lastHead(chain: number): Head | null {
    const cached = this.heads.get(chain) ?? null;
    if (!cached || Date.now() - cached.at >= HEAD_TTL_MS) this.refresh(chain).catch(() => {});
    return cached;
  }

  /** "Now" on each of `chains`: the heads' times. */
  async nows(chains: number[]): Promise<Map<number, bigint>> {
    const heads = await Promise.all(chains.map((chain) => this.head(chain)));
    return new Map(chains.map((chain, i) => [chain, heads[i]!.time]));
  }

  /** "Now" on every chain as one string (part of what a cached answer is valid for). */
  async nowStamp(): Promise<string> {
    const nows = await this.nows(this.chains);
    return this.chains.map((chain) => `${chain}:${nows.get(chain)}`).join(",");
  }

  /**
   * The same from what is known at this moment, without asking the RPC: the response cache checks
   * that "now" did not move while an answer was computed.
   */
  knownNowStamp(): string {
    return this.chains.map((chain) => `${chain}:${this.heads.get(chain)?.time}`).join(",");
  }

  /**
   * Whether "now" is known on every chain as `nows` would answer it at once: every head read less
   * than HEAD_TTL_MS ago and not behind its indexed block.
   */
  knowsNow(): boolean {
    const at = Date.now();
    return this.chains.every((chain) => {
      const head = this.heads.get(chain);
      const indexed = this.watcher.heads.get(chain);
      return (
        head !== undefined &&
        at - head.at < HEAD_TTL_MS &&
        (indexed === undefined || indexed.block <= head.number)
      );
    });
  }

  /** The time of block `number` of `chain`, or 404 when it is not indexed yet. */
  async blockTime(chain: number, number: bigint): Promise<bigint> {
    const c = this.requireChain(chain);
    const indexed = this.watcher.heads.get(chain)?.block;
    if (indexed !== undefined && number > indexed)
      throw new HttpError(
        404,
        `block ${number} of chain ${chain} is not indexed yet (indexed to ${indexed})`,
      );
    const key = `${chain}:${number}`;
    const cached = this.blockTimes.get(key);
    if (cached !== undefined) return cached;
    const time =
      (await this.indexedBlockTime(chain, number)) ??
      (await withTimeout(c.getBlock({ blockNumber: number }), RPC_TIMEOUT_MS).then(
        (b) => b.timestamp,
        () => {
          throw new HttpError(
            503,
            `chain ${chain}'s RPC did not answer for block ${number}; try again shortly`,
          );
        },
      ));
    if (indexed !== undefined && number + BigInt(FINALITY) <= indexed) {
      if (this.blockTimes.size >= BLOCK_CACHE_SIZE)
        this.blockTimes.delete(this.blockTimes.keys().next().value!);
      this.blockTimes.set(key, time);
    }
    return time;
  }
}
