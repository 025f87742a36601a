import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig, emptyTask, task } from "hardhat/config";

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

const tasks = [
  emptyTask("grantkit", "GrantKit deploy and operate commands").build(),
  task(
    ["grantkit", "deploy"],
    "Deploy AccessGrants and IssuerRegistry, write deployments/<network>.json",
  )
    .addFlag({
      name: "dryRun",
      description: "Print the plan (addresses, roles, issuers); send nothing",
    })
    .addFlag({ name: "examples", description: "Also deploy contracts/examples (KycVault)" })
    .setAction(() => import("./tasks/deploy.js"))
    .build(),
];

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  tasks,
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
    // A local node: `npx hardhat node` (chain 31337); LOCALHOST_RPC_URL points it elsewhere.
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545",
    },
    // A second simulated chain id, for `npx hardhat node --network otherchain` (tests: same addresses).
    otherchain: {
      type: "edr-simulated",
      chainType: "l1",
      chainId: 31338,
    },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_DEPLOYER_PRIVATE_KEY")],
    },
  },
});
