import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";

// Compile offline with the WASM solc from the npm `solc` package: Hardhat treats a non-binary
// `path` as solc-js and skips its download, which cannot work on machines without internet.
const require = createRequire(import.meta.url);
const solcPath = require.resolve("solc/soljson.js");
const solcPackageJson = require.resolve("solc/package.json");
const solcVersion = (JSON.parse(readFileSync(solcPackageJson, "utf8")) as { version: string })
  .version;

// Gas is what users pay for most, so both profiles optimise for many calls over small bytecode.
const compilerSettings = {
  evmVersion: "cancun",
  viaIR: true,
  optimizer: {
    enabled: true,
    runs: 10_000,
  },
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  solidity: {
    profiles: {
      default: {
        version: solcVersion,
        path: solcPath,
        settings: compilerSettings,
      },
      production: {
        version: solcVersion,
        path: solcPath,
        settings: compilerSettings,
      },
    },
  },
  test: {
    solidity: {
      fuzz: {
        runs: 256,
      },
    },
  },
  networks: {
    localhost: {
      type: "http",
      chainType: "l1",
      url: "http://127.0.0.1:8545",
    },
  },
});
