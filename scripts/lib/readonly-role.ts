/**
 * A read-only PostgreSQL role for `ponder serve` replicas (docs/scale-out.md, "A read-only role"): it
 * logs in, reads the schemas it is given (their tables and views, those that exist and those the
 * writer creates there later), and can do nothing else. A replica that is broken into, or a bug in
 * a read route, then cannot change the indexed state that every other server answers from.
 * `npm run start:scale` and test/e2e/replicas.ts run their replicas as such a role.
 */
import pg from "pg";

/** `"name"` with its quotes doubled: a PostgreSQL identifier. */
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The statements that make `role` (created if missing, without a password: add one where the server
 * asks for it) a reader of `schemas`, which `writer` (the indexer's role) owns. Run them as the
 * writer or a superuser, after the indexer has created the schemas. Idempotent.
 */
export function readonlyRoleStatements(role: string, schemas: string[], writer: string): string[] {
  const r = ident(role);
  return [
    // CREATE ROLE has no IF NOT EXISTS: the check and the creation in one statement.
    `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(role)}) THEN ` +
      `CREATE ROLE ${r} LOGIN; END IF; END $$`,
    // Whatever else a reader might be given by default: it writes nowhere.
    `ALTER ROLE ${r} SET default_transaction_read_only = on`,
    `REVOKE CREATE ON SCHEMA public FROM ${r}`,
    ...schemas.flatMap((schema) => [
      `GRANT USAGE ON SCHEMA ${ident(schema)} TO ${r}`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA ${ident(schema)} TO ${r}`,
      // Tables and views the writer makes there later (a views switch re-creates views).
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(writer)} IN SCHEMA ${ident(schema)} ` +
        `GRANT SELECT ON TABLES TO ${r}`,
    ]),
  ];
}

/** `'text'` with its quotes doubled: a PostgreSQL string literal. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Makes `role` a reader of `schemas` on the database of `databaseUrl` (its user is the writer) and
 * resolves with the same URL for `role`, without a password (a trusted local cluster, as
 * `startPostgres`'s).
 */
export async function grantReadonly(
  databaseUrl: string,
  role: string,
  schemas: string[],
): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const writer = (await client.query<{ u: string }>("SELECT current_user AS u")).rows[0]!.u;
    for (const statement of readonlyRoleStatements(role, schemas, writer))
      await client.query(statement);
  } finally {
    await client.end();
  }
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = "";
  return url.toString();
}
