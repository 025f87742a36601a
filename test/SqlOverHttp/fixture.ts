/**
 * What the unit tests of the indexer's SQL over HTTP (indexer/src/api/sql/, test/SqlOverHttp/*.ts)
 * share: the tables in scope, the refusal a check must give, and the pairs that collide in Ponder's
 * cache key. The e2e suites run the same code inside Ponder on PGlite and PostgreSQL
 * (test/e2e/indexer.ts, test/e2e/sql.ts).
 */
import { expect } from "chai";

import { SqlRefusal } from "../../indexer/src/api/sql/rules.js";
import { checkQuery } from "../../indexer/src/api/sql/validate.js";

export const TABLES = ["grant", "grant_event", "issuer"];
export const scope = { schema: "gk", tables: new Set(TABLES) };

export async function refusal(sql: string): Promise<string> {
  try {
    await checkQuery(sql, scope);
  } catch (error) {
    expect(error, sql).to.be.instanceOf(SqlRefusal);
    return (error as Error).message;
  }
  throw new Error(`allowed, should be refused: ${sql}`);
}

/**
 * Pairs that share Ponder's 40-bit cache key (found with scripts/lib/harness/ponder-collision.ts): on
 * Ponder's own route, sending the first made the second pass.
 */
export const COLLISIONS: { allowed: string; forbidden: string }[] = [
  {
    allowed: "SELECT count(*) AS n FROM grant_event /*4i62*/",
    forbidden: "DELETE FROM grant_event /*28ev*/",
  },
  {
    allowed: "SELECT count(*) AS n FROM grant_event /*168un*/",
    forbidden: "SELECT pg_sleep(86400) /*b4dn*/",
  },
  {
    allowed: "SELECT count(*) AS n FROM grant_event /*ikj8*/",
    forbidden: `UPDATE "grant" SET status = 'revoked' /*3fjl*/`,
  },
];
