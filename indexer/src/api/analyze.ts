/**
 * Planner statistics for embedded PGlite. PGlite is a single-user PostgreSQL inside the process: no
 * autovacuum, so no table is ever analyzed, and the planner guesses that every filter matches a
 * handful of rows. A grantee's page filtered by status was then sorted from all of the grantee's
 * rows (650 ms p50 at 100,000 grants) instead of read in index order (under 1 ms once analyzed).
 *
 * So the API refreshes the statistics of the indexer's own tables (`ANALYZE`, about 0.4 s per
 * 100,000 rows, on PGlite's one thread): PGLITE_ANALYZE_FIRST_MS after start (default 30 s), again
 * 90 s later (after a typical local backfill), then every PGLITE_ANALYZE_EVERY_MS (default 10
 * minutes; 0 turns it off). PostgreSQL (DATABASE_URL) analyzes by itself (autovacuum), and its API
 * pool is read-only: nothing is scheduled there.
 */
import { numberFromEnv } from "./env.js";

export interface AnalyzeSchedule {
  firstMs: number;
  secondMs: number;
  everyMs: number;
}

export function analyzeSchedule(): AnalyzeSchedule {
  return {
    firstMs: numberFromEnv("PGLITE_ANALYZE_FIRST_MS", 30_000),
    secondMs: 90_000,
    everyMs: numberFromEnv("PGLITE_ANALYZE_EVERY_MS", 600_000),
  };
}

/**
 * Runs `ANALYZE <tables>` through `run` on the schedule; a failure is logged and the next run comes
 * as planned. Returns a function that stops it.
 */
export function scheduleAnalyze(
  run: (sql: string) => Promise<unknown>,
  tables: string[],
  { firstMs, secondMs, everyMs }: AnalyzeSchedule,
  log: (line: string) => void = (line) => console.log(line),
): () => void {
  if (everyMs === 0) return () => {};
  const statement = `ANALYZE ${tables.map((t) => `"${t.replace(/"/g, '""')}"`).join(", ")}`;
  const timers: NodeJS.Timeout[] = [];
  const once = async () => {
    const started = performance.now();
    try {
      await run(statement);
      log(
        `planner statistics refreshed (${tables.length} tables, ${Math.round(performance.now() - started)} ms)`,
      );
    } catch (error) {
      log(
        `ANALYZE failed, next run as scheduled: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  timers.push(setTimeout(() => void once(), firstMs));
  timers.push(setTimeout(() => void once(), firstMs + secondMs));
  timers.push(setInterval(() => void once(), everyMs));
  for (const t of timers) t.unref();
  return () => timers.forEach((t) => clearTimeout(t));
}
