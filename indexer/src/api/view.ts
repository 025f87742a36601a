/**
 * What a grant looks like to a user at a point in time: the stored status with "expired" and
 * "locked" derived from the time, and the SQL for the same derivation, so lists filter exactly as
 * single answers present.
 */
import { grant, type grantEvent } from "ponder:schema";
import { and, eq, gt, lte, or } from "ponder";
import type { z } from "zod";

import { plain } from "./http.js";
import type { grantStatus } from "./validation.js";

/** A SQL condition (drizzle). */
export type SQL = NonNullable<ReturnType<typeof and>>;

export type GrantRow = typeof grant.$inferSelect;
export type GrantEventRow = typeof grantEvent.$inferSelect;

/** The status a user sees at time `now`: stored status, with "expired" and "locked" derived. */
export function effectiveStatus(
  g: Pick<GrantRow, "status" | "lockedUntil" | "expiresAt">,
  now: bigint,
): string {
  if (g.status !== "active") return g.status;
  if (g.expiresAt !== 0n && g.expiresAt <= now) return "expired";
  return g.lockedUntil > now ? "locked" : "active";
}

/** A grant (or a history row) as a user sees it at time `now`, ready to write (`plain`). */
export function present(g: GrantRow | GrantEventRow, now: bigint) {
  const status = effectiveStatus(g, now);
  return {
    ...plain(g),
    status,
    storedStatus: g.status,
    isGranted: status === "active" || status === "locked",
    locked: status === "locked",
  };
}

/** SQL for a derived status at `now` (one chain). */
export function statusCondition(status: z.output<typeof grantStatus>, now: bigint): SQL {
  const notExpired = or(eq(grant.expiresAt, 0n), gt(grant.expiresAt, now))!;
  switch (status) {
    case "active":
      return and(eq(grant.status, "active"), notExpired, lte(grant.lockedUntil, now))!;
    case "locked":
      return and(eq(grant.status, "active"), notExpired, gt(grant.lockedUntil, now))!;
    case "expired":
      return and(eq(grant.status, "active"), gt(grant.expiresAt, 0n), lte(grant.expiresAt, now))!;
    default:
      return eq(grant.status, status);
  }
}

/** A derived status on each chain (each has its own "now"), as one condition. */
export function statusOnChains(
  status: z.output<typeof grantStatus>,
  nows: ReadonlyMap<number, bigint>,
): SQL {
  return or(
    ...[...nows].map(([chain, now]) =>
      and(eq(grant.chainId, chain), statusCondition(status, now))!,
    ),
  )!;
}
