/**
 * Time, always in bigint unix seconds, as the contracts count it (`block.timestamp`). Nothing here
 * takes milliseconds: {@link toSeconds} converts a `Date`, and {@link assertSeconds} refuses values
 * that look like `Date.now()` milliseconds.
 */
import { maxUint64, type GrantStatus } from "../constants.js";
import { InvalidParameterError } from "../errors/base.js";

/** What the time helpers read of a grant (getGrant's answer fits). */
export type GrantTimes = {
  status: GrantStatus;
  /** Unix seconds; 0n: no lock. */
  lockedUntil: bigint;
  /** Unix seconds; 0n: never expires. */
  expiresAt: bigint;
};

/** Seconds from which a value is taken for milliseconds (the year 33658 in seconds). */
const MILLISECONDS_FROM = 10n ** 12n;

/**
 * Refuses a time that is not bigint unix seconds within `max` (default uint64), and values that
 * look like milliseconds (at least 10^12, except "forever": `max` itself, or uint64's maximum, which
 * tools use for "no deadline" in a wider field too).
 *
 * @example
 * assertSeconds("lockedUntil", lockedUntil);
 */
export function assertSeconds(parameter: string, value: unknown, max: bigint = maxUint64): bigint {
  if (typeof value !== "bigint") {
    throw new InvalidParameterError(
      parameter,
      `must be bigint unix seconds, got ${typeof value} ${String(value)}`,
      "pass seconds as a bigint, e.g. toSeconds(new Date('2030-01-01')) or 1893456000n",
    );
  }
  if (value < 0n || value > max) {
    throw new InvalidParameterError(
      parameter,
      `${value} is out of range 0..${max}`,
      "pass unix seconds",
    );
  }
  if (value >= MILLISECONDS_FROM && value !== max && value !== maxUint64) {
    throw new InvalidParameterError(
      parameter,
      `${value} looks like milliseconds`,
      "pass unix seconds: toSeconds(date) or BigInt(Math.floor(Date.now() / 1000))",
    );
  }
  return value;
}

/**
 * A `Date` (or the current time) as bigint unix seconds, rounded down.
 *
 * @example
 * toSeconds(new Date("2030-01-01T00:00:00Z")); // 1893456000n
 */
export function toSeconds(date: Date = new Date()): bigint {
  // A Date of any realm (an iframe's, jsdom's, a vm context's), not only this one's.
  const isDate = Object.prototype.toString.call(date) === "[object Date]";
  const ms = isDate ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidParameterError(
      "date",
      `${String(date)} is not a valid Date`,
      "pass a Date with a time, e.g. new Date('2030-01-01T00:00:00Z')",
    );
  }
  return BigInt(Math.floor(ms / 1000));
}

/**
 * A signature deadline `seconds` after `now` (default: this machine's clock; pass the chain's block
 * time when it matters). The contract accepts a request while `block.timestamp <= deadline`.
 *
 * @example
 * const deadline = deadlineAfter(3600n); // one hour from now
 */
export function deadlineAfter(seconds: bigint, now: bigint = toSeconds()): bigint {
  return now + assertSeconds("seconds", seconds);
}

const storedActive = (status: GrantStatus) => status === "Active" || status === "Expired";

/**
 * True when the grant is active at `at`: stored active and not expired then (the contract's
 * `isGranted` at a block with that timestamp).
 *
 * @example
 * isActive(await getGrant(client, { grantId }), toSeconds());
 */
export function isActive(grant: GrantTimes, at: bigint): boolean {
  return storedActive(grant.status) && (grant.expiresAt === 0n || at < grant.expiresAt);
}

/**
 * True when the owner can revoke the grant at `at`: active, and its lock over (`at >= lockedUntil`).
 *
 * @example
 * if (!canRevoke(grant, now)) console.log(`revocable from ${unlocksAt(grant)}`);
 */
export function canRevoke(grant: GrantTimes, at: bigint): boolean {
  return isActive(grant, at) && at >= grant.lockedUntil;
}

/**
 * True when the grantee can release the grant at `at`: whenever it is active (a grantee may waive
 * its own lock).
 *
 * @example
 * canRelease(grant, now);
 */
export function canRelease(grant: GrantTimes, at: bigint): boolean {
  return isActive(grant, at);
}

/**
 * When the owner may revoke: the lock's end in unix seconds, or `null` when the grant has no lock.
 *
 * @example
 * unlocksAt({ status: "Active", lockedUntil: 1893456000n, expiresAt: 0n }); // 1893456000n
 */
export function unlocksAt(grant: GrantTimes): bigint | null {
  return grant.lockedUntil === 0n ? null : grant.lockedUntil;
}
