/**
 * The fuzz suite's routes, read from the OpenAPI document the server serves: each operation's path
 * segments and query parameters get generators chosen by their schema (and, for known values, by
 * their name), valid queries follow the operation's x-one-of-groups and x-ranges; plus unknown
 * routes under /v1 made of the document's own path segments.
 */
import fc from "fast-check";

import { ZERO_HASH } from "../../../scripts/lib/grants.js";
import { typeId } from "../../../scripts/lib/deployment.js";
import { routesOf, type Answered, type OpenApiDocument, type Operation } from "../openapi.js";
import {
  badChainId,
  badCursor,
  badEnum,
  badHex,
  badLimit,
  badUint,
  junk,
  randomHex,
  validHex,
  validLimit,
} from "./arbitraries.js";
import { answered, checksOf, jsonBody } from "./checks.js";
import type { Answer } from "./http.js";
import { opt, pairs, req, type Pair, type ParamSpec, type RouteSpec } from "./requests.js";
import { PURPOSE_LABELS, TYPE_LABELS, type Seeded } from "./seed.js";

/** Generators of one parameter, chosen by its schema and, for known values, its name. */
function paramSpec(
  s: Seeded,
  cursors: Record<string, string[]>,
  operationId: string,
  name: string,
  schema: Record<string, unknown>,
): ParamSpec {
  const addr = (known: string[]): ParamSpec => ({
    valid: validHex(20, known),
    bad: badHex(20, known),
  });
  const hex32 = (known: string[]): ParamSpec => ({
    valid: validHex(32, known),
    bad: badHex(32, known),
  });
  if (Array.isArray(schema.enum)) {
    const values = schema.enum as string[];
    return { valid: fc.constantFrom(...values), bad: badEnum(values) };
  }
  if (name === "cursor") {
    const known = cursors[operationId] ?? [];
    // Cursors are opaque, but any string of the documented id shape is accepted: forge some.
    const forged = fc
      .tuple(
        fc.oneof(fc.constant(31337n), fc.bigInt({ min: 0n, max: 10n ** 30n })),
        fc.constantFrom(s.grantsAddress, s.registryAddress),
        fc.integer({ min: 40, max: 64 }),
        randomHex(32),
      )
      .map(([c, a, n, h]) =>
        Buffer.from(`${c}-${a}-0x${h.slice(2, 2 + n).toLowerCase()}`, "utf8").toString("base64url"),
      );
    return {
      valid:
        known.length > 0
          ? fc.oneof(
              { arbitrary: fc.constantFrom(...known), weight: 3 },
              { arbitrary: forged, weight: 1 },
            )
          : forged,
      bad: badCursor(known.length > 0 ? known : ["MzEzMzctMHgwMA"]),
    };
  }
  if (schema.type === "integer") {
    if (schema.maximum === 2 ** 31 - 1)
      return {
        valid: fc.oneof(
          { arbitrary: fc.constant("31337"), weight: 8 },
          { arbitrary: fc.constantFrom("031337", "0000031337"), weight: 1 },
          { arbitrary: fc.constantFrom("1", "2147483647", "31338"), weight: 1 },
        ),
        bad: badChainId,
      };
    if (schema.maximum === 100) return { valid: validLimit, bad: badLimit };
    if (schema.maximum === 366)
      return {
        valid: fc.oneof(
          fc.integer({ min: 1, max: 366 }).map(String),
          fc.constantFrom("001", "090"),
        ),
        bad: fc.oneof(fc.constantFrom("0", "367", "999", "0001", "1000"), badUint),
      };
    if (schema.format === "int64") {
      const head = s.blocks.length - 1;
      return {
        valid: fc.oneof(
          { arbitrary: fc.integer({ min: 0, max: head + 2 }).map(String), weight: 6 },
          { arbitrary: fc.constantFrom("9223372036854775807", "00000000000000000001"), weight: 1 },
        ),
        bad: badUint,
      };
    }
    if (schema.maximum === 2 ** 48 - 1) {
      const time0 = s.times[0]!;
      return {
        valid: fc.oneof(
          { arbitrary: fc.constantFrom(...s.times).map(String), weight: 3 },
          {
            arbitrary: fc.bigInt({ min: time0 - 1_000n, max: s.headTime + 1_000n }).map(String),
            weight: 3,
          },
          { arbitrary: fc.constantFrom("0", "281474976710655", "18446744073"), weight: 1 },
        ),
        bad: badUint,
      };
    }
  }
  const pattern = String(schema.pattern ?? "");
  if (pattern.includes("{40}")) {
    const known: Record<string, string[]> = {
      owner: s.owners,
      grantee: s.grantees,
      contract: [s.grantsAddress],
      registry: [s.registryAddress],
      issuer: s.issuers,
    };
    return addr(
      known[name] ?? [...s.owners, ...s.grantees, ...s.issuers, s.grantsAddress, s.registryAddress],
    );
  }
  if (pattern.includes("{64}"))
    return hex32(name === "grantId" ? s.grantIds : name === "dataHash" ? s.dataHashes : s.purposes);
  if (schema.type === "string" && schema.maxLength === 200)
    // A hash or a label that is hashed.
    return {
      valid: fc.oneof(
        fc.constantFrom(...PURPOSE_LABELS.filter((l) => l !== ""), ...TYPE_LABELS),
        validHex(32, [...s.purposes, ...TYPE_LABELS.map(typeId), ZERO_HASH]),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 50 }),
        fc.constantFrom("a".repeat(200), "\u00e9".repeat(200)),
      ),
      bad: fc.oneof(
        fc.constantFrom("", "a".repeat(201), "\ud83d\ude00".repeat(101)),
        fc.string({ minLength: 201, maxLength: 1_000 }),
        badHex(32, s.purposes),
      ),
    };
  throw new Error(
    `api-fuzz has no generator for ${operationId}'s parameter ${name} (${JSON.stringify(schema)}): add one to paramSpec`,
  );
}

