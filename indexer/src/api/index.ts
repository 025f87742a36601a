/**
 * The indexer's one server: Ponder's GraphQL (`/graphql`) and SQL over HTTP (`/sql/*`), and the REST
 * API under `/v1` (validated inputs, cursor pagination, JSON errors, OpenAPI at `/v1/openapi.json`).
 * Reference: indexer/README.md.
 */
import { db, publicClients } from "ponder:api";
import schema, { credentialType, grant, grantEvent, issuer, issuerEvent } from "ponder:schema";
import { is } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { Hono, type Context } from "hono";
import { stream } from "hono/streaming";
import { and, asc, count, desc, eq, graphql, gt, gte, lte, or, sql } from "ponder";
import { z } from "zod";

import { analyzeSchedule, scheduleAnalyze } from "./analyze.js";
import { Budget } from "./budget.js";
import { CheckpointWatcher } from "./checkpoint.js";
import { numberFromEnv } from "./env.js";
import { assertGateInstalled, gateSettings, installGate } from "./gate.js";
import { openApiDocument } from "./openapi";
import {
  pgliteExecutor,
  postgresExecutor,
  type PgliteLike,
  type PoolLike,
  type SqlExecutor,
} from "./sql/execute.js";
import { sqlRoutes } from "./sql/routes.js";
import {
  DEFAULT_PAGE,
  address,
  asOf,
  blockNumber,
  chainId,
  cursor,
  describeError,
  encodeCursor,
  grantStatus,
  hash,
  hashOrLabel,
  limit,
  timestamp,
} from "./validation";

/** A SQL condition (drizzle). */
type SQL = NonNullable<ReturnType<typeof and>>;

// Every request passes the gate first (src/api/gate.ts): client identity behind trusted proxies, the
// work budget, private /metrics and /status, CORS only where a browser needs it.
const budget = new Budget();
installGate(budget, gateSettings());
assertGateInstalled();

const app = new Hono();

/** Our tables (SQL names) and the schema Ponder put them in. */
const tableNames = (Object.values(schema) as unknown[])
  .filter((t): t is PgTable => is(t, PgTable))
  .map((t) => getTableConfig(t).name);
const schemaName = getTableConfig(grant).schema ?? "public";

/** Ponder's database client under `db` (drizzle's `$client`): PGlite, or its read-only pool. */
const dbClient = (db as unknown as { $client: unknown }).$client;
const executor: SqlExecutor =
  typeof (dbClient as PgliteLike).transaction === "function" &&
  typeof (dbClient as { exec?: unknown }).exec === "function"
    ? pgliteExecutor(dbClient as PgliteLike, schemaName, tableNames)
    : postgresExecutor(dbClient as PoolLike, schemaName);

/** How far indexing has got (Ponder's `_ponder_checkpoint`, read every 250 ms). */
const watcher = new CheckpointWatcher(async () =>
  executor.internal(`SELECT latest_checkpoint FROM "${schemaName}"."_ponder_checkpoint"`),
).start();

// GraphQL limits: a query may nest 8 levels, use 20 aliases and 2,000 tokens (Ponder caps pages at 1,000 rows).
app.use(
  "/graphql",
  graphql(
    { db, schema },
    { maxOperationDepth: 8, maxOperationAliases: 20, maxOperationTokens: 2000 },
  ),
);
// PGlite never analyzes its tables by itself: refresh the planner's statistics once the backfill is
// done and then now and then (src/api/analyze.ts). PostgreSQL's autovacuum does it there.
if (executor.dialect === "pglite") {
  // Ponder's own readiness flag (what its /ready answers), in its metadata table.
  const backfillDone = async () => {
    const rows = await executor.internal(`SELECT value FROM "${schemaName}"."_ponder_meta"`);
    return rows.some((r) => (r as { value?: { is_ready?: number } }).value?.is_ready === 1);
  };
  scheduleAnalyze(
    (statement) => executor.internal(statement),
    { schema: schemaName, tables: tableNames },
    backfillDone,
    analyzeSchedule(),
  );
}

