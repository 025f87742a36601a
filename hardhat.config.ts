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
  task(
    ["grantkit", "start"],
    "Run the whole product locally: chain, deploy, indexer (Ctrl-C stops)",
  )
    .addFlag({
      name: "demo",
      description: "Seed demo data: issuers and a few hundred grants over simulated months",
    })
    .setAction(() => import("./tasks/start.js"))
    .build(),
  task(
    ["grantkit", "list"],
    "Print the deployment record, the registry's admin, registrars, types and issuers",
  )
    .setAction(() => import("./tasks/operate/list.js"))
    .build(),
  task(["grantkit", "issuer-add"], "Accredit a new issuer (registrar)")
    .addOption({ name: "issuer", description: "Issuer key address", defaultValue: "" })
    .addOption({
      name: "types",
      description: "Credential type labels, comma-separated",
      defaultValue: "",
    })
    .addOption({
      name: "jurisdiction",
      description: "ISO 3166-1 alpha-2 code, e.g. CH",
      defaultValue: "",
    })
    .addOption({
      name: "validFrom",
      description: "Trusted from (unix, ISO date or +<n>[smhd])",
      defaultValue: "",
    })
    .addOption({
      name: "validUntil",
      description: "Trusted until, exclusive (unix, ISO date or +<n>[smhd])",
      defaultValue: "",
    })
    .addOption({
      name: "metadata",
      description: "Metadata hash (0x 32 bytes) or text to hash",
      defaultValue: "",
    })
    .addOption({ name: "from", description: "Sender: account index or address", defaultValue: "0" })
    .setAction(async () => ({ default: (await import("./tasks/operate/issuer.js")).issuerAdd }))
    .build(),
  task(["grantkit", "issuer-suspend"], "Suspend an Active issuer (registrar)")
    .addOption({ name: "issuer", description: "Issuer key address", defaultValue: "" })
    .addOption({ name: "from", description: "Sender: account index or address", defaultValue: "0" })
    .setAction(async () => ({ default: (await import("./tasks/operate/issuer.js")).issuerSuspend }))
    .build(),
  task(["grantkit", "issuer-restore"], "Restore a Suspended issuer (registrar)")
    .addOption({ name: "issuer", description: "Issuer key address", defaultValue: "" })
    .addOption({ name: "from", description: "Sender: account index or address", defaultValue: "0" })
    .setAction(async () => ({ default: (await import("./tasks/operate/issuer.js")).issuerRestore }))
    .build(),
  task(["grantkit", "issuer-remove"], "Remove an issuer key for good (registrar)")
    .addOption({ name: "issuer", description: "Issuer key address", defaultValue: "" })
    .addOption({ name: "from", description: "Sender: account index or address", defaultValue: "0" })
    .setAction(async () => ({ default: (await import("./tasks/operate/issuer.js")).issuerRemove }))
    .build(),
  task(["grantkit", "issuer-set-types"], "Replace an issuer's credential types (registrar)")
    .addOption({ name: "issuer", description: "Issuer key address", defaultValue: "" })
    .addOption({
      name: "types",
      description: "Credential type labels, comma-separated",
      defaultValue: "",
    })
    .addOption({ name: "from", description: "Sender: account index or address", defaultValue: "0" })
    .setAction(async () => ({
      default: (await import("./tasks/operate/issuer.js")).issuerSetTypes,
    }))
    .build(),
  task(["grantkit", "issuer-show"], "Print an issuer's record, trusted types and history")
    .addOption({ name: "issuer", description: "Issuer key address", defaultValue: "" })
    .setAction(async () => ({ default: (await import("./tasks/operate/issuer.js")).issuerShow }))
    .build(),
  task(["grantkit", "grant"], "Grant access to a data item for a purpose (as the owner, --from)")
    .addOption({ name: "grantee", description: "Grantee address", defaultValue: "" })
    .addOption({
      name: "dataHash",
      description: "Data hash (0x + 64 hex digits)",
      defaultValue: "",
    })
    .addOption({
      name: "dataId",
      description: "Off-chain data id (with --salt) instead of --data-hash",
      defaultValue: "",
    })
    .addOption({
      name: "salt",
      description: "The data item's 32-byte secret salt",
      defaultValue: "",
    })
    .addOption({
      name: "purpose",
      description: "Purpose label or 0x 32-byte purpose; empty = unspecified",
      defaultValue: "",
    })
    .addOption({
      name: "lockedUntil",
      description: "Owner cannot revoke before (unix, ISO date or +<n>[smhd])",
      defaultValue: "",
    })
    .addOption({
      name: "expiresAt",
      description: "Grant ends at (unix, ISO date or +<n>[smhd])",
      defaultValue: "",
    })
    .addOption({ name: "from", description: "Sender: account index or address", defaultValue: "0" })
    .setAction(async () => ({ default: (await import("./tasks/operate/grants.js")).grant }))
    .build(),
  task(["grantkit", "revoke"], "Revoke a grant (as the owner, --from)")
    .addOption({ name: "grantee", description: "Grantee address", defaultValue: "" })
    .addOption({
      name: "dataHash",
      description: "Data hash (0x + 64 hex digits)",
      defaultValue: "",
    })
    .addOption({
      name: "dataId",
      description: "Off-chain data id (with --salt) instead of --data-hash",
      defaultValue: "",
    })
    .addOption({
      name: "salt",
      description: "The data item's 32-byte secret salt",
      defaultValue: "",
    })
    .addOption({
      name: "purpose",
      description: "Purpose label or 0x 32-byte purpose; empty = unspecified",
      defaultValue: "",
    })
    .addOption({ name: "from", description: "Sender: account index or address", defaultValue: "0" })
    .setAction(async () => ({ default: (await import("./tasks/operate/grants.js")).revoke }))
    .build(),
  task(["grantkit", "release"], "Give up a grant (as the grantee, --from)")
    .addOption({ name: "owner", description: "Owner address", defaultValue: "" })
    .addOption({
      name: "dataHash",
      description: "Data hash (0x + 64 hex digits)",
      defaultValue: "",
    })
    .addOption({
      name: "dataId",
      description: "Off-chain data id (with --salt) instead of --data-hash",
      defaultValue: "",
    })
    .addOption({
      name: "salt",
      description: "The data item's 32-byte secret salt",
      defaultValue: "",
    })
    .addOption({
      name: "purpose",
      description: "Purpose label or 0x 32-byte purpose; empty = unspecified",
      defaultValue: "",
    })
    .addOption({ name: "from", description: "Sender: account index or address", defaultValue: "0" })
    .setAction(async () => ({ default: (await import("./tasks/operate/grants.js")).release }))
    .build(),
  task(["grantkit", "check"], "Print whether a grant is active and its state")
    .addOption({ name: "owner", description: "Owner address", defaultValue: "" })
    .addOption({ name: "grantee", description: "Grantee address", defaultValue: "" })
    .addOption({
      name: "dataHash",
      description: "Data hash (0x + 64 hex digits)",
      defaultValue: "",
    })
    .addOption({
      name: "dataId",
      description: "Off-chain data id (with --salt) instead of --data-hash",
      defaultValue: "",
    })
    .addOption({
      name: "salt",
      description: "The data item's 32-byte secret salt",
      defaultValue: "",
    })
    .addOption({
      name: "purpose",
      description: "Purpose label or 0x 32-byte purpose; empty = unspecified",
      defaultValue: "",
    })
    .setAction(async () => ({ default: (await import("./tasks/operate/grants.js")).check }))
    .build(),
  task(
    ["grantkit", "sign-grant"],
    "Sign a Grant request offline as the owner (--from); write it to --out",
  )
    .addOption({ name: "grantee", description: "Grantee address", defaultValue: "" })
    .addOption({
      name: "dataHash",
      description: "Data hash (0x + 64 hex digits)",
      defaultValue: "",
    })
    .addOption({
      name: "dataId",
      description: "Off-chain data id (with --salt) instead of --data-hash",
      defaultValue: "",
    })
    .addOption({
      name: "salt",
      description: "The data item's 32-byte secret salt",
      defaultValue: "",
    })
    .addOption({
      name: "purpose",
      description: "Purpose label or 0x 32-byte purpose; empty = unspecified",
      defaultValue: "",
    })
    .addOption({
      name: "lockedUntil",
      description: "Owner cannot revoke before (unix, ISO date or +<n>[smhd])",
      defaultValue: "",
    })
    .addOption({
      name: "expiresAt",
      description: "Grant ends at (unix, ISO date or +<n>[smhd])",
      defaultValue: "",
    })
    .addOption({
      name: "nonce",
      description: "Unused nonce of the owner; empty = random",
      defaultValue: "",
    })
    .addOption({
      name: "deadline",
      description: "Last valid time of the signature; empty = +1h",
      defaultValue: "",
    })
    .addOption({
      name: "out",
      description: "File to write the signed request to",
      defaultValue: "",
    })
    .addOption({ name: "from", description: "Sender: account index or address", defaultValue: "0" })
    .setAction(async () => ({ default: (await import("./tasks/operate/signing.js")).signGrant }))
    .build(),
  task(
    ["grantkit", "relay"],
    "Submit a signed Grant request (grantBySignature) as the relayer (--from)",
  )
    .addOption({ name: "request", description: "File written by sign-grant", defaultValue: "" })
    .addOption({ name: "from", description: "Sender: account index or address", defaultValue: "0" })
    .setAction(async () => ({ default: (await import("./tasks/operate/signing.js")).relay }))
    .build(),
  task(
    ["grantkit", "export"],
    "Write a dApp bundle (ABIs, addresses, chain id, start blocks) to --out",
  )
    .addOption({
      name: "out",
      description: "Directory to write grantkit.<network>.json to",
      defaultValue: "",
    })
    .setAction(() => import("./tasks/operate/export.js"))
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
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_DEPLOYER_PRIVATE_KEY")],
    },
  },
});
