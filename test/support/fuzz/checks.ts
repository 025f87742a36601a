/**
 * The fuzz suite's judges: the property every answer must hold (never a 5xx, every 4xx a JSON error,
 * valid input never refused, the OpenAPI document's status, content type and schema), and what each
 * operation's 200 must hold beyond its schema (CHECKS). The grant statuses come from the indexer
 * (indexer/src/names.ts), the audit CSV's columns from the served document.
 */
import { GRANT_STATUSES } from "../../../indexer/src/names.js";
import type { Answered, OpenApiDocument } from "../openapi.js";
import type { Answer } from "./http.js";
import type { RouteSpec, Target } from "./requests.js";

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks a 200 JSON body with `shape`; returns what is wrong, or null. */
export function jsonBody(answer: Answer, shape: (b: Obj) => string | null): string | null {
  if (!/^application\/json/.test(answer.headers["content-type"] ?? ""))
    return `200 with content-type ${answer.headers["content-type"]}`;
  const parsed = parseJson(answer.text);
  if (!parsed.ok) return "200 whose body is not JSON";
  if (!isObj(parsed.value)) return "200 whose body is not a JSON object";
  return shape(parsed.value);
}

const page = (b: Obj) =>
  !Array.isArray(b.items)
    ? "no items array"
    : b.nextCursor !== null && typeof b.nextCursor !== "string"
      ? "nextCursor is neither a string nor null"
      : null;

/** The statuses a grant of a list may have: the indexer's own list. */
const STATUSES: readonly string[] = GRANT_STATUSES;

function grantsPage(b: Obj): string | null {
  const bad = page(b);
  if (bad) return bad;
  for (const g of b.items as unknown[]) {
    if (!isObj(g) || typeof g.id !== "string" || !STATUSES.includes(String(g.status)))
      return `an item without id or with an unknown status: ${JSON.stringify(g).slice(0, 200)}`;
  }
  return null;
}

/** The audit stream's rows as the document declares them: their columns (CSV) and tables (NDJSON). */
interface AuditRow {
  columns: string[];
  tables: unknown[];
}

/**
 * The row of the operation whose 200 is CSV as well as NDJSON (the audit stream): the NDJSON schema's
 * properties, in order, are the CSV's columns (the schema says "a CSV row has the same columns").
 */
function auditRowOf(document: OpenApiDocument): AuditRow {
  for (const { get: operation } of Object.values(document.paths)) {
    const content = operation.responses["200"]?.content ?? {};
    const ref = content["application/x-ndjson"]?.schema.$ref;
    if (!content["text/csv"] || typeof ref !== "string") continue;
    const row = document.components.schemas[ref.split("/").at(-1)!];
    const properties = row?.properties as Record<string, { enum?: unknown[] }> | undefined;
    if (properties)
      return { columns: Object.keys(properties), tables: properties.table?.enum ?? [] };
  }
  throw new Error("the OpenAPI document has no audit stream (a 200 in CSV and NDJSON)");
}

function auditBody({ columns, tables }: AuditRow) {
  const header = columns.join(",");
  return (answer: Answer): string | null => {
    const type = answer.headers["content-type"] ?? "";
    const lines = answer.text === "" ? [] : answer.text.split("\n");
    if (lines.length > 0 && lines.pop() !== "") return "200 stream not ending with a newline";
    if (type.startsWith("text/csv")) {
      if (lines[0] !== header) return `CSV without the header line: ${lines[0]?.slice(0, 100)}`;
      for (const line of lines.slice(1))
        if (line.split(",").length !== columns.length) return `CSV row of the wrong width: ${line}`;
      return null;
    }
    if (type.startsWith("application/x-ndjson")) {
      for (const line of lines) {
        const parsed = parseJson(line);
        if (!parsed.ok || !isObj(parsed.value)) return `NDJSON line not a JSON object: ${line}`;
        if (!tables.includes(parsed.value.table)) return `NDJSON line without table: ${line}`;
      }
      return null;
    }
    return `200 with content-type ${type}`;
  };
}

/** Where a target lands once a server normalises it as a URL ("/v1/../x" and "/v1/%2e%2e/x" are "/x"). */
export function normalisedPath(target: string): string {
  try {
    return new URL(target, "http://127.0.0.1").pathname;
  } catch {
    return target;
  }
}

