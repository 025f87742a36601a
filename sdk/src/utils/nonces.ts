import { InvalidParameterError } from "../errors/base.js";

const MAX_UINT256 = 2n ** 256n - 1n;

/**
 * The `(wordPos, mask)` pairs that `invalidateNonces` takes to cancel `nonces` (unordered,
 * Permit2-style: nonce `n` is bit `n & 255` of word `n >> 8`), one pair per word, in word order.
 *
 * @example
 * noncesToBitmaps([5n, 7n, 300n]); // [{ wordPos: 0n, mask: 0xa0n }, { wordPos: 1n, mask: 1n << 44n }]
 */
export function noncesToBitmaps(nonces: readonly bigint[]): { wordPos: bigint; mask: bigint }[] {
  const words = new Map<bigint, bigint>();
  for (const nonce of nonces) {
    if (typeof nonce !== "bigint" || nonce < 0n || nonce > MAX_UINT256) {
      throw new InvalidParameterError(
        "nonce",
        `${String(nonce)} is not a uint256`,
        "pass bigint nonces",
      );
    }
    const wordPos = nonce >> 8n;
    words.set(wordPos, (words.get(wordPos) ?? 0n) | (1n << (nonce & 0xffn)));
  }
  return [...words.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([wordPos, mask]) => ({ wordPos, mask }));
}