// SQL over HTTP (@ponder/client's wire format), ours: our own parse and allow-lists, a read-only
// transaction, planned work bounded, answers capped (src/api/sql/).
app.route(
  "/",
  sqlRoutes({
    executor,
    scope: { schema: schemaName, tables: new Set(tableNames) },
    limits: {
      maxRows: numberFromEnv("SQL_MAX_ROWS", 10_000, { min: 1 }),
      maxCost: numberFromEnv("SQL_MAX_COST", 2_000_000, { min: 1 }),
      maxWork: numberFromEnv("SQL_MAX_WORK", 300_000, { min: 1 }),
      timeoutMs: numberFromEnv("SQL_TIMEOUT_MS", 5_000, { min: 1 }),
    },
    budget,
    watcher,
    maxLive: numberFromEnv("SQL_MAX_LIVE", 100, { min: 1 }),
    liveIntervalMs: numberFromEnv("SQL_LIVE_INTERVAL_MS", 1_000, { min: 0 }),
  }),
);

// ---------------------------------------------------------------- plumbing

class HttpError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 503,
    message: string,
  ) {
    super(message);
  }
}

app.onError((error, c) => {
  if (error instanceof HttpError) return c.json({ error: error.message }, error.status);
  console.error(error);
  return c.json({ error: "internal error" }, 500);
});
app.notFound((c) =>
  c.json({ error: `no route ${c.req.method} ${c.req.path} (see /v1/openapi.json)` }, 404),
);

/** Parses `input` with `schema` or throws a 400 that says what was wrong. */
function parse<T extends z.ZodType>(schemaT: T, input: unknown): z.output<T> {
  const result = schemaT.safeParse(input);
  if (!result.success) throw new HttpError(400, describeError(result.error));
  return result.data;
}

/** JSON with bigints as decimal strings. */
function json(c: Context, body: unknown, status: 200 = 200) {
  return c.body(
    JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
    status,
    {
      "content-type": "application/json; charset=utf-8",
    },
  );
}

const clientsByChain = new Map<number, (typeof publicClients)[keyof typeof publicClients]>();
for (const [name, client_] of Object.entries(publicClients)) {
  clientsByChain.set(Number(name.replace(/^chain/, "")), client_);
}

const headCache = new Map<number, { at: number; time: bigint; number: bigint }>();

/** The chain head's number and time (cached for one second): "now" for derived status. */
async function head(chain: number): Promise<{ time: bigint; number: bigint }> {
  const cached = headCache.get(chain);
  if (cached && Date.now() - cached.at < 1000) return cached;
  const c = clientsByChain.get(chain);
  if (!c)
    throw new HttpError(
      404,
      `chain ${chain} is not indexed (indexed: ${[...clientsByChain.keys()].join(", ")})`,
    );
  try {
    const block = await withTimeout(c.getBlock({ blockTag: "latest" }), RPC_TIMEOUT_MS);
    const value = { at: Date.now(), time: block.timestamp, number: block.number };
    headCache.set(chain, value);
    return value;
  } catch {
    // The RPC is down or slow (Ponder's client retries for long): answer from the last known head,
    // so that indexed data stays readable during an outage.
    if (cached) return cached;
    throw new HttpError(503, `chain ${chain}'s RPC does not answer; try again shortly`);
  }
}

/** How long a request waits for the chain head before answering from the last known one. */
const RPC_TIMEOUT_MS = 1500;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function blockTime(chain: number, number: bigint): Promise<bigint> {
  const c = clientsByChain.get(chain);
  if (!c) throw new HttpError(404, `chain ${chain} is not indexed`);
  try {
    return (await withTimeout(c.getBlock({ blockNumber: number }), RPC_TIMEOUT_MS)).timestamp;
  } catch {
    throw new HttpError(404, `block ${number} does not exist on chain ${chain} yet`);
  }
}

/** Unix seconds as an ISO date, or null past JavaScript's last date (a lock can be any uint64). */
function isoDate(seconds: bigint): string | null {
  return seconds <= 8_640_000_000_000n ? new Date(Number(seconds) * 1000).toISOString() : null;
}

type GrantRow = typeof grant.$inferSelect;
type GrantEventRow = typeof grantEvent.$inferSelect;

