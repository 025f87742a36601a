/**
 * The privacy check of the indexer's database: every stored value is an address, a hash, a number, a
 * boolean, an enum, a jurisdiction code or an id built from those, and none is a secret the model
 * kept (a salt or a data id). Reads the tables over SQL (PostgreSQL) or GraphQL (any database).
 */
import { createRequire } from "node:module";

import { graphqlRows, type Graphql } from "./api.js";
import { lower } from "./rng.js";

/** Rows per table. */
export type Dump = Map<string, Record<string, unknown>[]>;

const ENUMS = new Set([
  // grant statuses (stored)
  "active",
  "revoked",
  "released",
  "replaced",
  // grant event kinds
  "created",
  "lock_extended",
  "expiry_extended",
  "replacement",
  // issuer statuses and actions
  "none",
  "suspended",
  "removed",
  "rotated",
  "added",
  "restored",
  "types_set",
  "validity_set",
  "jurisdiction_set",
  "key_rotated_from",
  "key_rotated_to",
  "key_rotated",
  "metadata_updated",
]);

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const INTEGER = /^-?[0-9]+$/;

function idPartOk(part: string): boolean {
  return (
    INTEGER.test(part) || ADDRESS.test(part) || HASH.test(part) || ["old", "new"].includes(part)
  );
}

/** Why a stored value is not an address, hash, number, boolean, enum, jurisdiction code or id; or null. */
export function classify(column: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return null;
  if (typeof value === "number") return Number.isFinite(value) ? null : "a non-finite number";
  if (typeof value === "bigint") return null;
  if (typeof value !== "string") return `a ${typeof value}`;
  if (INTEGER.test(value) || ADDRESS.test(value) || HASH.test(value)) return null;
  if (ENUMS.has(value)) return null;
  if (/jurisdiction/i.test(column) && /^([A-Z]{2})?$/.test(value)) return null;
  // A failed batch item's revert data: one of our custom errors (a selector and ABI words of ids,
  // addresses and numbers), or nothing.
  if (column === "reason" && /^0x([0-9a-fA-F]{8}([0-9a-fA-F]{64})*)?$/.test(value)) return null;
  if (value.includes("-") && value.split("-").every(idPartOk)) return null;
  return "not an address, hash, number, boolean, enum, jurisdiction code or id";
}

/** Every stored value that is not of an allowed kind, or that is one of `secrets` (lower case). */
export function privacyViolations(dump: Dump, secrets: Set<string>): string[] {
  const found: string[] = [];
  for (const [table, rows] of dump) {
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        const why = classify(column, value);
        if (why) found.push(`${table}.${column} = ${JSON.stringify(value)}: ${why}`);
        if (typeof value === "string" && secrets.has(lower(value)))
          found.push(`${table}.${column} holds a salt or data id: ${value}`);
      }
    }
  }
  return found;
}

interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

/** Every row of every table of the schema, over SQL (node `pg`, a dependency of Ponder). */
export async function dumpPostgres(databaseUrl: string, schema: string): Promise<Dump> {
  const require = createRequire(import.meta.url);
  const { Client } = require("pg") as { Client: new (config: object) => PgClient };
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query(
      "select table_name from information_schema.tables where table_schema = $1 order by 1",
      [schema],
    );
    const dump: Dump = new Map();
    for (const { table_name: name } of tables.rows) {
      const table = String(name);
      // Ponder's own bookkeeping (build ids, checkpoints per chain name), not indexed data.
      if (table === "_ponder_meta" || table === "_ponder_checkpoint") continue;
      const rows = await client.query(`select * from "${schema}"."${table}"`);
      dump.set(table, rows.rows);
    }
    return dump;
  } finally {
    await client.end();
  }
}

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}

/** Every row of every table, through the GraphQL endpoint (works for PGlite too). */
export async function dumpGraphql(graphql: Graphql): Promise<Dump> {
  const intro = await graphql<{
    __schema: { queryType: { fields: { name: string; type: TypeRef }[] } };
  }>(
    "{ __schema { queryType { fields { name type { kind name ofType { kind name ofType { kind name } } } } } } }",
  );
  const named = (t: TypeRef | null): string | null => (t ? (t.name ?? named(t.ofType)) : null);
  const dump: Dump = new Map();
  for (const field of intro.__schema.queryType.fields) {
    const pageType = named(field.type);
    if (!pageType?.endsWith("Page")) continue;
    const itemType = pageType.slice(0, -"Page".length);
    const fields = await graphql<{ __type: { fields: { name: string }[] } }>(
      `
        query ($n: String!) {
          __type(name: $n) {
            fields {
              name
            }
          }
        }
      `,
      { n: itemType },
    );
    const names = fields.__type.fields.map((f) => f.name).join(" ");
    const { rows } = await graphqlRows<Record<string, unknown>>(graphql, field.name, names);
    dump.set(field.name, rows);
  }
  return dump;
}
