/**
 * The SDK's generated sources (scripts/export-abis.mjs, run by `npm run build`) are up to date: each
 * committed file equals what the build and deployments/ generate now.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { ROOT } from "../scripts/lib/deployment.js";
import { sdkGeneratedFiles } from "../scripts/lib/sdk-sources.mjs";

describe("generated ABIs", function () {
  it("sdk/src/abi/*.ts (full and core ABIs) and the SDK's built-in deployments equal the build and deployments/ (npm run build)", function () {
    for (const { file, text } of sdkGeneratedFiles()) {
      expect(readFileSync(file, "utf8"), `${path.relative(ROOT, file)} is stale`).to.equal(text);
    }
  });
});