/** The status a user sees at time `now`: stored status, with "expired" and "locked" derived. */
function effectiveStatus(g: Pick<GrantRow, "status" | "lockedUntil" | "expiresAt">, now: bigint) {
  if (g.status !== "active") return g.status;
  if (g.expiresAt !== 0n && g.expiresAt <= now) return "expired";
  return g.lockedUntil > now ? "locked" : "active";
}

function present(g: GrantRow | GrantEventRow, now: bigint) {
  const status = effectiveStatus(g, now);
  return {
    ...g,
    status,
    storedStatus: g.status,
    isGranted: status === "active" || status === "locked",
    locked: status === "locked",
  };
}

/** SQL for a derived status at `now` (one chain). */
function statusCondition(status: z.output<typeof grantStatus>, now: bigint): SQL {
  const notExpired = or(eq(grant.expiresAt, 0n), gt(grant.expiresAt, now))!;
  switch (status) {
    case "active":
      return and(eq(grant.status, "active"), notExpired, lte(grant.lockedUntil, now))!;
    case "locked":
      return and(eq(grant.status, "active"), notExpired, gt(grant.lockedUntil, now))!;
    case "expired":
      return and(eq(grant.status, "active"), gt(grant.expiresAt, 0n), lte(grant.expiresAt, now))!;
    default:
      return eq(grant.status, status);
  }
}

// ---------------------------------------------------------------- grants

const listQuery = z
  .object({
    owner: address.optional(),
    grantee: address.optional(),
    purpose: hashOrLabel.optional(),
    dataHash: hash.optional(),
    status: grantStatus.optional(),
    chainId: chainId.optional(),
    contract: address.optional(),
    cursor,
    limit,
  })
  .strict();

app.get("/v1/grants", async (c) => {
  const q = parse(listQuery, c.req.query());
  const where: SQL[] = [];
  if (q.owner) where.push(eq(grant.owner, q.owner));
  if (q.grantee) where.push(eq(grant.grantee, q.grantee));
  if (q.purpose) where.push(eq(grant.purpose, q.purpose));
  if (q.dataHash) where.push(eq(grant.dataHash, q.dataHash));
  if (q.chainId !== undefined) where.push(eq(grant.chainId, q.chainId));
  if (q.contract) where.push(eq(grant.contract, q.contract));
  if (q.cursor) where.push(gt(grant.id, q.cursor));
  const chains = q.chainId !== undefined ? [q.chainId] : [...clientsByChain.keys()];
  const nows = new Map<number, bigint>();
  for (const chain of chains) nows.set(chain, (await head(chain)).time);
  if (q.status) {
    const status = q.status;
    where.push(
      or(
        ...chains.map((chain) =>
          and(eq(grant.chainId, chain), statusCondition(status, nows.get(chain)!))!,
        ),
      )!,
    );
  }
  const size = q.limit ?? DEFAULT_PAGE;
  const rows = await db
    .select()
    .from(grant)
    .where(and(...where))
    .orderBy(asc(grant.id))
    .limit(size + 1);
  const page = rows.slice(0, size);
  return json(c, {
    items: page.map((g) => present(g, nows.get(g.chainId) ?? 0n)),
    nextCursor: rows.length > size ? encodeCursor(page[page.length - 1]!.id) : null,
  });
});

const grantParams = z.object({ chainId, grantId: hash });
const grantQuery = z.object({ contract: address.optional() }).strict();

async function findGrants(chain: number, grantId: `0x${string}`, contract?: `0x${string}`) {
  const rows = await db
    .select()
    .from(grant)
    .where(
      and(
        eq(grant.chainId, chain),
        eq(grant.grantId, grantId),
        contract ? eq(grant.contract, contract) : undefined,
      ),
    );
  if (rows.length === 0) throw new HttpError(404, `no grant ${grantId} on chain ${chain}`);
  if (rows.length > 1) {
    throw new HttpError(
      409,
      `grant ${grantId} exists in ${rows.length} deployments on chain ${chain}: add ?contract=`,
    );
  }
  return rows[0]!;
}

