/**
 * The fuzz suite's request generators: a route's spec (its path segments and query parameters, each
 * with valid and bad values, and its checks), then whole requests of a route: valid ones, and ones
 * that mix valid and bad values with repeated and unknown parameters, odd separators and encodings.
 */
import fc from "fast-check";

import { encode, junk, modeArb, type V } from "./arbitraries.js";
import type { Answer } from "./http.js";

/** Node's HTTP parser refuses request heads over 16 KiB (431) before the API sees them. */
const MAX_URL = 12_000;

export type Pair = [key: V, value: V | null];

export interface ParamSpec {
  valid: fc.Arbitrary<V>;
  bad: fc.Arbitrary<V>;
}

export interface RouteSpec {
  name: string;
  /** The document's operation ("" for unknown routes). */
  operationId: string;
  segments: (string | ParamSpec)[];
  query: Record<string, ParamSpec>;
  /** Queries of valid values only (required parameters, the operation's x-one-of-groups, x-ranges). */
  validQuery: fc.Arbitrary<Pair[]>;
  /** The same without optional filters: broad first pages, whose nextCursor the fuzz reuses. */
  firstPageQuery?: fc.Arbitrary<Pair[]>;
  /** What is wrong with an answer (any status) by the OpenAPI document, or null. */
  conforms(answer: Answer, target: string): string | null;
  /** What else is wrong with a 200, or null. */
  check200(answer: Answer): string | null;
  /** Paths that may land on any route: the "valid input is never refused" check does not apply. */
  anyRoute?: boolean;
}

export const opt = (key: string, a: fc.Arbitrary<V>): fc.Arbitrary<Pair[]> =>
  fc.oneof(
    fc.constant<Pair[]>([]),
    a.map((v): Pair[] => [[key, v]]),
  );
export const req = (key: string, a: fc.Arbitrary<V>): fc.Arbitrary<Pair[]> =>
  a.map((v): Pair[] => [[key, v]]);
export const pairs = (...parts: fc.Arbitrary<Pair[]>[]): fc.Arbitrary<Pair[]> =>
  fc.tuple(...parts).map((ps) => ps.flat());

const UNKNOWN_KEYS = [
  "foo",
  "Owner",
  "LIMIT",
  "limit[]",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "",
  " ",
  "owner ",
  "chainid",
  "a".repeat(300),
];

/** A query that mixes valid and bad values, repeats and unknown parameters, in any order. */
function mixedQuery(spec: Record<string, ParamSpec>): fc.Arbitrary<Pair[]> {
  const keys = Object.keys(spec);
  const value = (k: string) =>
    fc.oneof({ arbitrary: spec[k]!.valid, weight: 2 }, { arbitrary: spec[k]!.bad, weight: 2 });
  const known: fc.Arbitrary<Pair[]> =
    keys.length === 0
      ? fc.constant([])
      : fc
          .subarray(keys)
          .chain((ks) =>
            ks.length === 0
              ? fc.constant<Pair[]>([])
              : fc.tuple(...ks.map((k) => value(k).map((v): Pair => [k, v]))),
          );
  const extra: fc.Arbitrary<Pair> = fc.oneof(
    fc.tuple(
      fc.oneof(fc.constantFrom(...UNKNOWN_KEYS), fc.string({ unit: "grapheme", maxLength: 8 })),
      fc.oneof(junk, fc.constant<V | null>(null)),
    ),
    ...(keys.length > 0
      ? [
          fc
            .constantFrom(...keys)
            .chain((k) => fc.tuple(fc.constant<V>(k), fc.oneof(value(k), fc.constant(null)))),
          fc.constantFrom(...keys).map((k): Pair => [k.toUpperCase(), "1"]),
        ]
      : []),
  );
  return fc
    .tuple(known, fc.array(extra, { maxLength: 3 }))
    .chain(([a, b]) => {
      const all = [...a, ...b];
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    })
    .chain((all) =>
      // Repeat a pair now and then (the API reads the first occurrence).
      all.length > 0
        ? fc.oneof(
            { arbitrary: fc.constant(all), weight: 4 },
            { arbitrary: fc.nat(all.length - 1).map((i) => [...all, all[i]!]), weight: 1 },
          )
        : fc.constant(all),
    );
}

/** A generated request; `valid` when every part came from the valid generators, encoded plainly. */
export interface Target {
  target: string;
  valid: boolean;
}

export function requestArb(r: RouteSpec): fc.Arbitrary<Target> {
  const segs = r.segments.map((s) =>
    typeof s === "string"
      ? fc.constant({ v: s as V, ok: true })
      : fc.oneof(
          { arbitrary: s.valid.map((v) => ({ v, ok: true })), weight: 4 },
          { arbitrary: s.bad.map((v) => ({ v, ok: false })), weight: 1 },
        ),
  );
  const query = fc.oneof(
    { arbitrary: r.validQuery.map((q) => ({ q, ok: true })), weight: 2 },
    { arbitrary: mixedQuery(r.query).map((q) => ({ q, ok: false })), weight: 3 },
  );
  return fc
    .record({
      segs: fc.tuple(...segs),
      query,
      mode: modeArb,
      tail: fc.constantFrom("", "", "", "", "", "", "", "", "", "", "", "", "/", "//"),
      sep: fc.constantFrom("&", "&", "&", "&", "&", "&", "&&", ";"),
      trailer: fc.constantFrom("", "", "", "", "", "", "", "", "&", "#frag"),
    })
    .map(({ segs: ss, query: { q, ok }, mode, tail, sep, trailer }): Target => {
      const valid =
        !r.anyRoute &&
        ok &&
        ss.every((s) => s.ok) &&
        mode !== "double" &&
        tail === "" &&
        (q.length < 2 || sep === "&") &&
        trailer === "";
      const p = "/" + ss.map((s) => encode(s.v, mode, "path")).join("/") + tail;
      if (q.length === 0) return { target: p + (trailer === "&" ? "?" : ""), valid };
      const qs = q
        .map(([k, v]) =>
          v === null
            ? encode(k, mode, "query")
            : `${encode(k, mode, "query")}=${encode(v, mode, "query")}`,
        )
        .join(sep);
      // A fragment never leaves a browser; sent raw here, it is part of the request target.
      return { target: `${p}?${qs}${trailer}`, valid };
    })
    .filter((t) => t.target.length <= MAX_URL);
}

/** Valid requests of `r` without filters and with a limit of 1 to 3: first pages of a list. */
export function firstPageArb(r: RouteSpec): fc.Arbitrary<string> {
  const segs = r.segments.map((seg) => (typeof seg === "string" ? fc.constant<V>(seg) : seg.valid));
  return fc
    .record({
      segs: fc.tuple(...segs),
      q: r.firstPageQuery ?? r.validQuery,
      limit: fc.integer({ min: 1, max: 3 }),
    })
    .map(({ segs: ss, q, limit }) => {
      const kept = q.filter(([k]) => k !== "cursor" && k !== "limit");
      kept.push(["limit", String(limit)]);
      const query = kept
        .map(([k, v]) => `${encode(k, "full", "query")}=${encode(v ?? "", "full", "query")}`)
        .join("&");
      return `/${ss.map((v) => encode(v, "full", "path")).join("/")}?${query}`;
    });
}
