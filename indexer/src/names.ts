/**
 * The contracts' enum names as the indexer stores and serves them: the SDK's tables (by on-chain
 * value, the one copy; sdk/src/constants.ts) in snake_case, e.g. `KeyRotatedFrom` -> `key_rotated_from`.
 */
import { grantStatuses, issuerActions, issuerStatuses } from "../../sdk/src/constants.js";

type SnakeTail<S extends string> = S extends `${infer C}${infer R}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeTail<R>}`
  : "";
/** `KeyRotatedFrom` -> `key_rotated_from`, at the type level. */
export type Snake<S extends string> = S extends `${infer C}${infer R}`
  ? `${Lowercase<C>}${SnakeTail<R>}`
  : S;
type SnakeAll<T extends readonly string[]> = { -readonly [K in keyof T]: Snake<T[K]> };

const snake = <S extends string>(name: S) =>
  name.replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase() as Snake<S>;
const snakeAll = <T extends readonly string[]>(names: T) => names.map(snake) as SnakeAll<T>;

/** `IIssuerRegistry.IssuerStatus` by on-chain value: `none`, `active`, `suspended`, `removed`, `rotated`. */
export const ISSUER_STATUSES = snakeAll(issuerStatuses);

/** The statuses an issuer row stores: the contract's without `none` (a key with a record has one). */
export const [, ...STORED_ISSUER_STATUSES] = ISSUER_STATUSES;
export type StoredIssuerStatus = (typeof STORED_ISSUER_STATUSES)[number];

/** `IIssuerRegistry.IssuerAction` by on-chain value (the `action` of `IssuerUpdated`): `added`, ... */
export const ISSUER_ACTIONS = snakeAll(issuerActions);

/** `IAccessGrants.GrantStatus` by on-chain value: `none`, `active`, `revoked`, `released`, `replaced`, `expired`. */
const GRANT_STATUS_NAMES = snakeAll(grantStatuses);
const [, ACTIVE, REVOKED, RELEASED, REPLACED, EXPIRED] = GRANT_STATUS_NAMES;

/**
 * The statuses a grant row stores: the contract's without `none` (no row) and `expired` (derived at
 * read time, as `locked` is).
 */
export const STORED_GRANT_STATUSES = [ACTIVE, REVOKED, RELEASED, REPLACED] as const;
export type StoredGrantStatus = (typeof STORED_GRANT_STATUSES)[number];

/** What a reader sees at a time: the stored statuses, with `locked` and `expired` derived. */
export const GRANT_STATUSES = [ACTIVE, "locked", REVOKED, EXPIRED, RELEASED, REPLACED] as const;

/**
 * What a grant history row records (`grant_event.kind`): `replaced` is the old grant's side of a
 * replacement, `replacement` the new grant's.
 */
export const GRANT_CHANGES = [
  "created",
  "revoked",
  "released",
  "lock_extended",
  "expiry_extended",
  "replaced",
  "replacement",
] as const;
export type GrantChange = (typeof GRANT_CHANGES)[number];

/** What an issuer history row records: an `IssuerUpdated` action, or one of the two events with a row of their own. */
export const ISSUER_CHANGES = [...ISSUER_ACTIONS, "metadata_updated", "key_rotated"] as const;
export type IssuerChange = (typeof ISSUER_CHANGES)[number];

/**
 * The name of an on-chain enum value, for a row. A value the table does not hold (a contract newer
 * than this indexer) stops indexing with what to do, instead of storing a name no reader knows.
 */
export function nameOf<const T extends readonly string[]>(
  names: T,
  value: number,
  what: string,
): T[number] {
  const name = names[value];
  if (name === undefined)
    throw new Error(
      `${what} ${value} has no name in indexer/src/names.ts: the contract is newer than this indexer; update the SDK's tables (sdk/src/constants.ts) and re-index`,
    );
  return name;
}
