// Writes indexer/openapi.json and sdk/src/indexer/api.ts from the REST API's route definitions
// (scripts/lib/openapi.ts). Run by `npm run openapi`; test/OpenApi.ts fails when they are stale.
import { writeFileSync } from "node:fs";
import path from "node:path";

import { openApiFiles } from "./lib/openapi.js";

for (const { file, text } of await openApiFiles()) {
  writeFileSync(file, text);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
