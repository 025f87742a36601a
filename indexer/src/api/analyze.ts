/**
 * Planner statistics for embedded PGlite. PGlite is a single-user PostgreSQL inside the process: no
 * autovacuum, so no table is ever analyzed, and the planner guesses that every filter matches a
 * handful of rows. A grantee's page filtered by status was then sorted from all of the grantee's
 * rows (650 ms p50 at 100,000 grants) instead of read in index order (35 ms once analyzed, most of
 * it queueing behind the other requests on PGlite's one thread).
 *
 * So the API refreshes the statistics of the indexer's own tables: as soon as Ponder reports the
 * backfill done (not during it, where it would only slow the backfill down), then every
 * PGLITE_ANALYZE_EVERY_MS (default 10 minutes; 0 turns it off). One table per statement, with a
 * small sample (`default_statistics_target` 10: 3,000 rows), and a pause between tables: ANALYZE
 * runs on the indexer's one thread like everything else, and a full-sample ANALYZE of 100,000 rows
 * held it for about 0.4 s (longer than any request may, issue 18).
 * PostgreSQL (DATABASE_URL) analyzes by itself (autovacuum), and its API pool is read-only: nothing
 * is scheduled there.
 */
import { numberFromEnv } from "./env.js";

export interface AnalyzeSchedule {
  /** How often to ask whether the backfill is done. */
  pollMs: number;
  /** How often to analyze after that; 0: never. */
  everyMs: number;
}

export function analyzeSchedule(): AnalyzeSchedule {
  return { pollMs: 5_000, everyMs: numberFromEnv("PGLITE_ANALYZE_EVERY_MS", 600_000) };
}

/**
 * Runs `ANALYZE <tables>` through `run` once `backfillDone()` says so, then every `everyMs`; a failed
 * run (or readiness check) is logged and the schedule goes on. Returns a function that stops it.
 * Names are schema-qualified when a schema is given: on PGlite an unqualified `grant` can resolve to
 * a temporary table of Ponder's with the same name (src/api/sql/execute.ts).
 */
export function scheduleAnalyze(
  run: (sql: string) => Promise<unknown>,
  { schema, tables }: { schema?: string; tables: readonly string[] },
  backfillDone: () => Promise<boolean>,
  { pollMs, everyMs }: AnalyzeSchedule,
  log: (line: string) => void = (line) => console.log(line),
): () => void {
  if (everyMs === 0) return () => {};
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const prefix = schema === undefined ? "" : `${quote(schema)}.`;
  const statements = [
    "SET default_statistics_target = 10",
    ...tables.map((t) => `ANALYZE ${prefix + quote(t)}`),
    "RESET default_statistics_target",
  ];
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const later = (ms: number, fn: () => Promise<void>) => {
    if (stopped) return;
    timer = setTimeout(() => void fn(), ms);
    timer.unref();
  };
  const analyze = async () => {
    const started = performance.now();
    try {
      for (const statement of statements) {
        await run(statement);
        await new Promise((r) => setTimeout(r, 50));
      }
      log(
        `planner statistics refreshed (${tables.length} tables, ${Math.round(performance.now() - started)} ms)`,
      );
    } catch (error) {
      log(`ANALYZE failed, next run as scheduled: ${messageOf(error)}`);
    }
    later(everyMs, analyze);
  };
  const poll = async () => {
    let done = false;
    try {
      done = await backfillDone();
    } catch (error) {
      log(`could not tell whether the backfill is done: ${messageOf(error)}`);
    }
    if (done) await analyze();
    else later(pollMs, poll);
  };
  later(0, poll);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