app.get("/v1/grants/:chainId/:grantId", async (c) => {
  const p = parse(grantParams, c.req.param());
  const q = parse(grantQuery, c.req.query());
  const g = await findGrants(p.chainId, p.grantId, q.contract);
  const history = await db
    .select()
    .from(grantEvent)
    .where(
      and(
        eq(grantEvent.chainId, p.chainId),
        eq(grantEvent.contract, g.contract),
        eq(grantEvent.grantId, p.grantId),
      ),
    )
    .orderBy(asc(grantEvent.blockNumber), asc(grantEvent.logIndex), asc(grantEvent.id));
  const now = (await head(p.chainId)).time;
  return json(c, { grant: present(g, now), history });
});

/** Resolves an "as of" query to a block bound or a time bound, and the time statuses are judged at. */
async function resolveAsOf(chain: number, q: z.output<typeof asOf>) {
  if (q.block !== undefined) {
    const time = await blockTime(chain, q.block);
    return { bound: lte(grantEvent.blockNumber, q.block), time, block: q.block, timestamp: time };
  }
  return {
    bound: lte(grantEvent.blockTime, q.timestamp!),
    time: q.timestamp!,
    block: null,
    timestamp: q.timestamp!,
  };
}

app.get("/v1/grants/:chainId/:grantId/at", async (c) => {
  const p = parse(grantParams, c.req.param());
  const { contract, ...rest } = c.req.query();
  const q = parse(asOf, rest);
  const contractAddr =
    contract === undefined
      ? undefined
      : parse(z.object({ contract: address }), { contract }).contract;
  const g = await findGrants(p.chainId, p.grantId, contractAddr);
  const at = await resolveAsOf(p.chainId, q);
  const [last] = await db
    .select()
    .from(grantEvent)
    .where(
      and(
        eq(grantEvent.chainId, p.chainId),
        eq(grantEvent.contract, g.contract),
        eq(grantEvent.grantId, p.grantId),
        at.bound,
      ),
    )
    .orderBy(desc(grantEvent.blockNumber), desc(grantEvent.logIndex), desc(grantEvent.id))
    .limit(1);
  return json(c, {
    asOf: { block: at.block, timestamp: at.timestamp },
    grant: last ? present(last, at.time) : null,
    existed: last !== undefined,
  });
});

const granteeAtQuery = z
  .object({
    block: blockNumber.optional(),
    timestamp: timestamp.optional(),
    chainId,
    cursor,
    limit,
  })
  .strict()
  .refine((q) => (q.block === undefined) !== (q.timestamp === undefined), {
    message: "give exactly one of block or timestamp",
    path: ["block"],
  });

app.get("/v1/grantees/:grantee/grants/at", async (c) => {
  const { grantee } = parse(z.object({ grantee: address }), c.req.param());
  const q = parse(granteeAtQuery, c.req.query());
  const at = await resolveAsOf(q.chainId, q);
  const size = q.limit ?? DEFAULT_PAGE;
  const after = q.cursor ? q.cursor.split("-") : null;
  const rows = await db
    .selectDistinctOn([grantEvent.contract, grantEvent.grantId])
    .from(grantEvent)
    .where(
      and(
        eq(grantEvent.chainId, q.chainId),
        eq(grantEvent.grantee, grantee),
        at.bound,
        after
          ? sql`(${grantEvent.contract}, ${grantEvent.grantId}) > (${after[1]}, ${after[2]})`
          : undefined,
      ),
    )
    .orderBy(
      asc(grantEvent.contract),
      asc(grantEvent.grantId),
      desc(grantEvent.blockNumber),
      desc(grantEvent.logIndex),
      desc(grantEvent.id),
    )
    .limit(size + 1);
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return json(c, {
    asOf: { block: at.block, timestamp: at.timestamp },
    items: page.map((e) => present(e, at.time)),
    nextCursor:
      rows.length > size && last
        ? encodeCursor(`${q.chainId}-${last.contract}-${last.grantId}`)
        : null,
  });
});

const retentionQuery = z.object({ chainId: chainId.optional(), cursor, limit }).strict();

