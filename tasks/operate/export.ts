/**
 * `grantkit export --out <dir>`: one JSON file a dApp needs, `<dir>/grantkit.<network>.json`: the
 * chain id, each contract's address and start block (from the record) and the ABIs of AccessGrants,
 * IssuerRegistry and GrantGate (from the artifacts). Reads no chain.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { GrantKitError } from "../../scripts/lib/errors.js";
import { command, offlineRecord } from "./context.js";
import { relPath } from "./format.js";

const ABIS = ["AccessGrants", "IssuerRegistry", "GrantGate"] as const;

export default command(async (args: { out: string }, hre) => {
  if (args.out.trim() === "") {
    throw new GrantKitError("--out is missing", "pass --out <dir> for the bundle");
  }
  const { network, record } = offlineRecord(hre);
  const abis: Record<string, unknown> = {};
  for (const name of ABIS) {
    if (!(await hre.artifacts.artifactExists(name))) {
      throw new GrantKitError(`no artifact for ${name}`, "run: npm run build");
    }
    abis[name] = (await hre.artifacts.readArtifact(name)).abi;
  }
  const bundle = {
    format: 1,
    network,
    chainId: record.chainId,
    contracts: Object.fromEntries(
      Object.entries(record.contracts).map(([name, c]) => [
        name,
        { address: c.address, startBlock: c.blockNumber, txHash: c.txHash },
      ]),
    ),
    abis,
    source: { gitCommit: record.gitCommit, compiler: record.compiler.version },
  };
  const dir = path.resolve(args.out);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `grantkit.${network}.json`);
  writeFileSync(file, JSON.stringify(bundle, null, 2) + "\n");
  for (const [name, c] of Object.entries(bundle.contracts)) {
    console.log(`  ${name.padEnd(15)} ${c.address} start block ${c.startBlock}`);
  }
  console.log(`wrote ${relPath(file)} (chain ${record.chainId}; ABIs ${ABIS.join(", ")})`);
});
