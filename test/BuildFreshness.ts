import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { buildFreshness, stampBuild, START_CONTRACTS } from "../scripts/lib/build-freshness.js";
import { sdkAbiFile, sdkAbiModule } from "../scripts/lib/sdk-sources.mjs";

/** A project folder as a build leaves it: sources, artifacts with build info, the SDK's ABIs. */
function builtProject(): string {
  const root = mkdtempSync(path.join(tmpdir(), "grantkit-fresh-"));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  write("contracts/AccessGrants.sol", "contract AccessGrants {}\n");
  write("contracts/interfaces/IAccessGrants.sol", "interface IAccessGrants {}\n");
  write("hardhat.config.ts", "export default {};\n");
  // The sources are older than the build, as after `npm run build` a minute ago.
  const past = new Date(Date.now() - 120_000);
  for (const f of ["contracts/AccessGrants.sol", "contracts/interfaces/IAccessGrants.sol"]) {
    utimesSync(path.join(root, f), past, past);
  }
  utimesSync(path.join(root, "hardhat.config.ts"), past, past);
  for (const [name, artifact] of Object.entries(START_CONTRACTS)) {
    write(
      `artifacts/${artifact}`,
      JSON.stringify({ contractName: name, abi: [], buildInfoId: `solc-${name}` }),
    );
    write(`artifacts/build-info/solc-${name}.json`, JSON.stringify({ input: { sources: {} } }));
    write(
      path.relative(root, sdkAbiFile(name, root) as string),
      sdkAbiModule(name, root) as string,
    );
    const built = new Date(Date.now() - 60_000);
    utimesSync(path.join(root, "artifacts", artifact), built, built);
  }
  return root;
}

/** A change after the build (which was a minute ago), before now. */
function touch(file: string): void {
  const then = new Date(Date.now() - 10_000);
  utimesSync(file, then, then);
}

describe("build freshness (npm start's build-if-needed)", function () {
  let root: string;

  beforeEach(function () {
    root = builtProject();
  });

  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  it("is fresh right after a build", function () {
    expect(buildFreshness(root)).to.deep.equal({ fresh: true });
  });

  it("is not fresh without artifacts (a fresh clone)", function () {
    rmSync(path.join(root, "artifacts"), { recursive: true });
    expect(buildFreshness(root)).to.deep.equal({
      fresh: false,
      reason: "no AccessGrants artifact yet (first start)",
    });
  });

  it("is not fresh when an artifact is broken", function () {
    writeFileSync(path.join(root, "artifacts", START_CONTRACTS.IssuerRegistry), "{");
    expect(buildFreshness(root))
      .to.have.property("reason")
      .that.equals(`artifacts/${START_CONTRACTS.IssuerRegistry} is not readable JSON`);
  });

  it("is not fresh when the build info of an artifact is missing", function () {
    rmSync(path.join(root, "artifacts", "build-info", "solc-AccessGrants.json"));
    expect(buildFreshness(root))
      .to.have.property("reason")
      .that.equals("the build info of AccessGrants is missing");
  });

  it("is not fresh when npm run coverage built instrumented code", function () {
    writeFileSync(
      path.join(root, "artifacts", "build-info", "solc-AccessGrants.json"),
      JSON.stringify({
        input: { sources: { "coverage.sol": "library __NomicFoundationCoverage {}" } },
      }),
    );
    expect(buildFreshness(root))
      .to.have.property("reason")
      .that.equals("AccessGrants was built instrumented by npm run coverage");
  });

  it("is not fresh when a source changed after the build, and fresh again once stamped", function () {
    touch(path.join(root, "contracts", "interfaces", "IAccessGrants.sol"));
    expect(buildFreshness(root))
      .to.have.property("reason")
      .that.equals("contracts/interfaces/IAccessGrants.sol changed since the last build");
    // A build that changed nothing leaves the artifacts' times alone: the stamp says it ran.
    stampBuild(root, "test");
    expect(buildFreshness(root)).to.deep.equal({ fresh: true });
  });

  it("is not fresh when the compiler settings changed", function () {
    touch(path.join(root, "hardhat.config.ts"));
    expect(buildFreshness(root))
      .to.have.property("reason")
      .that.equals("hardhat.config.ts changed since the last build");
  });

  it("is not fresh when another compiler version was installed", function () {
    const solc = path.join(root, "node_modules", "solc", "package.json");
    mkdirSync(path.dirname(solc), { recursive: true });
    writeFileSync(solc, "{}\n");
    touch(solc);
    expect(buildFreshness(root))
      .to.have.property("reason")
      .that.equals("node_modules/solc/package.json changed since the last build");
  });

  it("is not fresh when an ABI the indexer reads differs from the build", function () {
    appendFileSync(sdkAbiFile("IssuerRegistry", root) as string, "// edited by hand\n");
    expect(buildFreshness(root))
      .to.have.property("reason")
      .that.equals("sdk/src/abi/issuerRegistryAbi.ts differs from the build");
  });
});
