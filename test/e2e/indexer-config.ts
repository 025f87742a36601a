/**
 * The indexer's config (`indexer/ponder.config.ts`) validates every deployment record it reads: a
 * partial record stops `ponder start` with the file name and the field that is wrong. Runs the real
 * Ponder on a folder of records, as `npm start` and `npm run indexer` do.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { ROOT } from "../../scripts/lib/deployment.js";
import { RECORD_SCHEMA_FILE } from "../../deployments/record-schema.js";
import { freePort, killGroup } from "../../scripts/lib/processes.js";

const PONDER = path.join(ROOT, "node_modules", ".bin", "ponder");

/** Runs `ponder start` on `recordsDir` until it exits (or 90 s); resolves with its code and output. */
async function ponderStart(recordsDir: string): Promise<{ code: number | null; output: string }> {
  const work = mkdtempSync(path.join(tmpdir(), "grantkit-ponder-"));
  const child = spawn(
    process.execPath,
    [PONDER, "start", "-H", "127.0.0.1", "-p", String(await freePort()), "--schema", "config"],
    {
      cwd: path.join(ROOT, "indexer"),
      env: {
        ...process.env,
        GRANTKIT_DEPLOYMENTS_DIR: recordsDir,
        PONDER_PGLITE_DIR: path.join(work, "pglite"),
        PONDER_RPC_URL_31337: "http://127.0.0.1:9",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => killGroup(child), 90_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  killGroup(child);
  rmSync(work, { recursive: true, force: true });
  return { code, output };
}

describe("indexer config: deployment records", function () {
  this.timeout(120_000);

  it("stops Ponder on a partial record, naming the file and the missing field", async function () {
    const dir = mkdtempSync(path.join(tmpdir(), "grantkit-records-"));
    try {
      // The schema beside the records, as in deployments/: it is no record and must be skipped.
      copyFileSync(RECORD_SCHEMA_FILE, path.join(dir, "record.schema.json"));
      writeFileSync(
        path.join(dir, "localhost.json"),
        JSON.stringify({
          format: 1,
          network: "localhost",
          chainId: 31337,
          createX: "0xba5Ed099633D3B313e4D5F7bdc1305d3c28ba5Ed",
          salt: "0x" + "11".repeat(32),
          compiler: { version: "0.8.28", evmVersion: "cancun", optimizerRuns: 1, viaIR: true },
          gitCommit: "unknown",
          contracts: {
            AccessGrants: {
              address: "0x2eE7174c8541e0dc33e645742526DF5248B1ba6c",
              txHash: "0x" + "22".repeat(32),
              deployer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
              bytecodeHash: "0x" + "33".repeat(32),
              constructorArgs: "0x",
            },
          },
        }),
      );
      const { code, output } = await ponderStart(dir);
      expect(code, output).to.not.equal(0);
      expect(output).to.match(/localhost\.json: .*contracts\.AccessGrants\.blockNumber is missing/);
      expect(output).to.match(/contracts\.IssuerRegistry is missing/);
      expect(output).to.match(/npm run deploy/);
      expect(output).to.not.match(/record\.schema\.json:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
