/**
 * The auditor dashboard (indexer/dashboard, built by `npm run build` into indexer/dashboard/dist) at
 * `/`: hashed assets cached for a year, index.html revalidated on every load, and every other path
 * that is not the API's answered with index.html (the dashboard routes in the browser). Mounted after
 * every API route, so it never answers an API path. Without a build, `/` says how to make one.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";

import { noRoute } from "./http.js";

/** Where the build is: indexer/dashboard/dist (GRANTKIT_DASHBOARD_DIR overrides). */
export const DASHBOARD_DIR =
  process.env.GRANTKIT_DASHBOARD_DIR ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dashboard/dist");

/** Paths the dashboard never answers: the API's and Ponder's own. */
const API_PATH = /^\/(v1|graphql|sql|health|ready|status|metrics)(\/|$)/;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GrantKit dashboard: not built</title></head>
<body><h1>The dashboard is not built</h1>
<p>Run <code>npm run build</code> in the repository, then reload this page.
The REST API works without it: <a href="/v1/openapi.json">/v1/openapi.json</a>.</p></body></html>`;

export function dashboardRoutes(dir: string = DASHBOARD_DIR): Hono {
  const app = new Hono();
  const index = path.join(dir, "index.html");

  // Vite names every asset by its content hash: a changed file is a new URL.
  app.use(
    "/assets/*",
    serveStatic({
      root: dir,
      precompressed: true,
      onFound: (_path, c) => {
        c.header("cache-control", "public, max-age=31536000, immutable");
      },
    }),
  );
  app.get("/assets/*", noRoute);

  app.get("*", async (c, next) => {
    if (API_PATH.test(c.req.path)) return next();
    if (!existsSync(index)) {
      c.header("cache-control", "no-store");
      return c.html(NOT_BUILT, 503);
    }
    // Files at the top of the build (favicon.svg); anything else is a dashboard route.
    const file = /^\/[A-Za-z0-9_.-]+\.(svg|png|ico|txt)$/.test(c.req.path) ? c.req.path : "/";
    return serveStatic({
      root: dir,
      path: existsSync(path.join(dir, file)) ? file : "/index.html",
      precompressed: true,
      onFound: (_path, ctx) => {
        ctx.header("cache-control", "no-cache");
      },
    })(c, next);
  });

  return app;
}
