/**
 * Portability: an owner's whole grant record (every grant now, and its full history) as one JSON
 * document, streamed in keyset batches (src/api/streaming.ts) so that a large record neither holds
 * the server nor its memory.
 */
import { grant, grantEvent } from "ponder:schema";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, asc, eq, gt, sql } from "ponder";

import type { ApiContext } from "../context.js";
import { mount, stringify } from "../http.js";
import { exportOwner } from "../spec/grants.js";
import { STREAM_BATCH, keyset, streamed, type StreamWriter } from "../streaming.js";
import { present } from "../view.js";

/** Writes `items` as the elements of a JSON array, after `first` elements already written. */
async function elements(out: StreamWriter, items: unknown[], first: boolean): Promise<void> {
  if (items.length === 0) return;
  await out.write((first ? "" : ",") + items.map(stringify).join(","));
}

export function ownerRoutes(ctx: ApiContext): OpenAPIHono {
  const app = new OpenAPIHono();

  mount(app, exportOwner, async (c) => {
    const { owner } = c.req.valid("param");
    // "Now" on every chain before the first byte: an unreachable chain is a 503, not a cut file.
    const nows = await ctx.clock.nows(ctx.clock.chains);
    c.header("content-disposition", `attachment; filename="grants-${owner}.json"`);
    const grantPages = keyset(
      (after: string | null) =>
        ctx.db
          .select()
          .from(grant)
          .where(and(eq(grant.owner, owner), after ? gt(grant.id, after) : undefined))
          .orderBy(asc(grant.id))
          .limit(STREAM_BATCH),
      (g) => g.id,
    );
    type Key = { chain: number; block: bigint; log: number; id: string };
    const historyPages = keyset(
      (after: Key | null) =>
        ctx.db
          .select()
          .from(grantEvent)
          .where(
            and(
              eq(grantEvent.owner, owner),
              after
                ? sql`(${grantEvent.chainId}, ${grantEvent.blockNumber}, ${grantEvent.logIndex}, ${grantEvent.id}) > (${after.chain}, ${after.block}, ${after.log}, ${after.id})`
                : undefined,
            ),
          )
          .orderBy(
            asc(grantEvent.chainId),
            asc(grantEvent.blockNumber),
            asc(grantEvent.logIndex),
            asc(grantEvent.id),
          )
          .limit(STREAM_BATCH),
      (e): Key => ({ chain: e.chainId, block: e.blockNumber, log: e.logIndex, id: e.id }),
    );
    return streamed(c, ctx.budget, "application/json; charset=utf-8", async (out) => {
      await out.write(`{"owner":"${owner}","exportedAt":"${new Date().toISOString()}","grants":[`);
      let first = true;
      for await (const rows of grantPages) {
        await elements(
          out,
          rows.map((g) => present(g, nows.get(g.chainId) ?? 0n)),
          first,
        );
        first &&= rows.length === 0;
        if (!(await out.batchDone(rows.length))) return;
      }
      await out.write(`],"history":[`);
      first = true;
      for await (const rows of historyPages) {
        await elements(out, rows, first);
        first &&= rows.length === 0;
        if (!(await out.batchDone(rows.length))) return;
      }
      await out.write(`]}`);
    });
  });

  return app;
}
