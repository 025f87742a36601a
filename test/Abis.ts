import { readFileSync } from "node:fs";

import { expect } from "chai";

import {
  sdkAbiFile,
  sdkAbiModule,
  sdkAbiNames,
  sdkCoreAbisFile,
  sdkCoreAbisModule,
  sdkDeploymentsFile,
  sdkDeploymentsModule,
} from "../scripts/lib/sdk-sources.mjs";

describe("generated ABIs", function () {
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
