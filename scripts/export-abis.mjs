// Writes the SDK's generated sources from the Hardhat build and the committed records (what they
// hold: scripts/lib/sdk-sources.mjs): sdk/src/abi/<name>Abi.ts and coreAbis.ts (the indexer's
// ponder.config.ts imports the SDK's ABI module) and sdk/src/deployments/builtin.ts. Run by
// `npm run build`; test/Abis.ts fails when a committed file is stale.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { sdkGeneratedFiles } from "./lib/sdk-sources.mjs";

for (const { file, text } of sdkGeneratedFiles()) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
console.log("wrote sdk/src/abi/{*Abi,coreAbis}.ts, sdk/src/deployments/builtin.ts");
