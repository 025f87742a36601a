/**
 * Prepared statements that survive a views switch (scripts/lib/views.ts). PostgreSQL re-plans a
 * named statement after DDL on what it reads, but refuses to run it when its result's types change
 * ("cached plan must not change result type", 0A000), and every `onchainEnum` is a type of the
 * schema Ponder indexes into: a view re-pointed at a new schema changes the type of each enum column
 * it shows. Read as text, enum columns keep a statement's result types built-in, the same in every
 * schema, so replicas go on answering across the switch.
 */
import { getTableColumns, is, sql } from "drizzle-orm";
import { PgEnumColumn, type PgTable } from "drizzle-orm/pg-core";

/** `table`'s columns to select, with each enum column read as text (decoded as before). */
export function schemaFreeColumns<T extends PgTable>(table: T): T["_"]["columns"] {
  const columns = Object.entries(getTableColumns(table)).map(([key, column]) => [
    key,
    is(column, PgEnumColumn) ? sql`${column}::text`.mapWith(column) : column,
  ]);
  return Object.fromEntries(columns) as T["_"]["columns"];
}
