/**
 * The walk over a SQL-over-HTTP query's parse tree (libpg_query's JSON, for ./validate.ts): every
 * node type, and every field of it that can hold a sub-tree, is listed here, and anything else is
 * refused, so a construct a later parser version adds is refused until someone allows it. Relations
 * are our schema's tables or a CTE in scope (scoped as PostgreSQL scopes them); functions,
 * operators, casts and constants are checked against ./rules.ts; the tree's size and depth are
 * counted as it goes. Collects the tables read and the highest parameter number.
 */
import {
  A_EXPR_KINDS,
  FUNCTIONS,
  LIKE_OPERATORS,
  MAX_TYPMOD,
  MULTIPLICATIVE,
  notAllowed,
  ONE_ARGUMENT,
  OPERATORS,
  refuse,
  SQL_LIMITS,
  SQL_VALUE_FUNCTIONS,
  SUBLINKS,
  TYPES,
} from "./rules.js";

export interface SqlScope {
  /** The schema our tables live in (a relation may name it, or no schema). */
  schema: string;
  /** Our tables, by their SQL names. */
  tables: ReadonlySet<string>;
}

type Body = Record<string, unknown>;

/** What a walk counts and collects, over the whole tree. */
export interface Walk {
  scope: SqlScope;
  tables: Set<string>;
  nodes: number;
  multiplicative: number;
  relations: number;
  params: number;
}

/** CTE names visible at a point of the tree. */
type Ctes = ReadonlySet<string>;

/** The one wrapped node `{ Type: body }` in `value`. */
export function unwrap(value: unknown, where: string): [string, Body] {
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

export function node(value: unknown, w: Walk, ctes: Ctes, depth: number): void {
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