app.get("/v1/grantees/:grantee/retention", async (c) => {
  const { grantee } = parse(z.object({ grantee: address }), c.req.param());
  const q = parse(retentionQuery, c.req.query());
  const chains = q.chainId !== undefined ? [q.chainId] : [...clientsByChain.keys()];
  const nows = new Map<number, bigint>();
  for (const chain of chains) nows.set(chain, (await head(chain)).time);
  const size = q.limit ?? DEFAULT_PAGE;
  const rows = await db
    .select()
    .from(grant)
    .where(
      and(
        eq(grant.grantee, grantee),
        q.cursor ? gt(grant.id, q.cursor) : undefined,
        or(
          ...chains.map((chain) =>
            and(eq(grant.chainId, chain), statusCondition("locked", nows.get(chain)!))!,
          ),
        )!,
      ),
    )
    .orderBy(asc(grant.id))
    .limit(size + 1);
  const page = rows.slice(0, size);
  return json(c, {
    items: page.map((g) => ({
      ...present(g, nows.get(g.chainId)!),
      unlocksAt: isoDate(g.lockedUntil),
    })),
    nextCursor: rows.length > size ? encodeCursor(page[page.length - 1]!.id) : null,
  });
});

app.get("/v1/owners/:owner/export", async (c) => {
  const { owner } = parse(z.object({ owner: address }), c.req.param());
  parse(z.object({}).strict(), c.req.query());
  const grants = await db.select().from(grant).where(eq(grant.owner, owner)).orderBy(asc(grant.id));
  const history = await db
    .select()
    .from(grantEvent)
    .where(eq(grantEvent.owner, owner))
    .orderBy(
      asc(grantEvent.chainId),
      asc(grantEvent.blockNumber),
      asc(grantEvent.logIndex),
      asc(grantEvent.id),
    );
  const nows = new Map<number, bigint>();
  for (const g of grants)
    if (!nows.has(g.chainId)) nows.set(g.chainId, (await head(g.chainId)).time);
  c.header("content-disposition", `attachment; filename="grants-${owner}.json"`);
  return json(c, {
    owner,
    exportedAt: new Date().toISOString(),
    grants: grants.map((g) => present(g, nows.get(g.chainId)!)),
    history,
  });
});

// ---------------------------------------------------------------- audit export

const auditQuery = z
  .object({
    fromBlock: blockNumber.optional(),
    toBlock: blockNumber.optional(),
    fromTime: timestamp.optional(),
    toTime: timestamp.optional(),
    chainId: chainId.optional(),
    format: z.enum(["csv", "ndjson"], { error: "must be csv or ndjson" }).optional(),
  })
  .strict()
  .refine(
    (q) =>
      (q.fromBlock !== undefined || q.toBlock !== undefined) !==
      (q.fromTime !== undefined || q.toTime !== undefined),
    {
      message: "give a block range (fromBlock/toBlock) or a time range (fromTime/toTime), not both",
      path: ["fromBlock"],
    },
  )
  .refine((q) => (q.fromBlock ?? 0n) <= (q.toBlock ?? 2n ** 63n), {
    message: "must not be before fromBlock",
    path: ["toBlock"],
  })
  .refine((q) => (q.fromTime ?? 0n) <= (q.toTime ?? 2n ** 48n), {
    message: "must not be before fromTime",
    path: ["toTime"],
  });

const CSV_COLUMNS = [
  "table",
  "chainId",
  "contract",
  "blockNumber",
  "blockTime",
  "txHash",
  "logIndex",
  "change",
  "subject",
  "owner",
  "grantee",
  "dataHash",
  "purpose",
  "status",
  "lockedUntil",
  "expiresAt",
  "related",
] as const;

type AuditRow = Record<(typeof CSV_COLUMNS)[number], string | number | bigint | null>;

const BATCH = 1000;

