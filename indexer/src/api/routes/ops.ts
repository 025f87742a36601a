/**
 * `GET /ops/loop` (private, like `/metrics`): how long the server's one thread was held at a stretch
 * since the last call (Node's event-loop delay histogram, 10 ms resolution), then reset. On embedded
 * PGlite every query runs on that thread, so this is what a request costs everyone else; the attack
 * suite reads it around each request it measures.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

import { Hono } from "hono";

export function opsRoutes(): Hono {
  const app = new Hono();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  app.get("/ops/loop", (c) => {
    const ms = (ns: number) => Math.round(ns / 1e6);
    const body = {
      maxMs: ms(delay.max),
      p99Ms: ms(delay.percentile(99)),
      meanMs: ms(delay.mean),
      samples: delay.count,
    };
    delay.reset();
    return c.json(body);
  });
  return app;
}
