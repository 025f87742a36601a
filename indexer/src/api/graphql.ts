/**
 * Ponder's GraphQL at `/graphql`, behind a cost check of each operation before it runs. Ponder's own
 * limits (depth 8, 20 aliases, 2,000 tokens, 1,000 rows per page) still let one operation ask for
 * 20 pages of 1,000 rows, each sorted on an unindexed column, filtered with `_contains` and counted
 * (`totalCount`): seconds of the indexer's thread (issue 18). Here every page field of the operation
 * is costed from its arguments:
 *
 * - rows: its `limit` (Ponder's default 50; a variable counts as Ponder's maximum, 1,000);
 * - a scan of its whole table when it filters on anything but equality on an indexed column (also
 *   to count it: `totalCount`), or orders by anything but `id`. On embedded PGlite one scan of a
 *   100,000-row table holds the indexer's thread for longer than any request may (issue 18), so
 *   none is allowed by default; raise GRAPHQL_MAX_SCANS where replicas on PostgreSQL serve GraphQL.
 *
 * An operation over GRAPHQL_MAX_ROWS rows (default 500: a page of 1,000 rows held PGlite's thread
 * about 450 ms at 100,000 grants) or GRAPHQL_MAX_SCANS scans (default 0) is
 * refused with a 400 that says which; the rest is charged to the client's work budget as it would be
 * in REST: rows × UNITS_PER_ROW + scanned rows × UNITS_PER_SCANNED_ROW.
 */
import { graphql as ponderGraphql } from "ponder";
import type { db } from "ponder:api";
import { is } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import {
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { Hono } from "hono";

import type { ApiContext } from "./context.js";
import { numberFromEnv } from "./env.js";
import { requestInfo } from "./gate.js";
import { UNITS_PER_ROW, UNITS_PER_SCANNED_ROW } from "./http.js";

/** Ponder's page size default and maximum (ponder/src/graphql/index.ts). */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1_000;

export interface PageField {
  table: string;
  rows: number;
  scan: boolean;
}

/** What a page field of each table can filter on without a scan: equality on an indexed column. */
export interface TableInfo {
  table: string;
  indexed: ReadonlySet<string>;
}

/** The page fields (`grants`, `grantEvents`, …) an operation asks for, with their rows and scans. */
export function pageFields(
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  tables: ReadonlyMap<string, TableInfo>,
): PageField[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    operations.find((o) => o.name?.value === operationName) ??
    (operations.length === 1 ? operations[0] : undefined);
  if (!operation) return [];
  const value = (v: ValueNode): unknown => {
    switch (v.kind) {
      case Kind.VARIABLE:
        return variables[v.name.value];
      case Kind.INT:
        return Number(v.value);
      case Kind.OBJECT:
        return Object.fromEntries(v.fields.map((f) => [f.name.value, value(f.value)]));
      case Kind.LIST:
        return v.values.map(value);
      case Kind.STRING:
      case Kind.ENUM:
        return v.value;
      default:
        return null;
    }
  };
  const fields: PageField[] = [];
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FRAGMENT_SPREAD) {
        // A fragment spread twice is costed once per spread (it runs once per spread).
        const f = fragments.get(s.name.value);
        if (f && !seen.has(f.name.value)) {
          seen.add(f.name.value);
          visit(f.selectionSet);
          seen.delete(f.name.value);
        }
      } else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet);
      else page(s);
    }
  };
  const page = (field: FieldNode) => {
    const info = tables.get(field.name.value);
    if (!info) return visit(field.selectionSet);
    const args = Object.fromEntries(
      (field.arguments ?? []).map((a) => [a.name.value, value(a.value)]),
    );
    const limit =
      typeof args.limit === "number"
        ? args.limit
        : args.limit === undefined
          ? DEFAULT_LIMIT
          : MAX_LIMIT;
    const where = (args.where ?? {}) as Record<string, unknown>;
    const orderBy = args.orderBy;
    const counted = (field.selectionSet?.selections ?? []).some(
      (s) => s.kind === Kind.FIELD && s.name.value === "totalCount",
    );
    const keys = Object.keys(where);
    const indexedEquality = keys.length > 0 && keys.every((k) => info.indexed.has(k));
    // totalCount counts the rows the filter selects: through an index when the filter is an
    // indexed equality, else the whole table.
    const scan =
      (counted && !indexedEquality) ||
      (keys.length > 0 && !indexedEquality) ||
      (orderBy !== undefined && orderBy !== null && orderBy !== "id");
    fields.push({ table: info.table, rows: Math.min(Math.max(limit, 0), MAX_LIMIT), scan });
  };
  visit(operation.selectionSet);
  return fields;
}

