/**
 * Whether the build that `npm start` needs is there and fresh, decided from file times and contents
 * alone (a few milliseconds): the artifacts of the deployed contracts with their build info, not
 * instrumented by `npm run coverage`, newer than every source and setting they come from, and the
 * ABIs the indexer reads (the SDK's, sdk/src/abi/) equal to what the build would write. `npm start` runs `npm run build` when not.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";

import { indexedAbiNames, sdkAbiFile, sdkAbiModule } from "./sdk-sources.mjs";

/** The contracts `npm start` deploys, by artifact path under artifacts/. */
export const START_CONTRACTS = {
  AccessGrants: "contracts/AccessGrants.sol/AccessGrants.json",
  IssuerRegistry: "contracts/IssuerRegistry.sol/IssuerRegistry.json",
} as const;

/** Written after a build `npm start` ran: sources older than it are built (Hardhat rewrites only
 * the artifacts whose compilation changed, so the artifacts' own times can stay older). */
export const BUILD_STAMP = path.join("cache", "grantkit-start-build.json");

/** Marks code instrumented by `npm run coverage` (Hardhat's coverage library, in the solc input). */
const COVERAGE_MARK = "__NomicFoundationCoverage";

export type Freshness = { fresh: true } | { fresh: false; reason: string };

function mtime(file: string): number {
  return statSync(file).mtimeMs;
}

function solidityFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...solidityFiles(full));
    else if (entry.name.endsWith(".sol")) out.push(full);
  }
  return out;
}

/**
 * The files a build of the deployed contracts and the indexer's ABIs comes from: our sources, the
 * compiler settings, and the installed compiler and imported library (npm gives an installed
 * package's files the time of the install, so a new version is a newer file).
 */
export function buildInputs(root: string): string[] {
  return [
    ...solidityFiles(path.join(root, "contracts")),
    path.join(root, "hardhat.config.ts"),
    path.join(root, "scripts", "export-abis.mjs"),
    path.join(root, "scripts", "lib", "sdk-sources.mjs"),
    path.join(root, "node_modules", "solc", "package.json"),
    path.join(root, "node_modules", "@openzeppelin", "contracts", "package.json"),
  ].filter((f) => existsSync(f));
}

/**
 * Says whether `npm run build` is needed before `npm start` can deploy and index, and why.
 *
 * @example
 * const state = buildFreshness(ROOT);
 * if (!state.fresh) console.log(`building: ${state.reason}`);
 */
export function buildFreshness(root: string): Freshness {
  const artifactTimes: number[] = [];
  for (const [name, relative] of Object.entries(START_CONTRACTS)) {
    const file = path.join(root, "artifacts", relative);
    if (!existsSync(file)) return { fresh: false, reason: `no ${name} artifact yet (first start)` };
    let buildInfoId: unknown;
    try {
      buildInfoId = (JSON.parse(readFileSync(file, "utf8")) as { buildInfoId?: unknown })
        .buildInfoId;
    } catch {
      return { fresh: false, reason: `artifacts/${relative} is not readable JSON` };
    }
    const buildInfo = path.join(root, "artifacts", "build-info", `${String(buildInfoId)}.json`);
    if (typeof buildInfoId !== "string" || !existsSync(buildInfo)) {
      return { fresh: false, reason: `the build info of ${name} is missing` };
    }
    if (readFileSync(buildInfo, "utf8").includes(COVERAGE_MARK)) {
      return { fresh: false, reason: `${name} was built instrumented by npm run coverage` };
    }
    artifactTimes.push(mtime(file));
  }
  const stamp = path.join(root, BUILD_STAMP);
  const builtAt = Math.max(Math.min(...artifactTimes), existsSync(stamp) ? mtime(stamp) : 0);
  for (const input of buildInputs(root)) {
    if (mtime(input) > builtAt) {
      return { fresh: false, reason: `${path.relative(root, input)} changed since the last build` };
    }
  }
  for (const name of indexedAbiNames as string[]) {
    const file = sdkAbiFile(name, root) as string;
    if (!existsSync(file) || readFileSync(file, "utf8") !== sdkAbiModule(name, root)) {
      return { fresh: false, reason: `${path.relative(root, file)} differs from the build` };
    }
  }
  return { fresh: true };
}

/** Records that a build finished now (see BUILD_STAMP). */
export function stampBuild(root: string, reason: string): void {
  const stamp = path.join(root, BUILD_STAMP);
  mkdirSync(path.dirname(stamp), { recursive: true });
  writeFileSync(stamp, JSON.stringify({ builtAt: new Date().toISOString(), reason }) + "\n");
}
