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
 * - what it sent: a statement (a simple Query or a Parse) counts unless it starts with a reading
 *   command (SELECT, SHOW, EXPLAIN, VALUES, TABLE, FETCH, BEGIN, COMMIT, ROLLBACK) and names none of
 *   INTO, ANALYZE, NEXTVAL, SETVAL, and is one statement. A writing CTE starts with WITH and counts:
 *   its command tag would say SELECT (Ponder reverts a reorg so);
 * - what came back: an error counts, and so does every command tag but a read's (`SELECT n`,
 *   `SHOW`, `FETCH n`, `EXPLAIN`, and BEGIN, COMMIT, ROLLBACK: a transaction's writes count on
 *   their own, and no read runs inside another caller's transaction, PGlite's queries being
 *   exclusive).
 *
 * More than needed may count (a cheaper read then), never fewer. Bind, Describe, Execute and Sync
 * send no statement text: the reply decides.
 */

/** The method counted (PGlite 0.2's `execProtocolRaw`). */
export interface PgliteRunner {
  execProtocolRaw(message: Uint8Array, options?: unknown): Promise<Uint8Array>;
}

const decoder = new TextDecoder();

/** Command tags of statements that change nothing (the tag's first word). */
const READ_TAGS = new Set(["SELECT", "SHOW", "FETCH", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBACK"]);

/**
 * Whether a backend's answer (PostgreSQL wire messages: a type byte, then a length that counts
 * itself) changed nothing: no error ('E'), and every CommandComplete ('C') a read.
 */
export function onlyReads(reply: Uint8Array): boolean {
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  for (let at = 0; at + 5 <= reply.length;) {
    const type = reply[at]!;
    const length = view.getInt32(at + 1);
    if (length < 4) return false;
    if (type === 0x45 /* E */) return false;
    if (type === 0x43 /* C */) {
      let end = at + 5;
      while (end < at + 1 + length && reply[end] !== 0 && reply[end] !== 0x20) end++;
      const tag = decoder.decode(reply.subarray(at + 5, end));
      if (!READ_TAGS.has(tag)) return false;
    }
    at += 1 + length;
  }
  return true;
}

const READ_COMMANDS = /^(select|show|explain|values|table|fetch|begin|commit|rollback)\b/i;
const WRITING_WORDS = /\b(into|analyze|nextval|setval)\b/i;

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

/** Whether SQL text is one reading statement (see the header). */
export function readsOnly(sql: string): boolean {
  const text = stripLead(sql);
  const body = text.replace(/;\s*$/, "");
  return READ_COMMANDS.test(text) && !WRITING_WORDS.test(text) && !body.includes(";");
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
