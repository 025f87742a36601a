/**
 * On embedded PGlite every statement, the indexer's writes and the API's reads alike, runs in this
 * process, through one method of one instance (`execProtocolRaw`: PGlite's `query`, `exec` and
 * `transaction` all call it). Counting the calls that may have changed data there tells, from
 * memory and exactly, whether anything changed since a moment: the response cache's stamp
 * (checkpoint.ts) needs no database read per request on PGlite, where each read costs a full round
 * through PGlite's protocol files on the indexer's one thread.
 *
 * A call counts unless both sides say it only read:
 *
 * - what it sent: a statement text (a simple Query or a Parse) counts unless each of its statements
 *   starts with a reading command (SELECT, SHOW, EXPLAIN, VALUES, TABLE, FETCH, BEGIN, COMMIT,
 *   ROLLBACK, or SET and RESET, which change settings, not data) and the text names none of INTO,
 *   ANALYZE (ANALYSE), NEXTVAL, SETVAL. Statements are told apart at every `;`, inside a string
 *   literal too: a write's first word always starts one of the parts, so a split too many can only
 *   count more. A writing CTE starts with WITH and counts: its command tag would say SELECT (Ponder
 *   reverts a reorg so);
 * - what came back: every command tag but a read's (`SELECT n`, `SHOW`, `FETCH n`, `EXPLAIN`, `SET`,
 *   `RESET`, and BEGIN, COMMIT, ROLLBACK: a transaction's writes count on their own, and no read
 *   runs inside another caller's transaction, PGlite's queries being exclusive), and a reply cut
 *   short. An error does not count: a failed statement changes nothing, and a transaction that
 *   rolls back had its writes counted as they ran. So a client's failing SQL-over-HTTP query (a
 *   read-only transaction) leaves the stamp, and the REST cache, as they were.
 *
 * More than needed may count (a cheaper read then), never fewer. Bind, Describe, Execute and Sync
 * send no statement text: the reply decides (a named statement's write answers with its own tag;
 * PGlite 0.2 sends every query as an unnamed Parse, whose text is judged above).
 */

/** The method counted (PGlite 0.2's `execProtocolRaw`). */
export interface PgliteRunner {
  execProtocolRaw(message: Uint8Array, options?: unknown): Promise<Uint8Array>;
}

const decoder = new TextDecoder();

/** Command tags of statements that change nothing (the tag's first word). */
const READ_TAGS = new Set([
  "SELECT",
  "SHOW",
  "FETCH",
  "EXPLAIN",
  "SET",
  "RESET",
  "BEGIN",
  "COMMIT",
  "ROLLBACK",
]);

/**
 * Whether a backend's answer (PostgreSQL wire messages: a type byte, then a length that counts
 * itself) changed nothing: whole, and every CommandComplete ('C') a read.
 */
export function onlyReads(reply: Uint8Array): boolean {
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  let at = 0;
  while (at + 5 <= reply.length) {
    const type = reply[at]!;
    const length = view.getInt32(at + 1);
    if (length < 4) return false;
    if (type === 0x43 /* C */) {
      let end = at + 5;
      while (end < at + 1 + length && reply[end] !== 0 && reply[end] !== 0x20) end++;
      const tag = decoder.decode(reply.subarray(at + 5, end));
      if (!READ_TAGS.has(tag)) return false;
    }
    at += 1 + length;
  }
  return at === reply.length;
}

const READ_COMMANDS =
  /^(select|show|explain|values|table|fetch|begin|commit|rollback|set|reset)\b/i;
const WRITING_WORDS = /\b(into|analyze|analyse|nextval|setval)\b/i;

/** Leading white space and SQL comments off `sql`. */
function stripLead(sql: string): string {
  let rest = sql.trimStart();
  for (;;) {
    if (rest.startsWith("--")) {
      const end = rest.indexOf("\n");
      rest = end < 0 ? "" : rest.slice(end + 1).trimStart();
    } else if (rest.startsWith("/*")) {
      const end = rest.indexOf("*/");
      rest = end < 0 ? "" : rest.slice(end + 2).trimStart();
    } else return rest;
  }
}

/** Whether SQL text only reads: each statement a reading one (see the header). */
export function readsOnly(sql: string): boolean {
  if (WRITING_WORDS.test(sql)) return false;
  const statements = sql.split(";").map(stripLead);
  // The text after a last `;` may be empty (or a comment); any other part must read.
  if (statements.at(-1) === "") statements.pop();
  return statements.length > 0 && statements.every((s) => READ_COMMANDS.test(s));
}

/** The statement a frontend message carries: a simple Query's or a Parse's text, else null. */
export function statementOf(message: Uint8Array): string | null {
  const type = message[0];
  if (type !== 0x51 /* Q */ && type !== 0x50 /* P */) return null;
  let at = 5;
  // A Parse names its prepared statement first.
  if (type === 0x50) while (at < message.length && message[at] !== 0) at++;
  if (type === 0x50) at++;
  let end = at;
  while (end < message.length && message[end] !== 0) end++;
  return decoder.decode(message.subarray(at, end));
}

/** Counts `instance`'s calls that may have changed data, from now on. */
export function countCommits(instance: PgliteRunner): { version(): number } {
  let writes = 0;
  const run = instance.execProtocolRaw.bind(instance);
  instance.execProtocolRaw = async (message, options) => {
    const sql = statementOf(message);
    // Counted before it runs: no read can come between (PGlite runs one query at a time).
    if (sql !== null && !readsOnly(sql)) writes++;
    try {
      const reply = await run(message, options);
      if (!onlyReads(reply)) writes++;
      return reply;
    } catch (error) {
      writes++;
      throw error;
    }
  };
  return { version: () => writes };
}
