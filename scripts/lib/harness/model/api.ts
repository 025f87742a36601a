/**
 * The indexer's answers as the checks read them (the OpenAPI document's schemas, as the SDK generates
 * them, where the SDK has them), and the readers that page through them: REST lists by cursor and
 * GraphQL tables by `after`.
 */
import type { components } from "../../../../sdk/src/indexer/api.js";
import type { HttpAnswer } from "../ponder.js";

/** A grant as the REST API answers it. */
export type ApiGrant = components["schemas"]["Grant"];
/** A grant_event row, in a history or through GraphQL. */
export type ApiEvent = Pick<
  components["schemas"]["GrantEvent"],
  "id" | "grantId" | "kind" | "blockNumber" | "logIndex" | "txHash"
>;

export interface ApiIssuer {
  issuer: string;
  status: string;
  jurisdiction: string;
  validFrom: string;
  validUntil: string;
  typeBits: string;
  metadataHash: string | null;
  rotatedFrom: string | null;
  rotatedTo: string | null;
  lineage: string;
  credentialTypes: string[];
  history: unknown[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A GET of the indexer (IndexerStack.get, PonderProcess.get). */
export type Getter = <T = unknown>(pathAndQuery: string) => Promise<HttpAnswer<T>>;
/** A GraphQL query of the indexer; throws unless it answers data. */
export type Graphql = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/**
 * Every item of a REST list, `limit` a page, following `nextCursor` for at most `maxPages` pages. A
 * failed page, a page longer than `limit` or too many pages is added to `problems`.
 */
export async function allPages<T>(
  get: Getter,
  base: string,
  limit: number,
  problems: string[],
  maxPages = 100,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < maxPages; pages++) {
    const sep = base.includes("?") ? "&" : "?";
    const path: string = `${base}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
    const answer = await get<Page<T>>(path);
    if (answer.status !== 200) {
      problems.push(`GET ${path}: ${answer.status} ${answer.text.slice(0, 300)}`);
      return items;
    }
    if (answer.body.items.length > limit)
      problems.push(`GET ${path}: ${answer.body.items.length} items > limit ${limit}`);
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor;
    if (!cursor) return items;
  }
  problems.push(`GET ${base}: more than ${maxPages} pages`);
  return items;
}

/**
 * Every row of a GraphQL table field (`fields`: the selection of an item), `limit` a page; `where` a
 * filter (its variables declared in `declare`, e.g. "$c: String!"). With `count`, also its totalCount.
 */
export async function graphqlRows<T>(
  graphql: Graphql,
  field: string,
  fields: string,
  options: {
    limit?: number;
    where?: string;
    declare?: string;
    variables?: Record<string, unknown>;
    count?: boolean;
  } = {},
): Promise<{ rows: T[]; totalCount: number | null }> {
  const { limit = 500, where, declare, variables = {}, count = false } = options;
  const rows: T[] = [];
  let totalCount: number | null = null;
  let after: string | null = null;
  const args = `${where ? `where: ${where}, ` : ""}limit: ${limit}, after: $after`;
  const query = `query($after: String${declare ? `, ${declare}` : ""}) { ${field}(${args}) {
    items { ${fields} } ${count ? "totalCount " : ""}pageInfo { hasNextPage endCursor } } }`;
  for (;;) {
    const data: Record<
      string,
      { items: T[]; totalCount?: number; pageInfo: { hasNextPage: boolean; endCursor: string } }
    > = await graphql(query, { ...variables, after });
    const page = data[field]!;
    rows.push(...page.items);
    if (count) totalCount = page.totalCount ?? null;
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { rows, totalCount };
}
