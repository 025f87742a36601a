/**
 * Our own decision on every SQL-over-HTTP query, from our own parse of it: never a cached verdict.
 *
 * Ponder's validator caches each verdict under the first 10 hex digits of the query's SHA-256 (40
 * bits): two queries with the same prefix share one verdict, so an allowed query sent first made a
 * colliding `UPDATE` pass (issue 18). Here each query is parsed (libpg_query, the parser Ponder
 * itself uses, through `pg-query-emscripten`) and the whole tree is checked against allow-lists:
 *
 * - the statement is one plain `SELECT` (set operations and non-recursive `WITH` included), without
 *   `INTO`, `FOR UPDATE/SHARE`, `LATERAL` or grouping sets;
 * - every node type, and every field of it that can hold a sub-tree, is listed below; anything else
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

import { HttpError } from "../errors.js";

/** What a client did wrong, in words that say what to change: a 400. */
export class SqlRefusal extends HttpError {
  override readonly name = "SqlRefusal";
  constructor(message: string) {
    super(400, message);
  }
}

/** Limits on the SQL text (PostgreSQL's parser and planner recurse over the tree). */
export const SQL_LIMITS = {
  /** Characters of SQL text. */
  maxLength: 5_000,
  /** Depth of the parse tree, counted in nodes. */
  maxDepth: 48,
  /** Nodes in the parse tree. */
  maxNodes: 1_500,
  /** Characters of one constant (a string, a number). */
  maxConstant: 256,
  /** `*`, `/` and `%` in one query: each can widen a numeric value. */
  maxMultiplicative: 8,
  /** Relations in one query (tables, CTE and subquery references). */
  maxRelations: 6,
} as const;

/**
 * Functions allowed over HTTP: aggregates and window functions whose state does not grow with the
 * rows they see, and scalar functions whose result is no larger than their input.
 */
const FUNCTIONS = new Set([
  // aggregates
  "count",
  "sum",
  "avg",
  "min",
  "max",
  "bool_and",
  "bool_or",
  // window functions
  "row_number",
  "rank",
  "dense_rank",
  "lag",
  "lead",
  "first_value",
  "last_value",
  // scalars
  "lower",
  "upper",
  "length",
  "char_length",
  "octet_length",
  "substring",
  "substr",
  "left",
  "right",
  "btrim",
  "ltrim",
  "rtrim",
  "starts_with",
  "strpos",
  "position",
  "abs",
  "sign",
  "ceil",
  "ceiling",
  "floor",
  "round",
  "trunc",
  "to_timestamp",
  "date_trunc",
  "extract",
  "date_part",
  "now",
]);
/** Functions that are allowed with one argument only (a second one sets a result's size). */
const ONE_ARGUMENT = new Set(["round", "trunc"]);

/** Binary and unary operators (A_Expr names). `~~` and friends are LIKE/ILIKE. */
const OPERATORS = new Set(["=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"]);
const LIKE_OPERATORS = new Set(["~~", "!~~", "~~*", "!~~*"]);
const MULTIPLICATIVE = new Set(["*", "/", "%"]);

const A_EXPR_KINDS = new Set([
  "AEXPR_OP",
  "AEXPR_OP_ANY",
  "AEXPR_OP_ALL",
  "AEXPR_DISTINCT",
  "AEXPR_NOT_DISTINCT",
  "AEXPR_NULLIF",
  "AEXPR_IN",
  "AEXPR_LIKE",
  "AEXPR_ILIKE",
  "AEXPR_BETWEEN",
  "AEXPR_NOT_BETWEEN",
  "AEXPR_BETWEEN_SYM",
  "AEXPR_NOT_BETWEEN_SYM",
]);

/** Types a value may be cast to (catalog names; `pg_catalog.` may prefix them). */
const TYPES = new Set([
  "bool",
  "boolean",
  "int2",
  "int4",
  "int8",
  "smallint",
  "integer",
  "int",
  "bigint",
  "numeric",
  "decimal",
  "float4",
  "float8",
  "real",
  "text",
  "varchar",
  "bpchar",
  "date",
  "timestamp",
  "timestamptz",
  "interval",
]);
/** The largest type modifier allowed (e.g. numeric(78, 0), varchar(66)). */
const MAX_TYPMOD = 1_000;

