/**
 * The auditor dashboard (indexer/dashboard, built by `npm run build` into indexer/dashboard/dist) at
 * `/`: hashed assets cached for a year, index.html revalidated on every load and answered for every
 * path of the dashboard's own routes (indexer/dashboard/src/router.tsx: the browser routes them).
 * Other paths stay 404. Mounted after every API route, so it never answers an API path. Without a
 * build, `/` says how to make one.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type MiddlewareHandler } from "hono";

import { noRoute } from "./http.js";

/** Where the build is: indexer/dashboard/dist (GRANTKIT_DASHBOARD_DIR overrides). */
export const DASHBOARD_DIR =
  process.env.GRANTKIT_DASHBOARD_DIR ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dashboard/dist");

/** The dashboard's pages (keep in step with indexer/dashboard/src/router.tsx). */
const PAGE_PATH =
  /^\/(|grants\/?|grant\/[^/]+\/[^/]+|address\/[^/]+|issuers\/?|issuer\/[^/]+\/[^/]+|export\/?|tx\/[^/]+|search\/?)$/;
/** Files at the top of the build. */
const TOP_FILE = /^\/[A-Za-z0-9_-]+\.(svg|png|ico|txt)$/;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GrantKit dashboard: not built</title></head>
<body><h1>The dashboard is not built</h1>
<p>Run <code>npm run build</code> in the repository, then reload this page.
The REST API works without it: <a href="/v1/openapi.json">/v1/openapi.json</a>.</p></body></html>`;

export function dashboardRoutes(dir: string = DASHBOARD_DIR): Hono {
  const app = new Hono();
  const index = path.join(dir, "index.html");

  // Vite names every asset by its content hash: a changed file is a new URL. (Made once the build
  // exists, so that a server started before `npm run build` serves it afterwards.)
  let assets: MiddlewareHandler | null = null;
  app.use("/assets/*", (c, next) => {
    if (!assets && existsSync(dir))
      assets = serveStatic({
        root: dir,
        precompressed: true,
        onFound: (_path, ctx) => {
          ctx.header("cache-control", "public, max-age=31536000, immutable");
        },
      });
    return assets ? assets(c, next) : next();
  });
  app.get("/assets/*", noRoute);

  app.get("*", async (c, next) => {
    const file = TOP_FILE.test(c.req.path) ? c.req.path : PAGE_PATH.test(c.req.path) ? "/" : null;
    if (file === null) return next();
    if (!existsSync(index)) {
      c.header("cache-control", "no-store");
      return c.html(NOT_BUILT, 503);
    }
    return serveStatic({
      root: dir,
      path: file === "/" ? "/index.html" : file,
      precompressed: true,
      onFound: (_path, ctx) => {
        ctx.header("cache-control", "no-cache");
      },
    })(c, next);
  });

  return app;
}
