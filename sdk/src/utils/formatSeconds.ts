/**
 * Unix seconds as an ISO date (UTC) for messages; `zero` (default "none") for 0, and the raw number
 * past JavaScript's last date (a lock can be any uint64).
 *
 * @example
 * formatSeconds(1767225600n); // "2026-01-01T00:00:00Z"
 * formatSeconds(0n, "never"); // "never"
 */
export function formatSeconds(seconds: bigint | number, zero = "none"): string {
  const s = BigInt(seconds);
  if (s === 0n) return zero;
  if (s < 0n || s > 8_640_000_000_000n) return `${s} (unix seconds)`;
  return new Date(Number(s) * 1000).toISOString().replace(".000Z", "Z");
}
