/**
 * Long answers (exports, audit streams) that cannot stall the server: one at a time per client
 * (API_CLIENT_STREAMS), read in small keyset batches, each batch charged to the client's work budget;
 * between batches the stream yields to everything else (and waits while the client is out of units),
 * and it stops as soon as the client leaves.
 */
import type { Context } from "hono";
import { stream } from "hono/streaming";

import type { Budget } from "./budget.js";
import { requestInfo } from "./gate.js";
import { HttpError } from "./errors.js";
import { UNITS_PER_ROW } from "./http.js";

/**
 * Rows per batch: a batch holds the thread a few tens of milliseconds at most (500 rows of the audit
 * stream reached 270 ms with a garbage collection at 100,000 grants).
 */
export const STREAM_BATCH = 200;

/**
 * Keyset pages of STREAM_BATCH rows: `fetch(after)` reads the rows after the key of the last row of
 * the previous page (null for the first page), in key order.
 */
export async function* keyset<Row, Key>(
  fetch: (after: Key | null) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
): AsyncGenerator<Row[]> {
  let after: Key | null = null;
  for (;;) {
    const rows = await fetch(after);
    yield rows;
    if (rows.length < STREAM_BATCH) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}

export interface StreamWriter {
  write(text: string): Promise<void>;
  /** Charges a batch of `rows`, then yields; false once the client has left. */
  batchDone(rows: number): Promise<boolean>;
  readonly aborted: boolean;
}

/**
 * Streams `body` to the client as `contentType`, or throws 429 when the client already has its
 * streams open.
 */
export function streamed(
  c: Context,
  budget: Budget,
  contentType: string,
  body: (out: StreamWriter) => Promise<void>,
) {
  const { client, charge } = requestInfo(c.env);
  const close = budget.openStream(client);
  if (typeof close !== "function")
    throw new HttpError(close.status === 429 ? 429 : 503, close.message);
  c.header("content-type", contentType);
  return stream(
    c,
    async (out) => {
      const abort = new AbortController();
      out.onAbort(() => abort.abort());
      const writer: StreamWriter = {
        get aborted() {
          return abort.signal.aborted;
        },
        write: async (text) => {
          if (!abort.signal.aborted) await out.write(text);
        },
        batchDone: async (rows) => {
          charge(rows * UNITS_PER_ROW);
          await new Promise((r) => setImmediate(r));
          await budget.settle(client, abort.signal);
          return !abort.signal.aborted;
        },
      };
      try {
        await body(writer);
      } finally {
        close();
      }
    },
    async (error) => {
      close();
      console.error(error);
    },
  );
}
