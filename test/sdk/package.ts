/**
 * The published package: `npm pack -w sdk` (which builds it), installed with viem in an empty folder
 * outside the repository, then used from `import` and from `require` by a separate Node process.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import { computeGrantId, purposeHash } from "../../sdk/src/index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OWNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const GRANTEE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const DATA = `0x${"ab".repeat(32)}` as const;

/** The script the consumer runs: the same checks through `import` (ESM) or `require` (CJS). */
function consumer(load: string): string {
  return `${load}
const out = {
  grantId: sdk.computeGrantId({ owner: "${OWNER}", grantee: "${GRANTEE}", dataHash: "${DATA}", purpose: sdk.purposeHash("onboarding") }),
  abiFunctions: abi.accessGrantsAbi.filter((i) => i.type === "function").length,
  actions: Object.keys(sdk.grantkitActions()({ chain: undefined, account: undefined, request: async () => null })).length,
  decoded: (() => {
    const data = viem.encodeErrorResult({ abi: abi.accessGrantsAbi, errorName: "AccessGrantsLocked", args: ["0x${"01".repeat(32)}", 1893456000n] });
    const e = sdk.decodeContractError({ data });
    return [e instanceof sdk.GrantKitError, e.errorName, String(e.args.lockedUntil), e.hint.length > 0];
  })(),
  indexer: typeof indexer.createIndexerClient({ baseUrl: "http://127.0.0.1:1" }).iterateGrants,
  ethers: typeof ethers.ethersTransport,
};
console.log(JSON.stringify(out));
`;
}

describe("sdk: the packed package", function () {
  this.timeout(300_000);
  let dir: string;

  before(function () {
    dir = mkdtempSync(path.join(tmpdir(), "grantkit-sdk-pack-"));
    execFileSync("npm", ["pack", "-w", "sdk", "--pack-destination", dir, "--silent"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error("npm pack wrote no tarball");
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "consumer", private: true }),
    );
    execFileSync(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        "--silent",
        `./${tarball}`,
        "viem@2.57.20",
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
    );
    writeFileSync(
      path.join(dir, "esm.mjs"),
      consumer(
        `import * as sdk from "@grantkit/sdk"; import * as abi from "@grantkit/sdk/abi"; import * as indexer from "@grantkit/sdk/indexer"; import * as ethers from "@grantkit/sdk/ethers"; import * as viem from "viem";`,
      ),
    );
    writeFileSync(
      path.join(dir, "cjs.cjs"),
      consumer(
        `const sdk = require("@grantkit/sdk"); const abi = require("@grantkit/sdk/abi"); const indexer = require("@grantkit/sdk/indexer"); const ethers = require("@grantkit/sdk/ethers"); const viem = require("viem");`,
      ),
    );
  });
  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const file of ["esm.mjs", "cjs.cjs"]) {
    it(`works from ${file.endsWith(".mjs") ? "import" : "require"} in a project outside the repository`, function () {
      const out = JSON.parse(
        execFileSync(process.execPath, [file], { cwd: dir, encoding: "utf8" }),
      ) as Record<string, unknown>;
      expect(out.grantId).to.equal(
        computeGrantId({
          owner: OWNER,
          grantee: GRANTEE,
          dataHash: DATA,
          purpose: purposeHash("onboarding"),
        }),
      );
      expect(out.abiFunctions).to.be.greaterThan(20);
      expect(out.actions).to.be.greaterThan(60);
      expect(out.decoded).to.deep.equal([true, "AccessGrantsLocked", "1893456000", true]);
      expect(out.indexer).to.equal("function");
      expect(out.ethers).to.equal("function");
    });
  }

  it("holds the builds, the sources and the README, and nothing else", function () {
    const listing = execFileSync(
      "npm",
      ["pack", "-w", "sdk", "--dry-run", "--json", "--ignore-scripts"],
      { cwd: ROOT, encoding: "utf8" },
    );
    const files = (JSON.parse(listing) as { files: { path: string }[] }[])[0]!.files.map(
      (f) => f.path,
    );
    expect(files).to.include.members([
      "package.json",
      "README.md",
      "dist/index.js",
      "dist/index.cjs",
      "dist/index.d.ts",
      "dist/index.d.cts",
      "src/index.ts",
    ]);
    expect(
      files.filter((f) => !/^(dist|src)\//.test(f) && !["package.json", "README.md"].includes(f)),
    ).to.deep.equal([]);
  });
});
