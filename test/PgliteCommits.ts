/**
 * The response cache's stamp on embedded PGlite (indexer/src/api/commits.ts, checkpoint.ts): the
 * calls that may change data are counted in this process, on a real PGlite, so that the stamp is
 * answered from memory while nothing changed and read again after any write: writes, DDL, a
 * transaction's writes count; reads (plain, with parameters, inside a transaction, several in one
 * text, settings, SQL-over-HTTP's read-only transaction) and failed statements do not.
 */
import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";

import { CheckpointWatcher } from "../indexer/src/api/checkpoint.js";
import { countCommits, onlyReads, readsOnly, statementOf } from "../indexer/src/api/commits.js";

/** One backend message: type byte, length (counting itself), body. */
function message(type: string, body: string): Uint8Array {
  const bytes = new TextEncoder().encode(body);
  const out = new Uint8Array(5 + bytes.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + bytes.length);
  out.set(bytes, 5);
  return out;
}
/** A Ponder checkpoint string of chain 1 (checkpoint.ts's layout). */
const checkpoint = (time: number, block: number) =>
  `${String(time).padStart(10, "0")}${"1".padStart(16, "0")}${String(block).padStart(16, "0")}`;
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe("PGlite write counter (indexer/src/api/commits.ts)", function () {
  it("reads a reply's command tags: only reads, or a write; an error is no write", function () {
    const ready = message("Z", "I");
    expect(onlyReads(concat(message("C", "SELECT 3\0"), ready))).to.equal(true);
    expect(onlyReads(concat(message("C", "BEGIN\0"), message("C", "SHOW\0"), ready))).to.equal(
      true,
    );
    expect(onlyReads(ready), "a Sync, a Parse: nothing completed").to.equal(true);
    expect(onlyReads(concat(message("C", "INSERT 0 1\0"), ready))).to.equal(false);
    expect(onlyReads(concat(message("C", "SELECT 1\0"), message("C", "DELETE 2\0")))).to.equal(
      false,
    );
    expect(onlyReads(concat(message("E", "SERROR\0\0"), ready))).to.equal(true);
    expect(onlyReads(concat(message("C", "SET\0"), message("C", "SET\0"), ready))).to.equal(true);
    expect(onlyReads(message("C", "SELECT 1").subarray(0, 3)), "a cut reply").to.equal(false);
    expect(onlyReads(message("C", "SELECT 1\0").subarray(0, 9)), "a cut message").to.equal(false);
    const broken = message("C", "");
    new DataView(broken.buffer).setInt32(1, 2);
    expect(onlyReads(broken), "a length below 4").to.equal(false);
  });

  it("reads a statement's text: reading commands only, or it may write", function () {
    for (const sql of [
      "SELECT * FROM t",
      "  -- a comment\n/* another */ select 1;",
      'select "grant_id", "locked_until", "updated_block" from "grant" where id > $1',
      "SHOW search_path",
      "EXPLAIN SELECT 1",
      "BEGIN",
      "COMMIT",
      "SELECT 1; SELECT 2",
      'SET TRANSACTION READ ONLY; SET LOCAL search_path TO pg_catalog, "s", pg_temp',
      "SET search_path = x",
      "RESET ALL",
    ])
      expect(readsOnly(sql), sql).to.equal(true);
    for (const sql of [
      "INSERT INTO t VALUES (1)",
      "WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone",
      "SELECT * INTO copy FROM t",
      "EXPLAIN ANALYZE DELETE FROM t",
      "SELECT nextval('s')",
      "SELECT 1; DELETE FROM t",
      "SELECT ';'; DELETE FROM t",
      "SET x = 1; UPDATE t SET v = 2",
      "EXPLAIN (ANALYSE) DELETE FROM t",
      "-- a; comment\nDELETE FROM t",
      "/* unterminated",
      "",
    ])
      expect(readsOnly(sql), sql).to.equal(false);
    const text = (type: string, ...parts: string[]) => {
      const body = new TextEncoder().encode(parts.map((p) => `${p}\0`).join(""));
      const out = new Uint8Array(5 + body.length);
      out[0] = type.charCodeAt(0);
      out.set(body, 5);
      return out;
    };
    expect(statementOf(text("Q", "SELECT 1"))).to.equal("SELECT 1");
    expect(statementOf(text("P", "", "DELETE FROM t"))).to.equal("DELETE FROM t");
    expect(statementOf(text("P", "named", "SELECT 2"))).to.equal("SELECT 2");
    expect(statementOf(text("B", "", ""))).to.equal(null);
  });

  it("counts every call that may change data on a real PGlite, and no read", async function () {
    const db = new PGlite();
    try {
      const { version } = countCommits(db as never);
      const changes = async (run: () => Promise<unknown>) => {
        const before = version();
        await run();
        return version() - before;
      };
      expect(
        await changes(() => db.exec("CREATE TABLE t (id int PRIMARY KEY, v text)")),
      ).to.be.above(0);
      expect(await changes(() => db.query("INSERT INTO t VALUES ($1, $2)", [1, "a"]))).to.be.above(
        0,
      );
      expect(await changes(() => db.query("SELECT * FROM t WHERE id = $1", [1]))).to.equal(0);
      expect(await changes(() => db.exec("SELECT 1; SELECT 2")), "two reads").to.equal(0);
      expect(
        await changes(() => db.exec("SELECT 1; INSERT INTO t VALUES (3, 'z')")),
        "a read and a write in one text",
      ).to.be.above(0);
      expect(await changes(() => db.query("UPDATE t SET v = 'b' WHERE id = 1"))).to.be.above(0);
      expect(await changes(() => db.query("DELETE FROM t WHERE id = 99"))).to.be.above(0);
      expect(
        await changes(() =>
          db.transaction(async (tx) => {
            await tx.query("SELECT * FROM t");
            await tx.query("INSERT INTO t VALUES (2, 'c')");
          }),
        ),
      ).to.be.above(0);
      expect(
        await changes(() => db.transaction(async (tx) => tx.query("SELECT count(*) FROM t"))),
      ).to.equal(0);
      expect(
        await changes(() => db.query("SELECT * FROM nowhere").catch(() => null)),
        "a failed read",
      ).to.equal(0);
      expect(
        await changes(() => db.query("INSERT INTO t VALUES (1, 'dup')").catch(() => null)),
        "a failed write (its text may write)",
      ).to.be.above(0);
      // SQL over HTTP (src/api/sql/execute.ts): a read-only transaction with its settings, a
      // client's query, and a client's query that fails: none is a write.
      expect(
        await changes(() =>
          db.transaction(async (tx) => {
            await tx.exec("SET TRANSACTION READ ONLY; SET LOCAL search_path TO pg_catalog, public");
            await tx.query("EXPLAIN (FORMAT JSON) SELECT * FROM t");
            await tx.query("SELECT * FROM t");
          }),
        ),
        "SQL over HTTP",
      ).to.equal(0);
      expect(
        await changes(() =>
          db
            .transaction(async (tx) => {
              await tx.exec("SET TRANSACTION READ ONLY");
              await tx.query("SELECT 1 / 0");
            })
            .catch(() => null),
        ),
        "SQL over HTTP, a failing query",
      ).to.equal(0);
      expect(
        await changes(() =>
          db.query("WITH gone AS (DELETE FROM t WHERE id = 2 RETURNING *) SELECT * FROM gone"),
        ),
        "a write spelled as a query",
      ).to.be.above(0);
    } finally {
      await db.close();
    }
  });

  it("gives the checkpoint stamp from memory while nothing changed, and reads it after a write", async function () {
    const db = new PGlite();
    try {
      const { version } = countCommits(db as never);
      await db.exec(
        `CREATE TABLE cp (latest_checkpoint text); INSERT INTO cp VALUES ('${checkpoint(1, 5)}')`,
      );
      let reads = 0;
      const watcher = new CheckpointWatcher(
        async () => {
          reads++;
          return (await db.query<{ latest_checkpoint: string }>("SELECT latest_checkpoint FROM cp"))
            .rows;
        },
        60_000,
        version,
      );
      const first = await watcher.fresh();
      expect(reads).to.equal(1);
      await db.query("SELECT * FROM cp");
      expect(await watcher.fresh()).to.equal(first);
      expect(await watcher.fresh()).to.equal(first);
      expect(reads, "no read while nothing changed").to.equal(1);
      await db.query(`UPDATE cp SET latest_checkpoint = '${checkpoint(2, 6)}'`);
      const second = await watcher.fresh();
      expect(reads).to.equal(2);
      expect(second).to.not.equal(first);
      expect(watcher.heads.get(1)?.block).to.equal(6n);
      // A write that leaves the checkpoint as it was still changes the stamp (a reorg's revert).
      await db.query("UPDATE cp SET latest_checkpoint = latest_checkpoint");
      const third = await watcher.fresh();
      expect(third).to.not.equal(second);
      expect(await watcher.fresh()).to.equal(third);
      expect(reads).to.equal(3);
      // after(): from memory as well while nothing changed; after a write, the next read's stamp.
      expect(await watcher.after()).to.equal(third);
      await db.query("UPDATE cp SET latest_checkpoint = latest_checkpoint");
      const fourth = watcher.after();
      await new Promise((r) => setImmediate(r));
      expect(reads, "after() asks for no read").to.equal(3);
      await watcher.poll();
      expect(await fourth).to.not.equal(third);
      expect(reads).to.equal(4);
    } finally {
      await db.close();
    }
  });
});