/**
 * Queries of valid values only, from the document: required parameters always, optional ones now
 * and then (never with `requiredOnly`); `x-one-of-groups` (exactly one group, one or more of its
 * parameters) and `x-ranges` (ordered ends) as the operation declares them.
 */
function validQueryOf(
  operation: Operation,
  query: Record<string, ParamSpec>,
  requiredOnly = false,
): fc.Arbitrary<Pair[]> {
  const params = (operation.parameters ?? []).filter((p) => p.in === "query");
  const groups = (operation["x-one-of-groups"] as string[][] | undefined) ?? [];
  const ranges = (operation["x-ranges"] as [string, string][] | undefined) ?? [];
  const grouped = new Set(groups.flat());
  const free = pairs(
    ...params
      .filter((p) => !grouped.has(p.name) && (p.required || !requiredOnly))
      .map((p) => (p.required ? req : opt)(p.name, query[p.name]!.valid)),
  );
  const oneGroup =
    groups.length === 0
      ? fc.constant<Pair[]>([])
      : fc
          .constantFrom(...groups)
          .chain((g) => fc.subarray(g, { minLength: 1 }))
          .chain((names) =>
            fc.tuple(...names.map((n) => query[n]!.valid.map((v): Pair => [n, v]))),
          );
  return fc.tuple(oneGroup, free).map(([g, f]) => {
    const all: Pair[] = [...g, ...f];
    for (const [lo, hi] of ranges) {
      const a = all.find(([k]) => k === lo);
      const b = all.find(([k]) => k === hi);
      if (a && b && BigInt(String(a[1])) > BigInt(String(b[1]))) [a[1], b[1]] = [b[1], a[1]];
    }
    return all;
  });
}

/** The literal segments of the document's paths ("/v1/grants/{chainId}/…": "grants"), from index `from`. */
function literalSegments(document: OpenApiDocument, from: number, to = Infinity): Set<string> {
  const found = new Set<string>();
  for (const template of Object.keys(document.paths))
    for (const seg of template.split("/").slice(from, to))
      if (seg !== "" && !/^\{.+\}$/.test(seg)) found.add(seg);
  return found;
}

/** First segments of unknown routes under /v1: the document's own, their singulars, dot segments. */
function firstSegments(document: OpenApiDocument): string[] {
  const names = [...literalSegments(document, 2, 3)];
  return [...new Set([...names, ...names.map((n) => n.replace(/s$/, "")), "..", ".", ""])];
}

/** Last segments of unknown routes: the literal segments the document's paths end with. */
function laterSegments(document: OpenApiDocument): string[] {
  return [...literalSegments(document, 3)];
}

/** The RouteSpec of every operation in the document, plus unknown routes under /v1. */
export function routes(
  s: Seeded,
  cursors: Record<string, string[]>,
  document: OpenApiDocument,
  check: (answer: Answered) => string | null,
): RouteSpec[] {
  const conforms = (answer: Answer, target: string) => check(answered(target, answer));
  const checks = checksOf(document);
  const operations = routesOf(document);
  const ids = new Set(operations.map((r) => r.operation.operationId));
  const stray = Object.keys(checks).filter((id) => !ids.has(id));
  if (stray.length > 0)
    throw new Error(`api-fuzz checks operations the document does not have: ${stray.join(", ")}`);
  const specs = operations.map(({ template, operation }): RouteSpec => {
    const id = operation.operationId;
    const parameter = (name: string) => {
      const p = (operation.parameters ?? []).find((q) => q.name === name);
      if (!p) throw new Error(`${template}: {${name}} is not a parameter of ${id}`);
      return paramSpec(s, cursors, id, name, p.schema);
    };
    const query = Object.fromEntries(
      (operation.parameters ?? [])
        .filter((p) => p.in === "query")
        .map((p) => [p.name, paramSpec(s, cursors, id, p.name, p.schema)]),
    );
    return {
      name: `GET ${template}`,
      operationId: id,
      segments: template
        .slice(1)
        .split("/")
        .map((seg) => (/^\{.+\}$/.test(seg) ? parameter(seg.slice(1, -1)) : seg)),
      query,
      validQuery: validQueryOf(operation, query),
      firstPageQuery: validQueryOf(operation, query, true),
      conforms,
      check200: checks[id] ?? (() => null),
    };
  });
  const anyAddress = paramSpec(s, cursors, "", "any", { pattern: "{40}" });
  specs.push({
    name: "GET /v1/<unknown>",
    operationId: "",
    segments: [
      "v1",
      { valid: fc.constantFrom(...firstSegments(document)), bad: junk },
      { valid: anyAddress.valid, bad: junk },
      { valid: fc.constantFrom(...laterSegments(document), "x", ".."), bad: junk },
    ],
    query: { owner: paramSpec(s, cursors, "", "owner", { pattern: "{40}" }) },
    validQuery: fc.constant([]),
    conforms,
    check200: (answer) => jsonBody(answer, () => null),
    anyRoute: true,
  });
  return specs;
}
