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

/** `IIssuerRegistry.IssuerAction` by on-chain value (the `action` of `IssuerUpdated`): `added`, ... */
export const ISSUER_ACTIONS = snakeAll(issuerActions);

/**
 * The statuses a grant row stores: `IAccessGrants.GrantStatus`'s names (snake_case) without `none`
 * (no row) and `expired` (derived at read time, as `locked` is). Checked against the SDK's table by
 * type: a name the contract does not have fails to compile.
 */
export const STORED_GRANT_STATUSES = [
  "active",
  "revoked",
  "released",
  "replaced",
] as const satisfies readonly Snake<(typeof grantStatuses)[number]>[];
export type StoredGrantStatus = (typeof STORED_GRANT_STATUSES)[number];

/** What a reader sees: the stored statuses, `active` split into `locked` and `expired` at a time. */
export const GRANT_STATUSES = [
  "active",
  "locked",
  "revoked",
  "expired",
  "released",
  "replaced",
] as const satisfies readonly (StoredGrantStatus | "locked" | "expired")[];
