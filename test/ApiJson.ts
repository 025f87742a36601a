/**
 * How the REST API writes JSON (indexer/src/api/http.ts): bigints as decimal strings, whether a body
 * carries them (written with a replacer) or its rows were made `plain` first (written without one),
 * with the same bytes either way and every key where it was.
 */
import { expect } from "chai";

import { plain, stringify } from "../indexer/src/api/http.js";

/** A grant row as drizzle reads it: bigints, a null, a number. */
const row = {
  id: "31337-0xabc-0x01",
  chainId: 31337,
  lockedUntil: 0n,
  expiresAt: 18_446_744_073_709_551_615n,
  replacedBy: null,
  status: "active",
  generation: 3n,
};

/** What the API wrote before `plain` existed: every value through a replacer. */
const withReplacer = (body: unknown) =>
  JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

describe("REST JSON (indexer/src/api/http.ts)", function () {
  it("writes bigints as decimal strings, at any depth, past 2^53", function () {
    const body = { asOf: { block: 12n }, items: [row, { nested: [1n, null, "x"] }] };
    const text = stringify(body);
    expect(text).to.equal(withReplacer(body));
    expect(JSON.parse(text).items[0].expiresAt).to.equal("18446744073709551615");
    expect(JSON.parse(text).asOf.block).to.equal("12");
  });

  it("makes a row plain: the same keys in the same order, bigints as strings, the rest as it was", function () {
    const p = plain(row);
    expect(Object.keys(p)).to.deep.equal(Object.keys(row));
    expect(p).to.deep.equal({
      ...row,
      lockedUntil: "0",
      expiresAt: "18446744073709551615",
      generation: "3",
    });
    // A page of plain rows has no bigint left: written without a replacer (json()) as the replacer
    // writes the raw rows.
    const page = {
      items: [plain(row), plain({ ...row, id: "2", generation: 4n })],
      nextCursor: null,
    };
    expect(JSON.stringify(page)).to.equal(
      withReplacer({ items: [row, { ...row, id: "2", generation: 4n }], nextCursor: null }),
    );
  });
});
