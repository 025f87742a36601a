/**
 * Vite 8 (Rolldown, Oxc) builds the dashboard into dist/, which the indexer serves at `/`
 * (indexer/src/api/dashboard.ts). No plugin: Oxc compiles TSX with React's automatic runtime.
 * `@grantkit/sdk/indexer` resolves to the SDK workspace's source, so the dashboard builds without
 * building the SDK first; `npm run dev` proxies the API to a running indexer (GRANTKIT_API).
 */
import { fileURLToPath } from "node:url";

import { defineConfig } from "vite";

const api = process.env.GRANTKIT_API ?? "http://127.0.0.1:42069";

export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  resolve: {
    alias: {
      "@grantkit/sdk/indexer": fileURLToPath(new URL("../../sdk/src/indexer.ts", import.meta.url)),
    },
  },
  build: {
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // TanStack's "use client" markers mean nothing outside React Server Components.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  server: {
    proxy: { "/v1": api },
  },
});