app.get("/v1/audit/changes", async (c) => {
  const q = parse(auditQuery, c.req.query());
  const format = q.format ?? "ndjson";
  c.header("content-type", format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson");
  c.header("content-disposition", `attachment; filename="changes.${format}"`);
  const byBlock = q.fromBlock !== undefined || q.toBlock !== undefined;
  return stream(c, async (out) => {
    if (format === "csv") await out.write(CSV_COLUMNS.join(",") + "\n");
    const write = async (row: AuditRow) => {
      if (format === "csv") {
        await out.write(
          CSV_COLUMNS.map((k) => (row[k] === null ? "" : String(row[k]))).join(",") + "\n",
        );
      } else {
        await out.write(
          JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) + "\n",
        );
      }
    };
    // Keyset pagination in batches: memory stays flat whatever the range.
    for (const table of ["grant", "issuer"] as const) {
      const t = table === "grant" ? grantEvent : issuerEvent;
      let last: { block: bigint; log: number; id: string } | null = null;
      for (;;) {
        const where = and(
          q.chainId !== undefined ? eq(t.chainId, q.chainId) : undefined,
          byBlock ? gte(t.blockNumber, q.fromBlock ?? 0n) : gte(t.blockTime, q.fromTime ?? 0n),
          byBlock
            ? q.toBlock !== undefined
              ? lte(t.blockNumber, q.toBlock)
              : undefined
            : q.toTime !== undefined
              ? lte(t.blockTime, q.toTime)
              : undefined,
          last
            ? sql`(${t.blockNumber}, ${t.logIndex}, ${t.id}) > (${last.block}, ${last.log}, ${last.id})`
            : undefined,
        );
        const rows = await db
          .select()
          .from(t)
          .where(where)
          .orderBy(asc(t.blockNumber), asc(t.logIndex), asc(t.id))
          .limit(BATCH);
        for (const r of rows) {
          if (table === "grant") {
            const g = r as GrantEventRow;
            await write({
              table,
              chainId: g.chainId,
              contract: g.contract,
              blockNumber: g.blockNumber,
              blockTime: g.blockTime,
              txHash: g.txHash,
              logIndex: g.logIndex,
              change: g.kind,
              subject: g.grantId,
              owner: g.owner,
              grantee: g.grantee,
              dataHash: g.dataHash,
              purpose: g.purpose,
              status: g.status,
              lockedUntil: g.lockedUntil,
              expiresAt: g.expiresAt,
              related: g.relatedGrantId,
            });
          } else {
            const e = r as typeof issuerEvent.$inferSelect;
            await write({
              table,
              chainId: e.chainId,
              contract: e.registry,
              blockNumber: e.blockNumber,
              blockTime: e.blockTime,
              txHash: e.txHash,
              logIndex: e.logIndex,
              change: e.action,
              subject: e.issuer,
              owner: null,
              grantee: null,
              dataHash: null,
              purpose: null,
              status: e.status,
              lockedUntil: null,
              expiresAt: null,
              related: e.relatedKey,
            });
          }
        }
        if (rows.length < BATCH) break;
        const tail = rows[rows.length - 1]!;
        last = { block: tail.blockNumber, log: tail.logIndex, id: tail.id };
      }
    }
  });
});

// ---------------------------------------------------------------- issuers

const issuerListQuery = z
  .object({
    chainId: chainId.optional(),
    status: z
      .enum(["active", "suspended", "removed", "rotated"], {
        error: "must be active, suspended, removed or rotated",
      })
      .optional(),
    cursor,
    limit,
  })
  .strict();

/** The credential types of each (chain, registry), read once per request. */
function typeResolver() {
  const loaded = new Map<string, Promise<(typeof credentialType.$inferSelect)[]>>();
  return async (chain: number, registry: `0x${string}`, bits: bigint) => {
    const key = `${chain}-${registry}`;
    if (!loaded.has(key)) {
      loaded.set(
        key,
        db
          .select()
          .from(credentialType)
          .where(and(eq(credentialType.chainId, chain), eq(credentialType.registry, registry))),
      );
    }
    const types = await loaded.get(key)!;
    return types.filter((t) => (bits >> BigInt(t.bit)) & 1n).map((t) => t.typeId);
  };
}

