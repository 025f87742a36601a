import { readFileSync } from "node:fs";

import { expect } from "chai";

// @ts-expect-error: a plain ESM script without types
import { abiFile, abiModule, abiNames } from "../scripts/export-abis.mjs";

describe("indexer ABIs", function () {
  it("indexer/abis/*.ts equal the current build (run npm run build to regenerate them)", function () {
    for (const name of abiNames as string[]) {
      expect(readFileSync(abiFile(name) as string, "utf8"), `${name}Abi.ts is stale`).to.equal(
        abiModule(name),
      );
    }
  });
});
