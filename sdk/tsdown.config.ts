import { defineConfig } from "tsdown";

// ESM and CJS builds of every entry, with their own declaration files (.d.ts / .d.cts). viem and
// ethers stay external (peer dependencies).
export default defineConfig({
  entry: {
    index: "src/index.ts",
    abi: "src/abi.ts",
    ethers: "src/ethers.ts",
    indexer: "src/indexer.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  platform: "neutral",
  target: "es2022",
  sourcemap: false,
  clean: true,
  deps: { neverBundle: [/^viem/, /^ethers/] },
  // The build is small; rolldown's warnings about plugin time are noise in test logs.
  checks: { pluginTimings: false },
});
