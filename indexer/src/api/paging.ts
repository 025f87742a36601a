/**
 * Keyset paging, as every list route answers it: a page is read with one row more than it holds, and
 * that extra row is what says another page follows; the cursor is the last row's id, opaque.
 */
import { grant, issuer } from "ponder:schema";
import { and, asc, eq, gt, sql } from "ponder";

import type { ApiContext } from "./context.js";
import { schemaFreeColumns } from "./prepared.js";
import { DEFAULT_PAGE, encodeCursor } from "./validation.js";
import type { SQL } from "./view.js";

/** The first `size` of `rows` (read with a limit of `size + 1`) and the cursor past them, null on
 * the last page; `idOf` names a row as the cursor parameter reads it back. */
export function pageOf<R>(rows: readonly R[], size: number, idOf: (row: R) => string) {
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > size && last ? encodeCursor(idOf(last)) : null };
}

/** What a page holds, and how many rows reading it took (which the answer charges). */
interface Page<R> {
  page: R[];
  nextCursor: string | null;
  read: number;
}

type PageQuery = { cursor?: string | undefined; limit?: number | undefined };

/**
 * A page of `table`'s rows that meet every condition of `where`, in id order after `q.cursor`: at
 * most `q.limit`, or DEFAULT_PAGE.
 */
export function pageById<T extends typeof grant | typeof issuer>(
  ctx: ApiContext,
  table: T,
  where: readonly (SQL | undefined)[],
  q: PageQuery,
): Promise<Page<T["$inferSelect"]>>;
// drizzle cannot type a select from a generic table: the body reads the union, the signature above
// gives each caller its own table's rows.
export async function pageById(
  ctx: ApiContext,
  table: typeof grant | typeof issuer,
  where: readonly (SQL | undefined)[],
  q: PageQuery,
) {
  const size = q.limit ?? DEFAULT_PAGE;
  const rows = await ctx.db
    .select()
    .from(table)
    .where(and(...where, q.cursor ? gt(table.id, q.cursor) : undefined))
    .orderBy(asc(table.id))
    .limit(size + 1);
  return { ...pageOf(rows, size, (row) => row.id), read: rows.length };
}

/** The equality filters of a page of grants, by column. */
export type GrantFilters = Partial<
  Record<"owner" | "grantee" | "purpose" | "dataHash" | "chainId" | "contract", string | number>
>;

/**
 * `pageById` of grants with equality filters only, as prepared statements: one per set of filters
 * (with or without a cursor), built at its first use and named, so that the query is built once and
 * on PostgreSQL parsed and planned once per connection; the values are parameters.
 */
export function preparedGrantPages(db: ApiContext["db"]) {
  type Prepared = {
    execute(values: Record<string, unknown>): Promise<(typeof grant.$inferSelect)[]>;
  };
  const shapes = new Map<string, Prepared>();
  const shapeOf = (filters: GrantFilters, cursor: boolean) => {
    const columns = (Object.keys(filters) as (keyof GrantFilters)[])
      .filter((k) => filters[k] !== undefined)
      .sort();
    const key = `${columns.join(",")}${cursor ? "|cursor" : ""}`;
    let prepared = shapes.get(key);
    if (!prepared) {
      prepared = db
        .select(schemaFreeColumns(grant))
        .from(grant)
        .where(
          and(
            ...columns.map((k) => eq(grant[k], sql.placeholder(k))),
            cursor ? gt(grant.id, sql.placeholder("cursor")) : undefined,
          ),
        )
        .orderBy(asc(grant.id))
        .limit(sql.placeholder("limit"))
        .prepare(`grantkit_grants_${shapes.size}`);
      shapes.set(key, prepared);
    }
    return prepared;
  };
  return async (filters: GrantFilters, q: PageQuery): Promise<Page<typeof grant.$inferSelect>> => {
    const size = q.limit ?? DEFAULT_PAGE;
    const rows = await shapeOf(filters, q.cursor !== undefined).execute({
      ...filters,
      cursor: q.cursor,
      limit: size + 1,
    });
    return { ...pageOf(rows, size, (row) => row.id), read: rows.length };
  };
}
