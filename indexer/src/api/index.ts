/**
 * The indexer's one server: Ponder's GraphQL (`/graphql`), our SQL over HTTP (`/sql/*`) and the REST
 * API under `/v1` (validated inputs, cursor pagination, JSON errors, OpenAPI at `/v1/openapi.json`),
 * every request through the gate (src/api/gate.ts). This file only wires the parts together.
 * Reference: indexer/README.md.
 */
import { db, publicClients } from "ponder:api";
import schema, { grant } from "ponder:schema";
import { is } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { Hono } from "hono";

import { analyzeSchedule, scheduleAnalyze } from "./analyze.js";
import { Budget } from "./budget.js";
import { cacheSettings, responseCache, ResponseStore } from "./cache.js";
import { ChainClock, indexedBlockTime } from "./chain.js";
import { CheckpointWatcher } from "./checkpoint.js";
import { countCommits, type PgliteRunner } from "./commits.js";
import type { ApiContext } from "./context.js";
import { dashboardRoutes } from "./dashboard.js";
import { numberFromEnv } from "./env.js";
import { assertGateInstalled, gateSettings, installGate } from "./gate.js";
import { graphqlRoutes } from "./graphql.js";
import { HttpError } from "./errors.js";
import { noRoute } from "./http.js";
import { exposeMetrics } from "./metrics.js";
import { auditRoutes } from "./routes/audit.js";
import { exploreRoutes } from "./routes/explore.js";
import { granteeRoutes } from "./routes/grantees.js";
import { grantRoutes } from "./routes/grants.js";
import { issuerRoutes } from "./routes/issuers.js";
import { opsRoutes } from "./routes/ops.js";
import { ownerRoutes } from "./routes/owners.js";
import { readyRoutes } from "./routes/ready.js";
import { statsRoutes } from "./routes/stats.js";
import { pgliteExecutor, postgresExecutor, type PgliteLike, type PoolLike } from "./sql/execute.js";
import { sqlRoutes } from "./sql/routes.js";

// Every request passes the gate first: client identity behind trusted proxies, the work budget,
// private /metrics and /status, CORS only where a browser needs it.
const budget = new Budget();
installGate(budget, gateSettings());
assertGateInstalled();

/** Our tables (SQL names) and the schema Ponder put them in. */
const tableNames = (Object.values(schema) as unknown[])
  .filter((t): t is PgTable => is(t, PgTable))
  .map((t) => getTableConfig(t).name);
const schemaName = getTableConfig(grant).schema ?? "public";

/** Ponder's database client under `db` (drizzle's `$client`): PGlite, or its read-only pool. */
const dbClient = (db as unknown as { $client: unknown }).$client;
const executor =
  typeof (dbClient as PgliteLike).transaction === "function" &&
  typeof (dbClient as { exec?: unknown }).exec === "function"
    ? pgliteExecutor(dbClient as PgliteLike, schemaName, tableNames)
    : postgresExecutor(dbClient as PoolLike, schemaName);
const ponderTable = (name: string) => `"${schemaName}"."${name}"`;

/** How far indexing has got (Ponder's `_ponder_checkpoint`, read every 250 ms and on demand); on
 * PGlite, whether anything changed since is counted in this process (commits.ts). */
const watcher = new CheckpointWatcher(
  async () =>
    executor.internal(
      `SELECT latest_checkpoint, pg_current_snapshot()::text AS snapshot FROM ${ponderTable("_ponder_checkpoint")}`,
    ),
  250,
  executor.dialect === "pglite" ? countCommits(dbClient as PgliteRunner).version : undefined,
).start();

/** Ponder's own "backfill done" flag (what its /ready answers). */
const backfillDone = async () =>
  (await executor.internal(`SELECT value FROM ${ponderTable("_ponder_meta")}`)).some(
    (r) => (r as { value?: { is_ready?: number } }).value?.is_ready === 1,
  );

/** The indexed chains: ponder.config.ts names each `chain<id>`. */
const chainIds = Object.keys(publicClients).map((name) => Number(name.replace(/^chain/, "")));

const ctx: ApiContext = {
  db,
  budget,
  watcher,
  clock: new ChainClock(chainIds, watcher, indexedBlockTime(db)).start(),
  tableSizes: () => executor.tableSizes(),
};

// PGlite never analyzes its tables by itself: refresh the planner's statistics once the backfill is
// done and then now and then (src/api/analyze.ts). PostgreSQL's autovacuum does it there.
if (executor.dialect === "pglite")
  scheduleAnalyze(
    (statement) => executor.internal(statement),
    { schema: schemaName, tables: tableNames },
    backfillDone,
    analyzeSchedule(),
  );

const app = new Hono();

app.onError((error, c) => {
  if (error instanceof HttpError) return c.json({ error: error.message }, error.status);
  console.error(error);
  return c.json({ error: "internal error" }, 500);
});
app.notFound(noRoute);

// The exact response cache (cache.ts) in front of the REST routes; its counters on /metrics.
const cache = new ResponseStore(cacheSettings());
if (cache.settings.entries > 0) app.use("/v1/*", responseCache(cache, watcher, ctx.clock));
exposeMetrics(
  () => cache.metrics(),
  () => watcher.metrics(),
);

app.route("/", graphqlRoutes(ctx, schema));
app.route(
  "/",
  sqlRoutes({
    executor,
    scope: { schema: schemaName, tables: new Set(tableNames) },
    limits: {
      maxRows: numberFromEnv("SQL_MAX_ROWS", 10_000, { min: 1 }),
      maxCost: numberFromEnv("SQL_MAX_COST", 2_000_000, { min: 1 }),
      maxWork: numberFromEnv("SQL_MAX_WORK", 100_000, { min: 1 }),
      timeoutMs: numberFromEnv("SQL_TIMEOUT_MS", 5_000, { min: 1 }),
    },
    budget,
    watcher,
    maxLive: numberFromEnv("SQL_MAX_LIVE", 100, { min: 1 }),
    liveIntervalMs: numberFromEnv("SQL_LIVE_INTERVAL_MS", 1_000, { min: 0 }),
  }),
);
for (const routes of [
  grantRoutes,
  granteeRoutes,
  ownerRoutes,
  auditRoutes,
  issuerRoutes,
  statsRoutes,
  exploreRoutes,
])
  app.route("/", routes(ctx));
app.route("/", readyRoutes(ctx, backfillDone));
app.route("/", opsRoutes());

// Ponder mounts this app under its own router, which answers unknown paths in plain text: every
// unknown /v1 path answers JSON here instead.
app.all("/v1", noRoute);
app.all("/v1/*", noRoute);
app.route("/", dashboardRoutes());

export default app;
