/**
 * The published Solidity package, `@grantkit/contracts` (contracts/package.json): `npm pack ./contracts`,
 * installed with @openzeppelin/contracts into a throwaway Hardhat 3 project outside the repository,
 * which compiles the README's example (a `GrantGate` dApp) and the package's own contracts from
 * node_modules. The compiled package contracts and the example then run on a simulated chain.
 * Hardhat and solc come from the repository's node_modules (a symlink and the solc-js path), so
 * nothing is downloaded; the two packages under test are installed from the tarball and the cache.
 */
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { Contract, keccak256, toUtf8Bytes, type InterfaceAbi } from "ethers";
import hre, { network } from "hardhat";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const require = createRequire(import.meta.url);

/** Exactly what the tarball must hold: the consumer sources, LICENSE, README and package.json. */
const SHIPPED = [
  "AccessGrants.sol",
  "IssuerRegistry.sol",
  "LICENSE",
  "README.md",
  "gate/GrantGate.sol",
  "interfaces/IAccessGrants.sol",
  "interfaces/IIssuerRegistry.sol",
  "package.json",
  "utils/GrantIds.sol",
  "utils/SignatureValidation.sol",
];

interface Artifact {
  abi: { type: string; name?: string }[];
  bytecode: string;
}

/** The first ```solidity block of contracts/README.md: the example the test compiles. */
function readmeExample(): string {
  const readme = readFileSync(path.join(ROOT, "contracts/README.md"), "utf8");
  const match = /```solidity\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error("contracts/README.md has no ```solidity example");
  return match[1]!;
}

function names(artifact: Artifact, type: string): string[] {
  return artifact.abi
    .filter((item) => item.type === type)
    .map((item) => item.name!)
    .sort();
}

