/**
 * What the planner says of a SQL-over-HTTP query (`EXPLAIN (FORMAT JSON)`, run by ./execute.ts),
 * and the bounds the executor refuses a query by: the planner's cost without PGlite's sequential-scan
 * penalty, and the worst-case rows a plan processes computed from its shape and the tables' sizes
 * alone (the planner's row estimates can be steered by a predicate it misjudges; table sizes cannot).
 */

/** PostgreSQL's `disable_cost` (to version 17): PGlite plans with `enable_seqscan = off`. */
const DISABLE_COST = 1e10;

export interface PlanNode {
  "Node Type": string;
  "Plan Rows"?: number;
  "Total Cost"?: number;
  "Startup Cost"?: number;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  "Parent Relationship"?: string;
  "Subplan Name"?: string;
  "CTE Name"?: string;
  Strategy?: string;
  Plans?: PlanNode[];
}

/** The root plan node of `EXPLAIN (FORMAT JSON)` rows (PGlite gives an object, node-postgres too). */
export function planOf(rows: unknown[]): PlanNode {
  let plan = (rows[0] as Record<string, unknown> | undefined)?.["QUERY PLAN"];
  if (typeof plan === "string") plan = JSON.parse(plan);
  const root = (plan as { Plan?: PlanNode }[] | undefined)?.[0]?.Plan;
  if (root === undefined || typeof root["Total Cost"] !== "number")
    throw new Error("EXPLAIN returned no plan");
  return root;
}

/**
 * The planner's total cost without PGlite's penalty: each sequential scan PGlite cannot avoid
 * starts at 10^10 and one 10^10 is taken off per such scan, so the result is never below the real
 * estimate (a rescanned penalised scan keeps 10^10 or more, and is refused).
 */
export function plannedCost(root: PlanNode): number {
  let penalised = 0;
  const visit = (n: PlanNode) => {
    const scan = n["Node Type"] === "Seq Scan" || n["Node Type"] === "Parallel Seq Scan";
    if (scan && (n["Startup Cost"] ?? 0) >= DISABLE_COST) penalised += 1;
    (n.Plans ?? []).forEach(visit);
  };
  visit(root);
  return root["Total Cost"]! - penalised * DISABLE_COST;
}

/** A primary-key lookup (`id = …` on the table's `_pkey`) yields at most one row per loop. */
function isKeyLookup(n: PlanNode): boolean {
  return (
    (n["Node Type"] === "Index Scan" || n["Node Type"] === "Index Only Scan") &&
    (n["Index Name"] ?? "").endsWith("_pkey") &&
    /^\(id = [^)]*\)$/.test(n["Index Cond"] ?? "")
  );
}

/**
 * An index read by equality on its leading column (`owner = …`): it yields that key's rows, which
 * the planner knows from the statistics the API keeps fresh (src/api/analyze.ts); twice its
 * estimate is taken. A range (`block_number > …`) or no condition counts as the whole table.
 */
function isEqualityLookup(n: PlanNode): boolean {
  const cond = n["Index Cond"] ?? "";
  return (
    /Index (Only )?Scan/.test(n["Node Type"]) && /^\(\(?\w+ = /.test(cond) && !/[<>]/.test(cond)
  );
}

interface Bound {
  /** Worst-case rows the node returns (per loop). */
  rows: number;
  /** Worst-case rows the node and its children process (per loop). */
  work: number;
}

/**
 * Worst-case rows a plan processes, whatever its filters select: every scan returns its whole
 * table (a primary-key lookup one row, an index read by equality twice the planner's estimate for
 * that key), a join returns the product of its sides, a nested loop runs its inner side once per
 * outer row, a correlated subplan once per row of its parent. No other estimate of the planner is
 * used: a filter it misjudges cannot lower the bound.
 */
export function worstCase(root: PlanNode, sizes: ReadonlyMap<string, number>, cap: number): number {
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const ctes = new Map<string, number>();
  const bound = (n: PlanNode): Bound => {
    const kids = n.Plans ?? [];
    const role = (k: PlanNode) => k["Parent Relationship"];
    let once = 0;
    for (const k of kids.filter((k) => role(k) === "InitPlan")) {
      const b = bound(k);
      once += b.work;
      const name = k["Subplan Name"];
      if (name?.startsWith("CTE ")) ctes.set(name.slice(4), b.rows);
    }
    const main = kids.filter((k) => role(k) !== "InitPlan" && role(k) !== "SubPlan").map(bound);
    const sum = (f: (b: Bound) => number) => main.reduce((a, b) => a + f(b), 0);
    let own: Bound;
    const type = n["Node Type"];
    if (type === "Bitmap Heap Scan" && main.length > 0) {
      // The heap rows its bitmap selects, at most the whole table.
      const table = sizes.get(n["Relation Name"] ?? "") ?? total;
      const rows = Math.min(
        table,
        sum((b) => b.rows),
      );
      own = { rows, work: rows + sum((b) => b.work) };
    } else if (n["Relation Name"] !== undefined || type === "Bitmap Index Scan") {
      const table =
        n["Relation Name"] !== undefined ? (sizes.get(n["Relation Name"]) ?? total) : total;
      const size = isKeyLookup(n)
        ? 1
        : isEqualityLookup(n)
          ? Math.min(table, Math.max(1, 2 * (n["Plan Rows"] ?? table)))
          : table;
      own = { rows: size, work: size + sum((b) => b.work) };
    } else if (type === "CTE Scan") {
      const rows = ctes.get(n["CTE Name"] ?? "") ?? total;
      own = { rows, work: rows };
    } else if (type === "Nested Loop" && main.length === 2) {
      const [outer, inner] = main as [Bound, Bound];
      own = { rows: outer.rows * inner.rows, work: outer.work + outer.rows * inner.work };
    } else if ((type === "Hash Join" || type === "Merge Join") && main.length === 2) {
      const rows = main[0]!.rows * main[1]!.rows;
      own = { rows, work: sum((b) => b.work) + rows };
    } else if (main.length === 0) {
      // Result, Values Scan: what the query text itself holds.
      const rows = n["Plan Rows"] ?? 1;
      own = { rows, work: rows };
    } else if (type === "Aggregate" && n.Strategy === "Plain") {
      own = { rows: 1, work: sum((b) => b.work + b.rows) };
    } else {
      // Sort, Hash, Materialize, Limit, Unique, Aggregate by groups, Append, SetOp, WindowAgg, …:
      // each row of the children once more.
      own = { rows: sum((b) => b.rows), work: sum((b) => b.work + b.rows) };
    }
    // Correlated subplans run once per row the node reads.
    const perRow = Math.max(
      1,
      sum((b) => b.rows),
    );
    for (const k of kids.filter((k) => role(k) === "SubPlan")) own.work += perRow * bound(k).work;
    own.work += once;
    return own;
  };
  const top = bound(root);
  // The outermost node is our LIMIT: it never returns more than the cap.
  return Math.min(top.work, Number.MAX_SAFE_INTEGER) + Math.min(top.rows, cap);
}