const SQL_VALUE_FUNCTIONS = new Set([
  "SVFOP_CURRENT_DATE",
  "SVFOP_CURRENT_TIME",
  "SVFOP_CURRENT_TIME_N",
  "SVFOP_CURRENT_TIMESTAMP",
  "SVFOP_CURRENT_TIMESTAMP_N",
  "SVFOP_LOCALTIME",
  "SVFOP_LOCALTIME_N",
  "SVFOP_LOCALTIMESTAMP",
  "SVFOP_LOCALTIMESTAMP_N",
]);
const SUBLINKS = new Set(["EXISTS_SUBLINK", "ANY_SUBLINK", "ALL_SUBLINK", "EXPR_SUBLINK"]);

export interface SqlScope {
  /** The schema our tables live in (a relation may name it, or no schema). */
  schema: string;
  /** Our tables, by their SQL names. */
  tables: ReadonlySet<string>;
}

export interface CheckedQuery {
  /** The statement's text, without a trailing semicolon or what follows it. */
  text: string;
  /** The tables of our schema the query reads. */
  tables: Set<string>;
  /** The highest parameter number used (`$3` → 3), 0 without parameters. */
  params: number;
}

type Body = Record<string, unknown>;

interface Walk {
  scope: SqlScope;
  tables: Set<string>;
  nodes: number;
  multiplicative: number;
  relations: number;
  params: number;
}

/** CTE names visible at a point of the tree. */
type Ctes = ReadonlySet<string>;

const refuse = (message: string): never => {
  throw new SqlRefusal(message);
};

/** Friendly words for constructs people try; anything else gets "<Node> is not allowed". */
const WHY: Record<string, string> = {
  "SelectStmt.intoClause": "SELECT … INTO creates a table",
  "SelectStmt.lockingClause": "FOR UPDATE/SHARE locks rows",
  "WithClause.recursive": "WITH RECURSIVE can run without bound",
  "RangeSubselect.lateral": "LATERAL runs a subquery per row",
  GroupingSet: "ROLLUP/CUBE/GROUPING SETS multiply the groups",
  "ResTarget.indirection": "subscripts and field selection are not needed for these tables",
  A_Indirection: "subscripts and field selection are not needed for these tables",
  "SortBy.useOp": "ORDER BY … USING an operator",
};

function notAllowed(what: string): never {
  const why = WHY[what];
  return refuse(
    why ? `${why}: not allowed over HTTP` : `${what.replace(".", " ")} is not allowed over HTTP`,
  );
}

/** The one wrapped node `{ Type: body }` in `value`. */
function unwrap(value: unknown, where: string): [string, Body] {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return refuse(`malformed parse tree at ${where}`);
  const keys = Object.keys(value);
  if (keys.length !== 1) return refuse(`malformed parse tree at ${where}`);
  const type = keys[0]!;
  const body = (value as Body)[type];
  if (body === null || typeof body !== "object" || Array.isArray(body))
    return refuse(`malformed parse tree at ${where}`);
  return [type, body as Body];
}

function list(value: unknown, where: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return refuse(`malformed parse tree at ${where}`);
  return value;
}

/** Checks that `body` has no field outside `allowed` (scalars like `location` are always fine). */
function fields(type: string, body: Body, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (allowed.includes(key)) continue;
    // A scalar (a number, a string, a boolean) cannot hide a sub-tree.
    if (value === null || typeof value !== "object") continue;
    notAllowed(`${type}.${key}`);
  }
}

function stringOf(value: unknown): string | undefined {
  const [type, body] = unwrap(value, "name");
  return type === "String" && typeof body.sval === "string" ? body.sval : undefined;
}

/** A function or type name: `name` or `pg_catalog.name`. */
function catalogName(names: unknown, what: string): string {
  const parts = list(names, what).map((n) => stringOf(n));
  if (parts.some((p) => p === undefined)) return refuse(`malformed ${what} name`);
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2 && parts[0] === "pg_catalog") return parts[1]!;
  return refuse(`${what} ${parts.join(".")} is not allowed over HTTP`);
}

