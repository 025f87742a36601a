/**
 * The rules SQL over HTTP is held to (checked by ./tree.ts, for ./validate.ts): the limits on the
 * text and its parse tree, the allow-lists of functions, operators, expression kinds, cast types and
 * sublinks, and the refusal, a 400 in words that say what to change. A function or operator on a
 * list has a result at most a constant factor larger than its input (no string or JSON builders, no
 * regular expressions, no `^`), so that the planner's row estimates bound the work (see execute.ts).
 */
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
export const FUNCTIONS = new Set([
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
export const ONE_ARGUMENT = new Set(["round", "trunc"]);

/** Binary and unary operators (A_Expr names). `~~` and friends are LIKE/ILIKE. */
export const OPERATORS = new Set(["=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"]);
export const LIKE_OPERATORS = new Set(["~~", "!~~", "~~*", "!~~*"]);
export const MULTIPLICATIVE = new Set(["*", "/", "%"]);

export const A_EXPR_KINDS = new Set([
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
export const TYPES = new Set([
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
export const MAX_TYPMOD = 1_000;

export const SQL_VALUE_FUNCTIONS = new Set([
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
export const SUBLINKS = new Set(["EXISTS_SUBLINK", "ANY_SUBLINK", "ALL_SUBLINK", "EXPR_SUBLINK"]);

export const refuse = (message: string): never => {
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

export function notAllowed(what: string): never {
  const why = WHY[what];
  return refuse(
    why ? `${why}: not allowed over HTTP` : `${what.replace(".", " ")} is not allowed over HTTP`,
  );
}
