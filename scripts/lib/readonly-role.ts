/**
 * A read-only PostgreSQL role for `ponder serve` replicas (docs/scale-out.md, "A read-only role"): it
 * logs in, reads the schemas it is given (their tables and views, those that exist and those the
 * writer creates there later), and can change nothing in them. A replica that is broken into, or a
 * bug in a read route, then cannot change the indexed state that every other server answers from.
 * `npm run start:scale` and test/e2e/replicas.ts run their replicas as such a role.
 *
 * On PostgreSQL 15 and later, PUBLIC (so the role) may not create anything in schema `public`; on an
 * older server run `REVOKE CREATE ON SCHEMA public FROM PUBLIC` once. Like every role, it may still
 * make temporary tables and send notifications: neither touches the indexed schema.
 */
import pg from "pg";

import { ident } from "./views.js";

/**
 * What a role administrator runs once: `role` logs in (add `PASSWORD '…'` where the server asks for
 * one), and its transactions are read-only unless it asks otherwise.
 */
export function readerRoleStatements(role: string): string[] {
  return [
    `CREATE ROLE ${ident(role)} LOGIN`,
    `ALTER ROLE ${ident(role)} SET default_transaction_read_only = on`,
  ];
}

/**
 * What `writer` (the indexer's role, which owns `schemas`, and the role `npm run switch-views` runs
 * as) runs once the indexer has created them: `role` may read them, tables and views made there
 * later included. Idempotent.
 */
export function readerGrantStatements(role: string, schemas: string[], writer: string): string[] {
  return schemas.flatMap((schema) => [
    `GRANT USAGE ON SCHEMA ${ident(schema)} TO ${ident(role)}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${ident(schema)} TO ${ident(role)}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(writer)} IN SCHEMA ${ident(schema)} ` +
      `GRANT SELECT ON TABLES TO ${ident(role)}`,
  ]);
}

/**
 * Makes `role` (created if missing) a reader of `schemas` on the database of `databaseUrl`, whose
 * user is the writer and may create roles (the local cluster's superuser), and resolves with the
 * same URL for `role`, without a password (a trusted local cluster, as `startPostgres`'s).
 */
export async function grantReadonly(
  databaseUrl: string,
  role: string,
  schemas: string[],
): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
    if (exists.rowCount === 0)
      for (const statement of readerRoleStatements(role)) await client.query(statement);
    const writer = (await client.query<{ u: string }>("SELECT current_user AS u")).rows[0]!.u;
    for (const statement of readerGrantStatements(role, schemas, writer))
      await client.query(statement);
  } finally {
    await client.end();
  }
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = "";
  return url.toString();
}