function constantLength(body: Body): number {
  for (const key of ["sval", "fval", "bsval"] as const) {
    const inner = body[key] as Body | undefined;
    const text = inner?.[key];
    if (typeof text === "string") return text.length;
  }
  return 0;
}

function node(value: unknown, w: Walk, ctes: Ctes, depth: number): void {
  w.nodes += 1;
  if (w.nodes > SQL_LIMITS.maxNodes)
    refuse(`the query has more than ${SQL_LIMITS.maxNodes} parse nodes; split it`);
  if (depth > SQL_LIMITS.maxDepth)
    refuse(`the query nests deeper than ${SQL_LIMITS.maxDepth} levels; flatten it`);
  const [type, body] = unwrap(value, "expression");
  const d = depth + 1;
  const each = (v: unknown, where: string) => list(v, where).forEach((n) => node(n, w, ctes, d));
  const one = (v: unknown) => {
    if (v !== undefined) node(v, w, ctes, d);
  };
  switch (type) {
    case "SelectStmt":
      return select(body, w, ctes, d);
    case "ResTarget":
      fields(type, body, ["val"]);
      return one(body.val);
    case "ColumnRef":
      fields(type, body, ["fields"]);
      for (const f of list(body.fields, "column")) {
        const [t] = unwrap(f, "column");
        if (t !== "String" && t !== "A_Star") notAllowed(t);
      }
      return;
    case "A_Const": {
      fields(type, body, ["ival", "fval", "sval", "boolval", "bsval"]);
      const length = constantLength(body);
      if (length > SQL_LIMITS.maxConstant)
        refuse(
          `a constant of ${length} characters; the limit is ${SQL_LIMITS.maxConstant} (pass long values as parameters)`,
        );
      return;
    }
    case "ParamRef":
      fields(type, body, []);
      w.params = Math.max(w.params, Number(body.number ?? 0));
      return;
    case "A_Star":
      return;
    case "A_Expr":
      return expression(body, w, ctes, d);
    case "BoolExpr":
      fields(type, body, ["args"]);
      return each(body.args, "BoolExpr");
    case "NullTest":
    case "BooleanTest":
      fields(type, body, ["arg"]);
      return one(body.arg);
    case "CaseExpr":
      fields(type, body, ["arg", "args", "defresult"]);
      one(body.arg);
      each(body.args, "CASE");
      return one(body.defresult);
    case "CaseWhen":
      fields(type, body, ["expr", "result"]);
      one(body.expr);
      return one(body.result);
    case "CoalesceExpr":
    case "MinMaxExpr":
      fields(type, body, ["args"]);
      return each(body.args, type);
    case "A_ArrayExpr":
      fields(type, body, ["elements"]);
      return each(body.elements, "ARRAY");
    case "RowExpr":
      fields(type, body, ["args"]);
      return each(body.args, "ROW");
    case "List":
      fields(type, body, ["items"]);
      return each(body.items, "list");
    case "SQLValueFunction":
      if (!SQL_VALUE_FUNCTIONS.has(String(body.op)))
        refuse(`${String(body.op).replace("SVFOP_", "")} is not allowed over HTTP`);
      return;
    case "FuncCall":
      return call(body, w, ctes, d);
    case "TypeCast":
      fields(type, body, ["arg", "typeName"]);
      typeName(body.typeName as Body | undefined);
      return one(body.arg);
    case "SubLink":
      fields(type, body, ["testexpr", "operName", "subselect"]);
      if (!SUBLINKS.has(String(body.subLinkType)))
        refuse(`${String(body.subLinkType)} subqueries are not allowed over HTTP`);
      if (body.operName !== undefined) {
        const op = catalogName(body.operName, "operator");
        if (!OPERATORS.has(op)) refuse(`the ${op} operator is not allowed over HTTP`);
      }
      one(body.testexpr);
      return one(body.subselect);
    case "SortBy":
      fields(type, body, ["node"]);
      return one(body.node);
    case "WindowDef":
      return windowDef(body, w, ctes, d);
    case "RangeVar":
      return relation(body, w, ctes);
    case "RangeSubselect":
      fields(type, body, ["subquery", "alias"]);
      if (body.lateral) notAllowed("RangeSubselect.lateral");
      w.relations += 1;
      alias(body.alias as Body | undefined);
      return one(body.subquery);
    case "JoinExpr":
      fields(type, body, ["larg", "rarg", "usingClause", "quals", "alias", "join_using_alias"]);
      one(body.larg);
      one(body.rarg);
      for (const u of list(body.usingClause, "USING")) stringOf(u);
      alias(body.alias as Body | undefined);
      alias(body.join_using_alias as Body | undefined);
      return one(body.quals);
    default:
      return notAllowed(type);
  }
}

