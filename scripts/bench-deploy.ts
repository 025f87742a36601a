/**
 * `npm run bench:deploy`: wall time of `grantkit deploy --network localhost` against a fresh
 * `hardhat node` on a free port, as a user runs it (a child `npx hardhat` process each time): a full
 * deploy and a second, no-op run, three rounds, each on a new node. Prints a table with the ratio of
 * each run to the first full deploy. Records go to a temporary folder; the Ignition journals of the
 * benchmark's nodes are deleted at the end. A benchmark, not a test: it fails only if a run fails.
 */
import { rmSync } from "node:fs";
import path from "node:path";

import { ROOT } from "./lib/deployment.js";
import { runHardhat, startNode, tempRecordsDir, type LocalNode } from "./lib/harness/node.js";

const ROUNDS = 3;
const DEPLOY = ["grantkit", "deploy", "--network", "localhost"];

interface Row {
  run: string;
  ms: number;
}

async function timed(node: LocalNode, recordsDir: string): Promise<number> {
  const started = performance.now();
  const result = await runHardhat(DEPLOY, { url: node.url, recordsDir });
  const ms = performance.now() - started;
  if (result.code !== 0) {
    throw new Error(`deploy failed (exit ${result.code}):\n${result.stdout}${result.stderr}`);
  }
  return ms;
}

const rows: Row[] = [];
const journals: string[] = [];
const recordDirs: string[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const node = await startNode();
    try {
      const chainId = BigInt((await node.provider.send("eth_chainId", [])) as string);
      const genesis = (await node.provider.send("eth_getBlockByNumber", ["0x0", false])) as {
        hash: string;
      };
      journals.push(`grantkit-localhost-${chainId}-${genesis.hash.slice(2, 10)}`);
      const dir = tempRecordsDir();
      recordDirs.push(dir);
      rows.push({ run: `${round}: full deploy`, ms: await timed(node, dir) });
      rows.push({ run: `${round}: no-op rerun`, ms: await timed(node, dir) });
    } finally {
      await node.stop();
    }
  }
  // What every run pays before deploying anything: Node, Hardhat, the config and the plugins.
  const helpDir = tempRecordsDir();
  recordDirs.push(helpDir);
  const started = performance.now();
  const help = await runHardhat([...DEPLOY.slice(0, 2), "--help"], { recordsDir: helpDir });
  if (help.code !== 0) throw new Error(`--help failed:\n${help.stdout}${help.stderr}`);
  rows.push({ run: "CLI start-up only (--help)", ms: performance.now() - started });
} finally {
  for (const id of journals) {
    rmSync(path.join(ROOT, "ignition", "deployments", id), { recursive: true, force: true });
  }
  for (const dir of recordDirs) rmSync(dir, { recursive: true, force: true });
}

const first = rows[0]!.ms;
const table = [
  ["run", "wall time", "ratio to first"],
  ...rows.map((r) => [r.run, `${(r.ms / 1000).toFixed(2)} s`, `${(r.ms / first).toFixed(2)}x`]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
const line = (row: string[]) =>
  row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
console.log(line(table[0]!));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of table.slice(1)) console.log(line(row));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const full = rows.filter((r) => r.run.endsWith("full deploy")).map((r) => r.ms);
const noop = rows.filter((r) => r.run.endsWith("no-op rerun")).map((r) => r.ms);
console.log(
  `\nmedian: full deploy ${(median(full) / 1000).toFixed(2)} s, no-op rerun ${(median(noop) / 1000).toFixed(2)} s` +
    ` (each includes the CLI start-up above; node start-up is not timed)`,
);
