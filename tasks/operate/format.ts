/**
 * Output formatting of the operate commands: times as ISO dates, paths relative to the working
 * directory, and any thrown error as its first line. Imports nothing of the other operate modules.
 */
import path from "node:path";

/** Unix seconds as an ISO date (UTC); 0 as `none`. */
export function iso(seconds: bigint | number, zero = "none"): string {
  const s = BigInt(seconds);
  if (s === 0n) return zero;
  if (s > 8_640_000_000_000n) return `${s} (unix seconds)`;
  return new Date(Number(s) * 1000).toISOString().replace(".000Z", "Z");
}

/** A path relative to the working directory, or as is when it lies outside it. */
export function relPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

/** The first line of an error's message (ethers' shortMessage when it has one). */
export function shortMessage(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string };
  return (e.shortMessage ?? e.message ?? String(error)).split("\n")[0]!;
}