function select(body: Body, w: Walk, outer: Ctes, depth: number): void {
  fields("SelectStmt", body, [
    "targetList",
    "fromClause",
    "whereClause",
    "groupClause",
    "havingClause",
    "windowClause",
    "sortClause",
    "limitCount",
    "limitOffset",
    "withClause",
    "distinctClause",
    "valuesLists",
    "larg",
    "rarg",
  ]);
  // CTEs: each sees the ones before it; the statement (and both sides of a set operation) sees all.
  let ctes = outer;
  const withClause = body.withClause as Body | undefined;
  if (withClause !== undefined) {
    fields("WithClause", withClause, ["ctes"]);
    if (withClause.recursive) notAllowed("WithClause.recursive");
    for (const item of list(withClause.ctes, "WITH")) {
      const [type, cte] = unwrap(item, "WITH");
      if (type !== "CommonTableExpr") notAllowed(type);
      fields(type, cte, ["ctequery", "aliascolnames"]);
      node(cte.ctequery, w, ctes, depth);
      const next = new Set(ctes);
      next.add(String(cte.ctename));
      ctes = next;
    }
  }
  const each = (v: unknown, where: string) =>
    list(v, where).forEach((n) => node(n, w, ctes, depth));
  const one = (v: unknown) => {
    if (v !== undefined) node(v, w, ctes, depth);
  };
  for (const side of ["larg", "rarg"] as const)
    if (body[side] !== undefined) select(body[side] as Body, w, ctes, depth + 1);
  each(body.targetList, "SELECT list");
  each(body.fromClause, "FROM");
  one(body.whereClause);
  for (const g of list(body.groupClause, "GROUP BY")) {
    const [type] = unwrap(g, "GROUP BY");
    if (type === "GroupingSet") notAllowed("GroupingSet");
    node(g, w, ctes, depth);
  }
  one(body.havingClause);
  each(body.windowClause, "WINDOW");
  each(body.sortClause, "ORDER BY");
  one(body.limitCount);
  one(body.limitOffset);
  // Plain DISTINCT is a list with one empty object; DISTINCT ON lists expressions.
  for (const item of list(body.distinctClause, "DISTINCT"))
    if (item !== null && typeof item === "object" && Object.keys(item).length > 0)
      node(item, w, ctes, depth);
  each(body.valuesLists, "VALUES");
}

function relation(body: Body, w: Walk, ctes: Ctes): void {
  fields("RangeVar", body, ["alias"]);
  alias(body.alias as Body | undefined);
  w.relations += 1;
  if (w.relations > SQL_LIMITS.maxRelations)
    refuse(
      `the query reads more than ${SQL_LIMITS.maxRelations} relations; split it into several queries`,
    );
  const name = String(body.relname);
  if (body.catalogname !== undefined) refuse(`${String(body.catalogname)}.… is not allowed`);
  const schema = body.schemaname as string | undefined;
  if (schema === undefined && ctes.has(name)) return;
  if (schema !== undefined && schema !== w.scope.schema)
    refuse(
      `schema ${schema} is not readable over HTTP; the tables are ${[...w.scope.tables].join(", ")} (schema ${w.scope.schema})`,
    );
  if (!w.scope.tables.has(name))
    refuse(`unknown table ${name}; the tables are ${[...w.scope.tables].join(", ")}`);
  w.tables.add(name);
}

function alias(body: Body | undefined): void {
  if (body === undefined) return;
  fields("Alias", body, ["colnames"]);
  for (const c of list(body.colnames, "alias")) stringOf(c);
}

