// Writes the SDK's generated sources from the Hardhat build and the committed records (what they
// hold: scripts/lib/sdk-sources.mjs): sdk/src/abi/<name>Abi.ts and coreAbis.ts (the indexer's
// ponder.config.ts imports the SDK's ABI module) and sdk/src/deployments/builtin.ts. Run by
// `npm run build`; test/Abis.ts fails when a committed file is stale.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import {
  sdkAbiFile,
  sdkAbiModule,
  sdkAbiNames,
  sdkCoreAbisFile,
  sdkCoreAbisModule,
  sdkDeploymentsFile,
  sdkDeploymentsModule,
} from "./lib/sdk-sources.mjs";

mkdirSync(path.dirname(sdkAbiFile("AccessGrants")), { recursive: true });
for (const name of sdkAbiNames) writeFileSync(sdkAbiFile(name), sdkAbiModule(name));
writeFileSync(sdkCoreAbisFile, sdkCoreAbisModule());
mkdirSync(path.dirname(sdkDeploymentsFile), { recursive: true });
writeFileSync(sdkDeploymentsFile, sdkDeploymentsModule());
console.log("wrote sdk/src/abi/{*Abi,coreAbis}.ts, sdk/src/deployments/builtin.ts");
