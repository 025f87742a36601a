import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

import { presetChainDescriptors, presetNetworks } from "./networks.config.js";
import { tasks } from "./tasks/index.js";
import { scaleTasks } from "./tasks/scale.js";

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
  tasks: [...tasks, ...scaleTasks],
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
      profiles: {
        // `npm test`: quick enough for every change.
        default: { fuzz: { runs: 256 } },
        // `npm run test:deep`: many more runs and longer invariant sequences.
        deep: { fuzz: { runs: 10_000 }, invariant: { runs: 512, depth: 256 } },
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
    // The public chains and their test networks (networks.config.ts): ethereum, base, optimism,
    // arbitrum, linea, polygon, sepolia, baseSepolia, optimismSepolia, arbitrumSepolia,
    // lineaSepolia, polygonAmoy.
    ...presetNetworks(),
  },
  // Their explorers, for `npm run verify` (hardhat-verify).
  chainDescriptors: presetChainDescriptors(),
  verify: {
    // Etherscan's v2 API: one key for every chain it serves.
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
    blockscout: { enabled: true },
    sourcify: {
      enabled: true,
      ...(process.env.SOURCIFY_API_URL ? { apiUrl: process.env.SOURCIFY_API_URL } : {}),
    },
  },
});
