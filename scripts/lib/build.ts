/**
 * The bytecode a deploy sends: a clean build of the `production` build profile, never whatever
 * `artifacts/` happens to hold. A coverage run leaves instrumented code there, an edit since the last
 * build leaves stale code, and another profile may compile with other settings; any of them would put
 * a contract nobody audited at an address no other chain matches.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { ContractName } from "./deployment.js";
import { GrantKitError } from "./errors.js";

/** The build profile every deploy and verification uses (isolated: one contract's sources per input). */
export const PRODUCTION_PROFILE = "production";

/** Where each deployable contract lives. */
export const SOURCES: Record<ContractName, string> = {
  AccessGrants: "contracts/AccessGrants.sol",
  IssuerRegistry: "contracts/IssuerRegistry.sol",
  KycVault: "contracts/examples/KycVault.sol",
};

export interface ProductionArtifact {
  /** `contracts/AccessGrants.sol:AccessGrants`. */
  fullyQualifiedName: string;
  /** Hardhat's build id: a hash of the compiler and the standard-JSON input it compiled. */
  buildInfoId: string;
  /** The creation bytecode, as the production compile output has it. */
  bytecode: string;
}

interface ArtifactFile {
  bytecode: string;
  deployedBytecode: string;
  inputSourceName: string;
  buildInfoId?: string;
}

interface BuildInfoOutput {
  output: {
    contracts: Record<
      string,
      Record<
        string,
        { evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }
      >
    >;
  };
}

/**
 * Compiles the production profile of `names` (a no-op when its cache is current) and checks that
 * each artifact is exactly that compile's output: same build id (so the same sources, settings and
 * compiler, without instrumentation) and the same bytecode. An artifact that still differs (written
 * by another process, edited by hand) is compiled once more with `force`; after that it is refused.
 *
 * @example
 * const built = await productionBuild(hre, ["AccessGrants", "IssuerRegistry"]);
 * built.AccessGrants.buildInfoId; // "solc-0_8_28-5b92…"
 */
export async function productionBuild(
  hre: HardhatRuntimeEnvironment,
  names: readonly ContractName[],
  log: (line: string) => void = () => {},
): Promise<Record<string, ProductionArtifact>> {
  if (hre.globalOptions.coverage) {
    // The coverage plugin instruments every project file of every build in this process.
    throw new GrantKitError(
      "this command runs with --coverage, which compiles instrumented bytecode that must never be deployed",
      "run it again without --coverage",
    );
  }
  const roots = names.map((name) => path.join(hre.config.paths.root, SOURCES[name]));
  const built = await build(hre, roots, false);
  let checked = await check(hre, names, roots);
  const stale = names.filter((name) => typeof checked[name] === "string");
  if (stale.length > 0) {
    log(`artifacts of ${stale.join(", ")} differ from their production build: compiling again`);
    await build(
      hre,
      stale.map((name) => roots[names.indexOf(name)]!),
      true,
    );
    checked = await check(hre, names, roots);
  }
  const result: Record<string, ProductionArtifact> = {};
  for (const name of names) {
    const c = checked[name]!;
    if (typeof c === "string") {
      throw new GrantKitError(
        c,
        `run: npx hardhat build --build-profile ${PRODUCTION_PROFILE} --force, then deploy again`,
      );
    }
    result[name] = c;
  }
  log(
    `build: ${PRODUCTION_PROFILE} profile, ${built ? "compiled now" : "up to date"} (${names
      .map((n) => `${n} ${result[n]!.buildInfoId}`)
      .join(", ")})`,
  );
  return result;
}

/** Builds `roots` with the production profile; true when something was compiled. */
async function build(
  hre: HardhatRuntimeEnvironment,
  roots: string[],
  force: boolean,
): Promise<boolean> {
  const result = await hre.solidity.build(roots, {
    buildProfile: PRODUCTION_PROFILE,
    force,
    quiet: true,
  });
  if (!hre.solidity.isSuccessfulBuildResult(result)) {
    throw new GrantKitError(
      `the ${PRODUCTION_PROFILE} build cannot start: ${result.formattedReason}`,
      `run: npx hardhat build --build-profile ${PRODUCTION_PROFILE}`,
    );
  }
  let compiled = false;
  for (const [root, fileResult] of result) {
    if (fileResult.type === "BUILD_FAILURE") {
      throw new GrantKitError(
        `${path.relative(hre.config.paths.root, root)} does not compile with the ${PRODUCTION_PROFILE} profile`,
        `run: npx hardhat build --build-profile ${PRODUCTION_PROFILE} to see the errors`,
      );
    }
    if (fileResult.type === "BUILD_SUCCESS") compiled = true;
  }
  // Artifacts were (re)written: forget any artifact paths read before.
  await hre.artifacts.clearCache();
  return compiled;
}

/** Per contract: its production artifact, or why the artifact on disk is not one. */
async function check(
  hre: HardhatRuntimeEnvironment,
  names: readonly ContractName[],
  roots: string[],
): Promise<Record<string, ProductionArtifact | string>> {
  const jobs = await hre.solidity.getCompilationJobs(roots, {
    buildProfile: PRODUCTION_PROFILE,
    quiet: true,
  });
  if (!jobs.success) {
    throw new GrantKitError(
      `the ${PRODUCTION_PROFILE} build cannot start: ${jobs.formattedReason}`,
      `run: npx hardhat build --build-profile ${PRODUCTION_PROFILE}`,
    );
  }
  const checked: Record<string, ProductionArtifact | string> = {};
  for (const [i, name] of names.entries()) {
    const fullyQualifiedName = `${SOURCES[name]}:${name}`;
    const job = jobs.indexedIndividualJobs.get(roots[i]!);
    const expectedId = await job?.getBuildId();
    const artifactPath = await hre.artifacts.getArtifactPath(fullyQualifiedName).catch(() => "");
    const relative = path.relative(hre.config.paths.root, artifactPath);
    const artifact = artifactPath
      ? (JSON.parse(await readFile(artifactPath, "utf8")) as ArtifactFile)
      : undefined;
    if (artifact === undefined || expectedId === undefined) {
      checked[name] = `no artifact for ${fullyQualifiedName}`;
      continue;
    }
    if (artifact.buildInfoId !== expectedId) {
      checked[name] =
        `${relative} was built from other sources or settings (build ${artifact.buildInfoId ?? "unknown"}, ` +
        `the ${PRODUCTION_PROFILE} profile compiles them as ${expectedId}): instrumented, stale or another profile`;
      continue;
    }
    const outputPath = await hre.artifacts.getBuildInfoOutputPath(expectedId);
    const output =
      outputPath === undefined
        ? undefined
        : (JSON.parse(await readFile(outputPath, "utf8")) as BuildInfoOutput);
    const compiled = output?.output.contracts[artifact.inputSourceName]?.[name]?.evm;
    if (
      compiled === undefined ||
      "0x" + compiled.bytecode.object !== artifact.bytecode ||
      "0x" + compiled.deployedBytecode.object !== artifact.deployedBytecode
    ) {
      checked[name] = `${relative} does not hold the bytecode its build ${expectedId} produced`;
      continue;
    }
    checked[name] = { fullyQualifiedName, buildInfoId: expectedId, bytecode: artifact.bytecode };
  }
  return checked;
}
