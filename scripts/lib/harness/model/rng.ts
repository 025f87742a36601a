/**
 * Small tools of the random operation model and its checks: a seeded PRNG (so a failing sequence can
 * be replayed), a bounded-concurrency `pool`, and bigint/address helpers.
 */
import { getAddress } from "ethers";

/** mulberry32: a tiny seeded PRNG, so a failing sequence can be replayed. */
export class Rng {
  private state: number;
  /** `skip`: keys that `weighted` never draws (e.g. action kinds left out to isolate a failure). */
  constructor(
    seed: number,
    private readonly skip: ReadonlySet<string> = new Set(),
  ) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  big(lo: bigint, hi: bigint): bigint {
    return lo + BigInt(Math.floor(this.next() * Number(hi - lo + 1n)));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)]!;
  }
  bytes32(): string {
    let hex = "0x";
    for (let i = 0; i < 8; i++)
      hex += Math.floor(this.next() * 2 ** 32)
        .toString(16)
        .padStart(8, "0");
    return hex;
  }
  address(): string {
    return getAddress("0x" + this.bytes32().slice(26));
  }
  /** A key drawn by weight; keys in `skip` weigh nothing. */
  weighted<T extends string>(weights: Record<T, number>): T {
    const entries = (Object.entries(weights) as [T, number][]).map(([k, w]): [T, number] => [
      k,
      this.skip.has(k) ? 0 : w,
    ]);
    let r = this.next() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1]![0];
  }
}

/** Runs `fn` over `items`, at most `width` at a time. */
export async function pool<T>(
  items: T[],
  width: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export const max = (a: bigint, b: bigint) => (a > b ? a : b);
export const lower = (s: string) => s.toLowerCase();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends `value` to the list under `key`, creating it. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  (map.get(key) ?? map.set(key, []).get(key)!).push(value);
}