app.get("/v1/issuers", async (c) => {
  const q = parse(issuerListQuery, c.req.query());
  const size = q.limit ?? DEFAULT_PAGE;
  const rows = await db
    .select()
    .from(issuer)
    .where(
      and(
        q.chainId !== undefined ? eq(issuer.chainId, q.chainId) : undefined,
        q.status ? eq(issuer.status, q.status) : undefined,
        q.cursor ? gt(issuer.id, q.cursor) : undefined,
      ),
    )
    .orderBy(asc(issuer.id))
    .limit(size + 1);
  const page = rows.slice(0, size);
  const typesOf = typeResolver();
  const items = [];
  for (const r of page)
    items.push({ ...r, credentialTypes: await typesOf(r.chainId, r.registry, r.typeBits) });
  return json(c, {
    items,
    nextCursor: rows.length > size ? encodeCursor(page[page.length - 1]!.id) : null,
  });
});

const issuerParams = z.object({ chainId, issuer: address });

app.get("/v1/issuers/:chainId/:issuer", async (c) => {
  const p = parse(issuerParams, c.req.param());
  parse(z.object({}).strict(), c.req.query());
  const rows = await db
    .select()
    .from(issuer)
    .where(and(eq(issuer.chainId, p.chainId), eq(issuer.issuer, p.issuer)));
  if (rows.length === 0) throw new HttpError(404, `no issuer ${p.issuer} on chain ${p.chainId}`);
  const typesOf = typeResolver();
  const items = [];
  for (const r of rows) {
    const history = await db
      .select()
      .from(issuerEvent)
      .where(
        and(
          eq(issuerEvent.chainId, p.chainId),
          eq(issuerEvent.registry, r.registry),
          eq(issuerEvent.issuer, p.issuer),
        ),
      )
      .orderBy(asc(issuerEvent.blockNumber), asc(issuerEvent.logIndex));
    items.push({
      ...r,
      credentialTypes: await typesOf(r.chainId, r.registry, r.typeBits),
      history,
    });
  }
  return json(c, { items });
});

const trustedQuery = z
  .object({ type: hashOrLabel, at: timestamp.optional(), registry: address.optional() })
  .strict();

app.get("/v1/issuers/:chainId/:issuer/trusted", async (c) => {
  const p = parse(issuerParams, c.req.param());
  const q = parse(trustedQuery, c.req.query());
  const at = q.at ?? (await head(p.chainId)).time;
  const registries = await db
    .selectDistinct({ registry: issuerEvent.registry })
    .from(issuerEvent)
    .where(
      and(
        eq(issuerEvent.chainId, p.chainId),
        q.registry ? eq(issuerEvent.registry, q.registry) : undefined,
      ),
    );
  if (registries.length > 1)
    throw new HttpError(
      409,
      `chain ${p.chainId} has ${registries.length} registries: add ?registry=`,
    );
  const registry = registries[0]?.registry ?? null;
  const [type] = registry
    ? await db
        .select()
        .from(credentialType)
        .where(
          and(
            eq(credentialType.chainId, p.chainId),
            eq(credentialType.registry, registry),
            eq(credentialType.typeId, q.type),
          ),
        )
    : [];
  const [record] = registry
    ? await db
        .select()
        .from(issuerEvent)
        .where(
          and(
            eq(issuerEvent.chainId, p.chainId),
            eq(issuerEvent.registry, registry),
            eq(issuerEvent.issuer, p.issuer),
            lte(issuerEvent.blockTime, at),
          ),
        )
        .orderBy(desc(issuerEvent.blockNumber), desc(issuerEvent.logIndex))
        .limit(1)
    : [];
  const trusted =
    type !== undefined &&
    record !== undefined &&
    record.status === "active" &&
    ((record.typeBits >> BigInt(type.bit)) & 1n) === 1n &&
    record.validFrom <= at &&
    (record.validUntil === 0n || at < record.validUntil);
  return json(c, { issuer: p.issuer, credentialType: q.type, at, trusted, record: record ?? null });
});

// ---------------------------------------------------------------- aggregates

const statsQuery = z
  .object({
    by: z.enum(["grantee", "purpose", "status", "day", "issuer"], {
      error: "must be grantee, purpose, status, day or issuer",
    }),
    chainId: chainId.optional(),
    limit,
  })
  .strict();

