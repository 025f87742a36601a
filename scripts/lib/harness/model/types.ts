/**
 * The random operation model's vocabulary: what it keeps of each grant and issuer key, of each block
 * it mined and of each transaction it sent; the labels it draws from; the kinds of action a sequence
 * must have done; and the API's derived grant status from the contract's view.
 */
import { GRANT_STATUS } from "../indexer.js";
import { lower } from "./rng.js";

export const HOUR = 3600n;
export const DAY = 24n * HOUR;
/** A time-dependent condition closer than this to the last block's time is left alone. */
export const MARGIN = 600n;

/** A grant's stored status (locked and expired grants are stored as active). */
export type Stored = "active" | "revoked" | "released" | "replaced";

/** What a grant id is the hash of. */
export interface Key {
  owner: string;
  grantee: string;
  dataHash: string;
  purpose: string;
}

export interface GrantModel extends Key {
  id: string;
  status: Stored;
  lockedUntil: bigint;
  expiresAt: bigint;
}

export interface IssuerModel {
  key: string;
  status: "active" | "suspended" | "removed" | "rotated";
  /** A dev account: it can send its own transactions (rotateKey, updateMetadata). */
  controlled: boolean;
  metadataHash: string | null;
  rotatedFrom: string | null;
  rotatedTo: string | null;
}

export interface BlockInfo {
  number: number;
  timestamp: bigint;
  labels: string[];
  issuerChange: boolean;
}

/** One transaction: who sends it, to which contract, and a label for messages. */
export interface Op {
  from: string;
  to: string;
  data: string;
  label: string;
}

/** An owner's call made but not sent: its sender, call data and a label. */
export type OwnerCall = { data: string; owner: string; label: string } | null;

export const JURISDICTIONS = ["CH", "DE", "US", "LI", ""];
export const TYPE_LABELS = ["kyc.basic", "kyc.enhanced", "aml.screening"];
export const NEW_TYPE = "kyc.video";
export const PURPOSE_LABELS = ["onboarding", "aml-check", "marketing", ""];

/** The kinds a sequence must have done at least once (it keeps going until it has). */
export const REQUIRED_KINDS = [
  "grant.plain",
  "grant.locked",
  "grant.expiring",
  "grantBatch",
  "grantBySignature",
  "revoke",
  "revoke.refusedLocked",
  "revokeBatch",
  "release",
  "replace",
  "extendLock",
  "extendExpiry",
  "multicall",
  "tryMulticall",
  "regrant",
  "addIssuer",
  "suspendIssuer",
  "restoreIssuer",
  "setIssuerTypes",
  "rotateKey",
  "invalidateNonces",
  "timeJump",
] as const;

export const DERIVED_STATUSES = ["active", "locked", "expired", "revoked", "released", "replaced"];

/** The API's derived status from the contract's view at a time `now`. */
export function derivedStatus(status: number, lockedUntil: bigint, now: bigint): string {
  const name = GRANT_STATUS[status];
  if (name === "Active") return lockedUntil > now ? "locked" : "active";
  return lower(name ?? "unknown");
}
