/**
 * `GET /ops/loop` (private, like `/metrics`): how long the server's one thread was held at a stretch
 * since the last call (Node's event-loop delay histogram, 10 ms resolution), then reset. On embedded
 * PGlite every query runs on that thread, so this is what a request costs everyone else; the attack
 * suite reads it around each request it measures, with the process's memory (the V8 heap, and
 * `external`, which holds PGlite's WebAssembly memory).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

import { Hono } from "hono";

export function opsRoutes(): Hono {
  const app = new Hono();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  app.get("/ops/loop", (c) => {
    const ms = (ns: number) => Math.round(ns / 1e6);
    const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
    const memory = process.memoryUsage();
    const body = {
      maxMs: ms(delay.max),
      p99Ms: ms(delay.percentile(99)),
      meanMs: ms(delay.mean),
      samples: delay.count,
      memoryMiB: {
        rss: mib(memory.rss),
        heapUsed: mib(memory.heapUsed),
        heapTotal: mib(memory.heapTotal),
        external: mib(memory.external),
        arrayBuffers: mib(memory.arrayBuffers),
      },
    };
    delay.reset();
    return c.json(body);
  });
  return app;
}