function typeName(body: Body | undefined): void {
  if (body === undefined) return refuse("malformed cast");
  if (body.setof || body.pct_type || body.arrayBounds !== undefined)
    refuse("array, SETOF and %TYPE casts are not allowed over HTTP");
  fields("TypeName", body, ["names", "typmods"]);
  const name = catalogName(body.names, "type");
  if (!TYPES.has(name))
    refuse(`casts to ${name} are not allowed over HTTP; allowed: ${[...TYPES].join(", ")}`);
  for (const m of list(body.typmods, "type modifier")) {
    const [type, c] = unwrap(m, "type modifier");
    // libpg_query leaves out a zero: `numeric(78, 0)` has `{ ival: {} }` for its scale.
    const value = c.ival === undefined ? undefined : ((c.ival as Body).ival ?? 0);
    if (type !== "A_Const" || typeof value !== "number" || value > MAX_TYPMOD)
      refuse(`type modifiers above ${MAX_TYPMOD} are not allowed (e.g. char(10000000))`);
  }
}

function expression(body: Body, w: Walk, ctes: Ctes, depth: number): void {
  fields("A_Expr", body, ["name", "lexpr", "rexpr"]);
  const kind = String(body.kind);
  if (kind === "AEXPR_SIMILAR")
    refuse("SIMILAR TO runs a regular expression: not allowed over HTTP; use LIKE");
  if (!A_EXPR_KINDS.has(kind)) notAllowed(kind);
  const op = catalogName(body.name, "operator");
  const like = kind === "AEXPR_LIKE" || kind === "AEXPR_ILIKE";
  const between = kind.includes("BETWEEN");
  if (!between && !(like ? LIKE_OPERATORS.has(op) : OPERATORS.has(op)))
    refuse(
      `the ${op} operator is not allowed over HTTP (allowed: ${[...OPERATORS].join(" ")}, LIKE, ILIKE, IN, BETWEEN)`,
    );
  if (MULTIPLICATIVE.has(op)) {
    w.multiplicative += 1;
    if (w.multiplicative > SQL_LIMITS.maxMultiplicative)
      refuse(
        `more than ${SQL_LIMITS.maxMultiplicative} of * / % in one query (each can widen a number); compute in the client`,
      );
  }
  if (body.lexpr !== undefined) node(body.lexpr, w, ctes, depth);
  if (body.rexpr !== undefined) node(body.rexpr, w, ctes, depth);
}

function call(body: Body, w: Walk, ctes: Ctes, depth: number): void {
  fields("FuncCall", body, ["funcname", "args", "agg_order", "agg_filter", "over"]);
  if (body.func_variadic) refuse("VARIADIC calls are not allowed over HTTP");
  if (body.agg_within_group) refuse("WITHIN GROUP aggregates are not allowed over HTTP");
  const name = catalogName(body.funcname, "function");
  if (!FUNCTIONS.has(name))
    refuse(
      `${name}() is not allowed over HTTP; allowed functions: ${[...FUNCTIONS].join(", ")} ` +
        `(string and JSON builders, regular expressions and set-returning functions are not)`,
    );
  const args = list(body.args, "arguments");
  if (ONE_ARGUMENT.has(name) && args.length > 1)
    refuse(`${name}() takes one argument over HTTP (a precision argument sets the result's size)`);
  args.forEach((a) => node(a, w, ctes, depth));
  list(body.agg_order, "ORDER BY").forEach((a) => node(a, w, ctes, depth));
  if (body.agg_filter !== undefined) node(body.agg_filter, w, ctes, depth);
  if (body.over !== undefined) windowDef(body.over as Body, w, ctes, depth);
}

function windowDef(body: Body, w: Walk, ctes: Ctes, depth: number): void {
  fields("WindowDef", body, ["partitionClause", "orderClause", "startOffset", "endOffset"]);
  for (const key of ["partitionClause", "orderClause"] as const)
    list(body[key], "window").forEach((n) => node(n, w, ctes, depth));
  for (const key of ["startOffset", "endOffset"] as const)
    if (body[key] !== undefined) node(body[key], w, ctes, depth);
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
