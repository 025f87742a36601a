/**
 * The fuzz suite's value generators (fast-check): how a generated value is percent-encoded into a
 * request (several clients' ways, and wrong ones), and valid and near-valid values of each kind the
 * API takes: hex of a length (addresses, hashes), unsigned integers, enums, chain ids, limits,
 * cursors, and junk (unicode, very long strings, malformed escapes).
 */
import { getAddress } from "ethers";
import fc from "fast-check";

/** A value sent as generated (`string`, percent-encoded per the request's mode) or byte for byte (`raw`). */
export type V = string | { raw: string };
export type Mode = "full" | "fullLower" | "minimal" | "plus" | "double";

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** Characters a request line may carry raw that do not split a query (kept by the "minimal" mode). */
const MINIMAL_QUERY = /^[A-Za-z0-9\-._~!$'()*,:@/]$/;
const MINIMAL_PATH = /^[A-Za-z0-9\-._~!$'()*,:@/=&+;]$/;
const utf8 = new TextEncoder();

function pct(s: string, keep: RegExp, lowerHex = false): string {
  let out = "";
  for (const ch of s) {
    if (keep.test(ch)) {
      out += ch;
      continue;
    }
    // Lone surrogates become U+FFFD here, as in any UTF-8 client.
    for (const b of utf8.encode(ch)) {
      const h = b.toString(16).padStart(2, "0");
      out += "%" + (lowerHex ? h : h.toUpperCase());
    }
  }
  return out;
}

export function encode(v: V, mode: Mode, where: "path" | "query"): string {
  if (typeof v !== "string") return v.raw;
  switch (mode) {
    case "full":
      return pct(v, UNRESERVED);
    case "fullLower":
      return pct(v, UNRESERVED, true);
    case "minimal":
      return pct(v, where === "path" ? MINIMAL_PATH : MINIMAL_QUERY);
    case "plus":
      return where === "query"
        ? v
            .split(" ")
            .map((p) => pct(p, UNRESERVED))
            .join("+")
        : pct(v, UNRESERVED);
    case "double":
      return pct(pct(v, UNRESERVED), UNRESERVED);
  }
}

export const modeArb: fc.Arbitrary<Mode> = fc.oneof(
  { arbitrary: fc.constant<Mode>("full"), weight: 6 },
  { arbitrary: fc.constant<Mode>("minimal"), weight: 3 },
  { arbitrary: fc.constant<Mode>("fullLower"), weight: 1 },
  { arbitrary: fc.constant<Mode>("plus"), weight: 1 },
  { arbitrary: fc.constant<Mode>("double"), weight: 1 },
);

// ------------------------------------------------------------------ value generators

const HEX = [..."0123456789abcdefABCDEF"];

function caseVariant(hex: string): fc.Arbitrary<string> {
  const body = hex.slice(2);
  const variants = [hex.toLowerCase(), "0x" + body.toUpperCase()];
  if (body.length === 40) variants.push(getAddress(hex));
  return fc.constantFrom(...variants);
}

export function randomHex(bytes: number): fc.Arbitrary<string> {
  return fc
    .string({ unit: fc.constantFrom(...HEX), minLength: bytes * 2, maxLength: bytes * 2 })
    .map((h) => "0x" + h);
}

/** Valid hex of `bytes` bytes: mostly known values (any case), some random ones. */
export function validHex(bytes: number, known: string[]): fc.Arbitrary<V> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...known).chain(caseVariant), weight: 5 },
    { arbitrary: randomHex(bytes), weight: 1 },
  );
}

/** Near-valid hex: one digit short or long, no or upper-case prefix, a bad character, padding. */
export function badHex(bytes: number, known: string[]): fc.Arbitrary<V> {
  const n = bytes * 2;
  const k = fc.constantFrom(...known);
  return fc.oneof(
    fc
      .string({ unit: fc.constantFrom(...HEX), maxLength: n * 2 + 2 })
      .filter((h) => h.length !== n)
      .map((h) => "0x" + h),
    k.map((x) => x.slice(0, -1)),
    k.map((x) => x + "0"),
    k.map((x) => "0X" + x.slice(2)),
    k.map((x) => x.toUpperCase()),
    k.map((x) => x.slice(2)),
    k.map((x) => x.slice(2) + "0x"),
    fc
      .tuple(
        k,
        fc.nat(),
        fc.constantFrom("g", "z", " ", "\uff10", "\u00e9", "-", "\u0000", "%", "+"),
      )
      .map(([x, i, c]) => x.slice(0, 2 + (i % n)) + c + x.slice(3 + (i % n))),
    k.map((x) => ` ${x}`),
    k.map((x) => `${x}\n`),
    k.map((x) => `${x}${x.slice(2)}`),
    fc.constantFrom("0x", "0", "", "0x0", "null", "undefined", "true", "0x" + "0".repeat(n)),
  );
}

