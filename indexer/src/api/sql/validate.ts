/**
 * Our own decision on every SQL-over-HTTP query, from our own parse of it: never a cached verdict.
 *
 * Ponder's validator caches each verdict under the first 10 hex digits of the query's SHA-256 (40
 * bits): two queries with the same prefix share one verdict, so an allowed query sent first made a
 * colliding `UPDATE` pass (issue 18). Here each query is parsed (libpg_query, the parser Ponder
 * itself uses, through `pg-query-emscripten`) and the whole tree is checked against allow-lists
 * (the walk in `tree.ts`, the lists and limits in `rules.ts`):
 *
 * - the statement is one plain `SELECT` (set operations and non-recursive `WITH` included), without
 *   `INTO`, `FOR UPDATE/SHARE`, `LATERAL` or grouping sets;
 * - every node type, and every field of it that can hold a sub-tree, is listed; anything else
 *   is refused, so a construct a later parser version adds is refused until someone allows it;
 * - relations are our schema's tables, or a CTE in scope (scoped as PostgreSQL scopes them);
 * - functions, operators and casts come from short lists of ones whose result is at most a constant
 *   factor larger than their input (no string or JSON builders, no regular expressions, no `^`,
 *   no type modifiers such as `char(10000000)`), constants are short, and the tree is shallow and
 *   small, so that the planner's row estimates bound the work (see `execute.ts`).
 *
 * The result names the tables the query reads (a live query re-runs when they change).
 */
/// <reference path="./pg-query-emscripten.d.ts" />
import Module from "pg-query-emscripten";

import { refuse, SQL_LIMITS, SqlRefusal } from "./rules.js";
import { node, unwrap, type SqlScope, type Walk } from "./tree.js";

export interface CheckedQuery {
  /** The statement's text, without a trailing semicolon or what follows it. */
  text: string;
  /** The tables of our schema the query reads. */
  tables: Set<string>;
  /** The highest parameter number used (`$3` → 3), 0 without parameters. */
  params: number;
}

interface Parser {
  parse(sql: string): {
    parse_tree: { stmts: { stmt?: unknown; stmt_location?: number; stmt_len?: number }[] };
    error: { message: string; cursorpos: number } | null;
  };
}

let parser: Promise<Parser> | undefined;

/** libpg_query, loaded once (a WebAssembly module). */
function loadParser(): Promise<Parser> {
  parser ??= new (Module as unknown as new () => Promise<Parser>)();
  return parser;
}

/**
 * Loads the parser now, at start-up, rather than on the first query: loading it holds the thread
 * about 100 ms (the attack suite saw it in a CPU profile), which a request should not pay. A failure
 * here is retried, and reported, by the first query.
 */
export function preloadParser(): void {
  loadParser().catch(() => (parser = undefined));
}

/** A parse error with its position and the text around it, as psql shows it. */
function parseError(sql: string, error: { message: string; cursorpos: number }): SqlRefusal {
  const at = Math.max(0, error.cursorpos - 1);
  const line = sql.slice(0, at).split("\n").length;
  const near = sql.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, " ");
  // `grant` is a reserved word: the table's name needs double quotes.
  const reserved = /^grant\b/i.test(sql.slice(at))
    ? '; grant is a reserved word: write "grant"'
    : "";
  return new SqlRefusal(
    `syntax error: ${error.message} (character ${error.cursorpos}, line ${line}, near "${near}")${reserved}`,
  );
}

/**
 * Parses `sql` and checks it against the allow-lists above. Throws a `SqlRefusal` that says what
 * to change; returns the tables the query reads.
 *
 * @example
 * const { tables } = await checkQuery('select count(*) from "grant"', { schema: "grantkit", tables });
 */
export async function checkQuery(sql: string, scope: SqlScope): Promise<CheckedQuery> {
  if (sql.length > SQL_LIMITS.maxLength)
    refuse(`the SQL text is ${sql.length} characters; the limit is ${SQL_LIMITS.maxLength}`);
  const { parse } = await loadParser();
  const result = parse(sql);
  if (result.error) throw parseError(sql, result.error);
  const stmts = result.parse_tree.stmts;
  if (stmts.length === 0) refuse("empty query: send one SELECT");
  if (stmts.length > 1) refuse(`${stmts.length} statements: send one SELECT`);
  const [type] = unwrap(stmts[0]!.stmt, "statement");
  if (type !== "SelectStmt")
    refuse(
      `${type.replace(/Stmt$/, "").toUpperCase()} statements are not allowed: SQL over HTTP is read-only; send one SELECT`,
    );
  const w: Walk = {
    scope,
    tables: new Set(),
    nodes: 0,
    multiplicative: 0,
    relations: 0,
    params: 0,
  };
  const stmt = stmts[0]!;
  node(stmt.stmt, w, new Set(), 0);
  // libpg_query gives the statement's place in bytes.
  const bytes = Buffer.from(sql, "utf8");
  const from = stmt.stmt_location ?? 0;
  const text = bytes.subarray(from, stmt.stmt_len ? from + stmt.stmt_len : undefined).toString();
  return { text, tables: w.tables, params: w.params };
}
