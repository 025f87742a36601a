// `npm run check -w sdk`: builds once, packs once (scripts off, so the build is not repeated), then
// publint (package.json and files), arethetypeswrong (types of every entry under every resolution,
// on the tarball) and size-limit (the budgets in package.json). Stops at the first failure.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const sdk = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: sdk, stdio: "inherit" });

run("npm", ["run", "build", "--silent"]);
const dir = mkdtempSync(path.join(tmpdir(), "grantkit-sdk-check-"));
try {
  run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir]);
  const tarball = path.join(
    dir,
    readdirSync(dir).find((f) => f.endsWith(".tgz")),
  );
  run("npx", ["publint", "--strict", "--pack", "false"]);
  run("npx", ["attw", tarball]);
  run("npx", ["size-limit"]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