/** The property: what is wrong with this answer, or null. */
export function judge(route: RouteSpec, t: Target, answer: Answer): string | null {
  if (answer.status >= 500) return `${answer.status} (server error)`;
  const np = normalisedPath(t.target);
  // Outside /v1 after normalisation, Ponder's own router answers (plain-text 404): not the REST API.
  if (np !== "/v1" && !np.startsWith("/v1/")) return null;
  if (answer.status >= 400) {
    const parsed = parseJson(answer.text);
    if (!/^application\/json/.test(answer.headers["content-type"] ?? ""))
      return `${answer.status} with content-type ${answer.headers["content-type"] ?? "(none)"}`;
    if (!parsed.ok) return `${answer.status} whose body is not JSON`;
    const error = isObj(parsed.value) ? parsed.value.error : undefined;
    if (typeof error !== "string" || error.trim() === "")
      return `${answer.status} without a non-empty error message`;
    // Valid input may be unknown (404) but never refused as invalid.
    if (t.valid && answer.status === 400) return `valid input refused: ${error}`;
    return route.conforms(answer, t.target);
  }
  if (answer.status === 200) return route.conforms(answer, t.target) ?? route.check200(answer);
  return `unexpected status ${answer.status}`;
}

/**
 * What each operation's 200 must hold beyond its schema (the schema is checked first), by operation
 * id; routes.ts refuses an id the document does not have.
 */
export function checksOf(
  document: OpenApiDocument,
): Record<string, (answer: Answer) => string | null> {
  return {
    listGrants: (a) => jsonBody(a, grantsPage),
    getGrant: (a) =>
      jsonBody(a, (b) =>
        isObj(b.grant) && Array.isArray(b.history) ? null : "no grant object or history array",
      ),
    getGrantAt: (a) =>
      jsonBody(a, (b) =>
        isObj(b.asOf) && typeof b.existed === "boolean" && (b.grant === null || isObj(b.grant))
          ? b.existed === (b.grant !== null)
            ? null
            : "existed disagrees with grant"
          : "no asOf, existed or grant",
      ),
    getGranteeGrantsAt: (a) => jsonBody(a, (b) => (isObj(b.asOf) ? grantsPage(b) : "no asOf")),
    getRetention: (a) =>
      jsonBody(a, (b) => {
        const bad = grantsPage(b);
        if (bad) return bad;
        for (const i of b.items as Obj[]) {
          // unlocksAt is null only past JavaScript's last date (year 275760): a lock can be any uint64.
          const beyondDates = BigInt(i.lockedUntil as string) > 8_640_000_000_000n;
          const unlocksAtOk = beyondDates ? i.unlocksAt === null : typeof i.unlocksAt === "string";
          if (!unlocksAtOk || i.status !== "locked")
            return `a retention item not locked or without unlocksAt: ${JSON.stringify(i).slice(0, 200)}`;
        }
        return null;
      }),
    exportOwner: (a) =>
      jsonBody(a, (b) =>
        typeof b.owner === "string" && Array.isArray(b.grants) && Array.isArray(b.history)
          ? null
          : "no owner, grants or history",
      ),
    streamAuditChanges: auditBody(auditRowOf(document)),
    listIssuers: (a) => jsonBody(a, page),
    getIssuer: (a) =>
      jsonBody(a, (b) => (Array.isArray(b.items) && b.items.length > 0 ? null : "no items")),
    wasTrusted: (a) =>
      jsonBody(a, (b) => (typeof b.trusted === "boolean" ? null : "no trusted boolean")),
    getStats: (a) =>
      jsonBody(a, (b) =>
        typeof b.by === "string" && Array.isArray(b.items) ? null : "no by or items",
      ),
    getStatsSeries: (a) =>
      jsonBody(a, (b) =>
        Array.isArray(b.points) && b.points.length === b.days
          ? null
          : `${Array.isArray(b.points) ? b.points.length : "no"} points for days=${String(b.days)}`,
      ),
    countAuditChanges: (a) =>
      jsonBody(a, (b) =>
        b.total === Number(b.grantChanges) + Number(b.issuerChanges)
          ? null
          : "total is not grantChanges + issuerChanges",
      ),
    search: (a) =>
      jsonBody(a, (b) =>
        typeof b.query === "string" && Array.isArray(b.matches) ? null : "no query or matches",
      ),
    getReady: (a) => jsonBody(a, (b) => (typeof b.ready === "boolean" ? null : "no ready")),
    getOpenApiDocument: (a) =>
      jsonBody(a, (b) => (typeof b.openapi === "string" ? null : "no openapi")),
  };
}

/** An answer as the OpenAPI checker (test/support/openapi.ts) reads it. */
export function answered(target: string, answer: Answer): Answered {
  return {
    target,
    status: answer.status,
    contentType: answer.headers["content-type"] ?? "",
    text: answer.text,
  };
}