/** Counts that never name an owner: aggregated by grantee, purpose, status, day or issuer. */
app.get("/v1/stats", async (c) => {
  const q = parse(statsQuery, c.req.query());
  const size = q.limit ?? DEFAULT_PAGE;
  const chainFilter = q.chainId !== undefined ? eq(grant.chainId, q.chainId) : undefined;
  let items: { key: string; count: number }[];
  if (q.by === "grantee" || q.by === "purpose") {
    const column = q.by === "grantee" ? grant.grantee : grant.purpose;
    const rows = await db
      .select({ key: column, count: count() })
      .from(grant)
      .where(chainFilter)
      .groupBy(column)
      .orderBy(desc(count()), asc(column))
      .limit(size);
    items = rows.map((r) => ({ key: r.key, count: Number(r.count) }));
  } else if (q.by === "status") {
    const rows = await db
      .select({ key: grant.status, count: count() })
      .from(grant)
      .where(chainFilter)
      .groupBy(grant.status);
    items = rows.map((r) => ({ key: r.key, count: Number(r.count) }));
  } else if (q.by === "day") {
    const day = sql<string>`to_char(to_timestamp(${grantEvent.blockTime}::double precision), 'YYYY-MM-DD')`;
    const rows = await db
      .select({ key: day, count: count() })
      .from(grantEvent)
      .where(q.chainId !== undefined ? eq(grantEvent.chainId, q.chainId) : undefined)
      .groupBy(day)
      .orderBy(desc(day))
      .limit(size);
    items = rows.map((r) => ({ key: r.key, count: Number(r.count) }));
  } else {
    const rows = await db
      .select({ key: issuerEvent.issuer, count: count() })
      .from(issuerEvent)
      .where(q.chainId !== undefined ? eq(issuerEvent.chainId, q.chainId) : undefined)
      .groupBy(issuerEvent.issuer)
      .orderBy(desc(count()), asc(issuerEvent.issuer))
      .limit(size);
    items = rows.map((r) => ({ key: r.key, count: Number(r.count) }));
  }
  return json(c, { by: q.by, items });
});

// ---------------------------------------------------------------- readiness and docs

/** Ready = Ponder finished its backfill and every chain is indexed up to the head (within 1 block). */
app.get("/v1/ready", async (c) => {
  // Ask this very server over loopback, on the port the request arrived on: never the Host header,
  // which a client controls.
  const incoming = (c.env as { incoming?: { socket?: { localPort?: number } } } | undefined)
    ?.incoming;
  const port = incoming?.socket?.localPort;
  if (port === undefined) return c.json({ ready: false, reason: "status unavailable" }, 503);
  const base = `http://127.0.0.1:${port}`;
  let status: Record<string, { id: number; block: { number: number } | null }>;
  try {
    const ready = await fetch(`${base}/ready`);
    if (!ready.ok) return c.json({ ready: false, reason: "backfill in progress" }, 503);
    status = (await (await fetch(`${base}/status`)).json()) as typeof status;
  } catch {
    return c.json({ ready: false, reason: "status unavailable" }, 503);
  }
  const chains = [];
  for (const [name, s] of Object.entries(status)) {
    const client_ = clientsByChain.get(s.id);
    let headNumber: number | null = null;
    try {
      headNumber = client_
        ? Number(await withTimeout(client_.getBlockNumber({ cacheTime: 0 }), RPC_TIMEOUT_MS))
        : null;
    } catch {
      headNumber = null;
    }
    const indexed = s.block?.number ?? null;
    chains.push({
      name,
      chainId: s.id,
      indexed,
      head: headNumber,
      caughtUp: indexed !== null && headNumber !== null && indexed >= headNumber - 1,
    });
  }
  const ready = chains.length > 0 && chains.every((ch) => ch.caughtUp);
  return c.json({ ready, chains }, ready ? 200 : 503);
});

app.get("/v1/openapi.json", (c) => c.json(openApiDocument));

// Ponder mounts this app under its own router, which answers unknown paths in plain text: every
// unknown /v1 path answers JSON here instead.
app.all("/v1", (c) =>
  c.json({ error: `no route ${c.req.method} ${c.req.path} (see /v1/openapi.json)` }, 404),
);
app.all("/v1/*", (c) =>
  c.json({ error: `no route ${c.req.method} ${c.req.path} (see /v1/openapi.json)` }, 404),
);

export default app;
