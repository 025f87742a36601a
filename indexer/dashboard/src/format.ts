/** Formatting shared by every page: times in UTC, hashes shortened, jurisdictions decoded. */

/** JavaScript's last date, in unix seconds (a lock or expiry can be any uint64). */
const MAX_DATE_SECONDS = 8_640_000_000_000n;

/** Unix seconds as "2026-03-01 12:00:00 UTC" ("—" past JavaScript's last date). */
export function formatTime(seconds: bigint | number): string {
  const s = BigInt(seconds);
  if (s > MAX_DATE_SECONDS) return "—";
  return new Date(Number(s) * 1000).toISOString().replace("T", " ").replace(".000Z", " UTC");
}

/** A lock or expiry: 0 means none. */
export function formatDeadline(seconds: bigint, none: string): string {
  return seconds === 0n ? none : formatTime(seconds);
}

/** "0x1234…cdef" for display; the full value stays in the title and in links. */
export function shortHex(value: string, keep = 6): string {
  return value.length <= 2 + keep * 2 ? value : `${value.slice(0, 2 + keep)}…${value.slice(-keep)}`;
}

/** bytes2 jurisdiction code as hex (0x4445) to its letters ("DE"); "—" when unset. */
export function jurisdiction(hex: string): string {
  if (/^[A-Z]{2}$/.test(hex)) return hex;
  if (!/^0x[0-9a-fA-F]{4}$/.test(hex) || hex === "0x0000") return "—";
  const letters = String.fromCharCode(parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16));
  return /^[A-Z]{2}$/.test(letters) ? letters : hex;
}

/** A UTC date-time typed as "YYYY-MM-DDTHH:MM[:SS]" (input type=datetime-local, read as UTC) to unix seconds. */
export function parseUtc(value: string): bigint | null {
  const ms = Date.parse(/Z$/.test(value) ? value : `${value}Z`);
  return Number.isFinite(ms) ? BigInt(Math.floor(ms / 1000)) : null;
}

/** Unix seconds as the value of an input type=datetime-local (UTC, to the second). */
export function toUtcInput(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
}

export const number = new Intl.NumberFormat("en-US");
