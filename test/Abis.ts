import { readFileSync } from "node:fs";

import { expect } from "chai";

import {
  abiFile,
  abiModule,
  abiNames,
  sdkAbiFile,
  sdkAbiModule,
  sdkAbiNames,
  sdkCoreAbisFile,
  sdkCoreAbisModule,
  sdkDeploymentsFile,
  sdkDeploymentsModule,
  // @ts-expect-error: a plain ESM script without types
} from "../scripts/export-abis.mjs";

describe("generated ABIs", function () {
  it("indexer/abis/*.ts equal the current build (run npm run build to regenerate them)", function () {
    for (const name of abiNames as string[]) {
      expect(readFileSync(abiFile(name) as string, "utf8"), `${name}Abi.ts is stale`).to.equal(
        abiModule(name),
      );
    }
  });

  it("sdk/src/abi/*.ts (full and core ABIs) and the SDK's built-in deployments equal the build and deployments/ (npm run build)", function () {
    for (const name of sdkAbiNames as string[]) {
      expect(readFileSync(sdkAbiFile(name) as string, "utf8"), `${name} ABI is stale`).to.equal(
        sdkAbiModule(name),
      );
    }
    expect(readFileSync(sdkCoreAbisFile as string, "utf8"), "coreAbis.ts is stale").to.equal(
      sdkCoreAbisModule(),
    );
    expect(readFileSync(sdkDeploymentsFile as string, "utf8")).to.equal(sdkDeploymentsModule());
  });
});