/** Page field name → table, and the columns each table can be filtered on by index equality. */
function tableInfos(schema: Record<string, unknown>): Map<string, TableInfo> {
  const infos = new Map<string, TableInfo>();
  for (const [tsName, t] of Object.entries(schema)) {
    if (!is(t, PgTable)) continue;
    const config = getTableConfig(t);
    // The leading column of each index, by its TypeScript name (what GraphQL filters are named after).
    const byDbName = new Map(
      Object.entries(t).map(([key, col]) => [(col as { name?: string }).name, key]),
    );
    const indexed = new Set<string>(["id"]);
    for (const index of config.indexes) {
      const first = index.config.columns[0] as { name?: string } | undefined;
      const key = first?.name ? byDbName.get(first.name) : undefined;
      if (key) indexed.add(key);
    }
    infos.set(`${tsName}s`, { table: config.name, indexed });
  }
  return infos;
}

export function graphqlRoutes(ctx: ApiContext, schema: Record<string, unknown>): Hono {
  const app = new Hono();
  const maxRows = numberFromEnv("GRAPHQL_MAX_ROWS", 500, { min: 1 });
  const maxScans = numberFromEnv("GRAPHQL_MAX_SCANS", 0);
  const tables = tableInfos(schema);

  app.use("/graphql", async (c, next) => {
    let query: unknown;
    let variables: unknown;
    let operationName: unknown;
    if (c.req.method === "POST") {
      try {
        ({ query, variables, operationName } = (await c.req.raw.clone().json()) as Record<
          string,
          unknown
        >);
      } catch {
        return c.json(
          { error: "the body is not JSON of { query, variables?, operationName? }" },
          400,
        );
      }
    } else {
      query = c.req.query("query");
      operationName = c.req.query("operationName");
      try {
        variables = JSON.parse(c.req.query("variables") ?? "{}");
      } catch {
        return c.json({ error: "variables is not JSON" }, 400);
      }
    }
    // No query: GraphiQL's page, or Ponder's own error answer.
    if (typeof query !== "string") return next();
    let fields: PageField[];
    try {
      fields = pageFields(
        parse(query, { maxTokens: 2_000 }),
        typeof operationName === "string" ? operationName : undefined,
        (variables ?? {}) as Record<string, unknown>,
        tables,
      );
    } catch {
      // Ponder answers the syntax error itself, in GraphQL's own format.
      return next();
    }
    const rows = fields.reduce((n, f) => n + f.rows, 0);
    const scans = fields.filter((f) => f.scan);
    if (rows > maxRows || scans.length > maxScans) {
      const message =
        `operation too expensive: ${rows} rows (limit ${maxRows}, GRAPHQL_MAX_ROWS) and ` +
        `${scans.length} table scans (limit ${maxScans}, GRAPHQL_MAX_SCANS; a scan is totalCount, a ` +
        `filter other than equality on an indexed column, or an order other than id); ` +
        `ask for fewer or smaller pages, or use the REST API`;
      // Both shapes: the API's { error } and GraphQL's { errors: [{ message }] }.
      return c.json({ error: message, errors: [{ message }] }, 400);
    }
    const sizes = scans.length > 0 ? await ctx.tableSizes() : new Map<string, number>();
    const scanned = scans.reduce((n, f) => n + (sizes.get(f.table) ?? 0), 0);
    requestInfo(c.env).charge(rows * UNITS_PER_ROW + scanned * UNITS_PER_SCANNED_ROW);
    return next();
  });

  app.use(
    "/graphql",
    ponderGraphql(
      { db: ctx.db as typeof db, schema },
      { maxOperationDepth: 8, maxOperationAliases: 20, maxOperationTokens: 2000 },
    ),
  );
  return app;
}