const SPECIAL = [
  "",
  " ",
  "null",
  "undefined",
  "[]",
  "{}",
  "[object Object]",
  "true",
  "-",
  "0",
  "'",
  '"',
  "' OR 1=1 --",
  "$where",
  "../../etc/passwd",
  "\u0000",
  "\u202e",
  "\ud83d\ude00",
  "\u01c5",
  "\u0130",
  "\u00df",
  "\ufeff0x00",
  "\ud800",
  "a\r\nX-Injected: 1",
];
const MALFORMED = [
  "%",
  "%G1",
  "%zz",
  "%E2%82",
  "%C0%AF",
  "%ED%A0%80",
  "%00",
  "%FF",
  "%%",
  "%2",
  "%u0041",
  "%25",
];

export const junk: fc.Arbitrary<V> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 30 }), weight: 3 },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 20 }), weight: 2 },
  { arbitrary: fc.constantFrom(...SPECIAL), weight: 3 },
  { arbitrary: fc.integer({ min: 190, max: 3_000 }).map((n) => "a".repeat(n)), weight: 1 },
  { arbitrary: fc.string({ minLength: 200, maxLength: 1_500 }), weight: 1 },
  { arbitrary: fc.constantFrom(...MALFORMED).map((raw): V => ({ raw })), weight: 2 },
);

const UINT_EDGES = [
  "-1",
  "-0",
  "+1",
  "1.0",
  "1e3",
  "0x10",
  " 1",
  "1 ",
  "",
  "000000000000000000001",
  "18446744073709551615",
  "18446744073709551616",
  "9223372036854775808",
  "281474976710656",
  "99999999999999999999",
  "999999999999999999999",
  "NaN",
  "Infinity",
  "\u0661\u0662\u0663",
  "\uff11\uff12\uff13",
  "1_000",
  "1,000",
];

export const badUint: fc.Arbitrary<V> = fc.oneof(
  { arbitrary: fc.constantFrom(...UINT_EDGES), weight: 4 },
  { arbitrary: fc.bigInt({ min: -(2n ** 80n), max: -1n }).map(String), weight: 2 },
  { arbitrary: fc.bigInt({ min: 2n ** 64n, max: 2n ** 80n }).map(String), weight: 1 },
  { arbitrary: fc.double({ noNaN: true }).map(String), weight: 1 },
  { arbitrary: junk, weight: 1 },
);

export function badEnum(values: string[]): fc.Arbitrary<V> {
  const v = fc.constantFrom(...values);
  return fc.oneof(
    v.map((s) => s.toUpperCase()),
    v.map((s) => s[0]!.toUpperCase() + s.slice(1)),
    v.map((s) => ` ${s}`),
    v.map((s) => `${s},${s}`),
    v.map((s) => s.slice(0, -1)),
    junk,
  );
}

export const badChainId: fc.Arbitrary<V> = fc.oneof(
  fc.constantFrom("0", "2147483648", "4294967295", "9999999999", "99999999999", "-31337", "0x7a69"),
  fc.integer({ min: 1, max: 2 ** 31 - 1 }).map(String),
  badUint,
);

export const validLimit: fc.Arbitrary<V> = fc.oneof(
  fc.integer({ min: 1, max: 100 }).map(String),
  fc.constantFrom("1", "100", "0100", "007"),
);
export const badLimit: fc.Arbitrary<V> = fc.oneof(
  fc.constantFrom("0", "101", "1000", "9999", "10000", "00000"),
  fc.integer({ min: 101, max: 1_000_000 }).map(String),
  badUint,
);

export function badCursor(known: string[]): fc.Arbitrary<V> {
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");
  return fc.oneof(
    fc.string({ maxLength: 60 }).map(b64),
    randomHex(20).map((a) => b64(`31337-${a}-0x12`)),
    fc.constantFrom(...known).map((c) => c.slice(0, -2)),
    fc.constantFrom(...known).map((c) => c + "="),
    fc.constantFrom(...known).map((c) => Buffer.from(c, "base64url").toString("base64")),
    fc.constantFrom(...known).map((c) => Buffer.from(c, "base64url").toString("utf8")),
    fc.constant("A".repeat(401)),
    junk,
  );
}