describe("contracts: the packed @grantkit/contracts package", function () {
  this.timeout(600_000);
  let dir: string;
  let tarball: string;
  let app: string;

  before(function () {
    dir = mkdtempSync(path.join(tmpdir(), "grantkit-contracts-pack-"));
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "./contracts", "--pack-destination", dir, "--json"], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      }),
    ) as { filename: string }[];
    tarball = path.join(dir, packed[0]!.filename);

    // The consumer: its own package.json, the tarball and OpenZeppelin installed by npm.
    app = path.join(dir, "app");
    mkdirSync(path.join(app, "contracts"), { recursive: true });
    writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({
        name: "grantkit-contracts-consumer",
        private: true,
        type: "module",
        dependencies: {
          "@grantkit/contracts": `file:${tarball}`,
          "@openzeppelin/contracts": "5.7.0",
        },
      }),
    );
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--silent"], {
      cwd: app,
      stdio: ["ignore", "ignore", "inherit"],
    });
    // After `npm install`, which would prune it: Hardhat itself is the repository's.
    symlinkSync(path.join(ROOT, "node_modules/hardhat"), path.join(app, "node_modules/hardhat"));

    const solcVersion = (
      JSON.parse(readFileSync(require.resolve("solc/package.json"), "utf8")) as { version: string }
    ).version;
    const solc = { version: solcVersion, path: require.resolve("solc/soljson.js") };
    // The gate and the interfaces compile with default settings; the two contracts need viaIR
    // (as the package's README says), given as per-file overrides.
    const viaIR = { ...solc, settings: { viaIR: true, optimizer: { enabled: true, runs: 200 } } };
    writeFileSync(
      path.join(app, "hardhat.config.js"),
      `export default ${JSON.stringify(
        {
          solidity: {
            profiles: {
              default: {
                compilers: [solc],
                overrides: {
                  "@grantkit/contracts/AccessGrants.sol": viaIR,
                  "@grantkit/contracts/IssuerRegistry.sol": viaIR,
                },
              },
            },
            npmFilesToBuild: [
              "@grantkit/contracts/AccessGrants.sol",
              "@grantkit/contracts/IssuerRegistry.sol",
            ],
          },
        },
        null,
        2,
      )};\n`,
    );
    writeFileSync(path.join(app, "contracts/Vault.sol"), readmeExample());
    // `hardhat test` exports its global options as HARDHAT_* variables (HARDHAT_CONFIG is this
    // repository's config, HARDHAT_COVERAGE...): the consumer's Hardhat must not inherit them.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(HARDHAT|HH)_/.test(name)),
    );
    execFileSync(
      process.execPath,
      [
        path.join(app, "node_modules/hardhat/dist/src/cli.js"),
        "--config",
        path.join(app, "hardhat.config.js"),
        "build",
      ],
      { cwd: app, env, stdio: ["ignore", "ignore", "inherit"] },
    );
  });

  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function artifact(relative: string): Artifact {
    return JSON.parse(readFileSync(path.join(app, "artifacts", relative), "utf8")) as Artifact;
  }

  it("ships the listed sources, the project's LICENSE, README and package.json, and nothing else (no mocks, no examples)", function () {
    const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.replace(/^package\//, ""))
      .sort();
    expect(listing).to.deep.equal(SHIPPED);
    expect(listing.filter((f) => /mocks\/|examples\/|\.t\.sol$|\.json$/.test(f))).to.deep.equal([
      "package.json",
    ]);

    const manifest = JSON.parse(
      execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }),
    ) as {
      name: string;
      version: string;
      license: string;
      peerDependencies: Record<string, string>;
    };
    expect([manifest.name, manifest.version, manifest.license]).to.deep.equal([
      "@grantkit/contracts",
      "0.1.0",
      "MIT",
    ]);
    const rootOz = (
      JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        devDependencies: Record<string, string>;
      }
    ).devDependencies["@openzeppelin/contracts"];
    expect(manifest.peerDependencies).to.deep.equal({ "@openzeppelin/contracts": `^${rootOz}` });
    expect(
      execFileSync("tar", ["-xzOf", tarball, "package/LICENSE"], { encoding: "utf8" }),
      "contracts/LICENSE is a copy of the project's LICENSE",
    ).to.equal(readFileSync(path.join(ROOT, "LICENSE"), "utf8"));
  });

  it("ships every file a shipped source imports, and imports no package but OpenZeppelin", function () {
    const shipped = new Set(SHIPPED);
    for (const file of SHIPPED.filter((f) => f.endsWith(".sol"))) {
      const source = readFileSync(path.join(ROOT, "contracts", file), "utf8");
      for (const [, target] of source.matchAll(/^import\s[^"]*"([^"]+)";/gm)) {
        if (target!.startsWith(".")) {
          const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), target!));
          expect(shipped.has(resolved), `${file} imports ${target}, which is not shipped`).to.equal(
            true,
          );
        } else {
          expect(target, `${file} imports ${target}`).to.match(/^@openzeppelin\/contracts\//);
        }
      }
    }
  });

  it("installs into a project outside the repository, where the README's gate example compiles", function () {
    expect(
      JSON.parse(
        readFileSync(path.join(app, "node_modules/@grantkit/contracts/package.json"), "utf8"),
      ),
    ).to.include({ name: "@grantkit/contracts", version: "0.1.0" });
    const vault = artifact("contracts/Vault.sol/Vault.json");
    expect(names(vault, "function")).to.deep.equal([
      "ACCESS_GRANTS",
      "GATE_GRANTEE",
      "GATE_PURPOSE",
      "ISSUER_REGISTRY",
      "balanceOf",
      "deposit",
      "isGranted",
    ]);
    expect(names(vault, "error")).to.deep.equal([
      "GrantGateNotGranted",
      "GrantGateReceiptMismatch",
      "GrantGateReceiptRejected",
      "GrantGateZeroAddress",
    ]);
    expect(vault.bytecode).to.match(/^0x[0-9a-f]{100,}$/);
  });

  it("compiles the package's AccessGrants and IssuerRegistry against the installed OpenZeppelin, with the repository's ABIs", async function () {
    for (const name of ["AccessGrants", "IssuerRegistry"]) {
      const packaged = artifact(`@grantkit/contracts/${name}.sol/${name}.json`);
      const built = await hre.artifacts.readArtifact(name);
      expect(packaged.abi, name).to.deep.equal(built.abi);
      expect(packaged.bytecode).to.match(/^0x[0-9a-f]{100,}$/);
    }
    const buildInfo = readdirSync(path.join(app, "artifacts/build-info")).filter(
      (f) => f.endsWith(".json") && !f.endsWith(".output.json"),
    );
    const sources = buildInfo.flatMap((f) =>
      Object.keys(
        (
          JSON.parse(readFileSync(path.join(app, "artifacts/build-info", f), "utf8")) as {
            input: { sources: Record<string, unknown> };
          }
        ).input.sources,
      ),
    );
    expect(sources).to.include("npm/@openzeppelin/contracts@5.7.0/utils/cryptography/EIP712.sol");
    expect(sources).to.include("npm/@grantkit/contracts@0.1.0/gate/GrantGate.sol");
  });

  it("runs: the example admits a user only while the packaged AccessGrants holds their grant", async function () {
    const { ethers } = await network.create();
    const [deployer, user, compliance] = await ethers.getSigners();
    const deploy = async (a: Artifact, ...args: unknown[]): Promise<Contract> => {
      const factory = new ethers.ContractFactory(a.abi as InterfaceAbi, a.bytecode, deployer);
      const contract = await factory.deploy(...args);
      await contract.waitForDeployment();
      return new Contract(await contract.getAddress(), a.abi as InterfaceAbi, deployer);
    };
    const grants = await deploy(artifact("@grantkit/contracts/AccessGrants.sol/AccessGrants.json"));
    const registry = await deploy(
      artifact("@grantkit/contracts/IssuerRegistry.sol/IssuerRegistry.json"),
      3 * 24 * 3600,
      deployer!.address,
      [],
      [],
      [],
    );
    const vault = await deploy(
      artifact("contracts/Vault.sol/Vault.json"),
      await grants.getAddress(),
      await registry.getAddress(),
      compliance!.address,
    );
    const data = keccak256(toUtf8Bytes("kyc-credential-of-user"));
    const key = {
      grantee: compliance!.address,
      dataHash: data,
      purpose: keccak256(toUtf8Bytes("onboarding")),
    };
    const asUser = (c: Contract) => c.connect(user!) as Contract;

    await expect(asUser(vault).getFunction("deposit")(data, { value: 1n }))
      .to.be.revertedWithCustomError(vault, "GrantGateNotGranted")
      .withArgs(user!.address, data);

    await (
      await asUser(grants).getFunction("grant")({ ...key, lockedUntil: 0, expiresAt: 0 })
    ).wait();
    expect(await vault.getFunction("isGranted")(user!.address, data)).to.equal(true);
    await (await asUser(vault).getFunction("deposit")(data, { value: 5n })).wait();
    expect(await vault.getFunction("balanceOf")(user!.address)).to.equal(5n);

    await (await asUser(grants).getFunction("revoke")(key)).wait();
    expect(await vault.getFunction("isGranted")(user!.address, data)).to.equal(false);
    await expect(
      asUser(vault).getFunction("deposit")(data, { value: 1n }),
    ).to.be.revertedWithCustomError(vault, "GrantGateNotGranted");
  });
});
