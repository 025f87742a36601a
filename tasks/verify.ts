/**
 * `npm run verify -- --network <name> [--explorer etherscan,blockscout,sourcify]`: verifies the
 * sources of every contract in deployments/<name>.json on the chain's explorers and notes in the
 * record what was verified where. Exit code 1 when any verification failed.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { GrantKitError } from "../scripts/lib/errors.js";
import { parseExplorers, verifyDeployment } from "../scripts/lib/verify.js";
import { runCli } from "./cli.js";

interface Args {
  explorer: string;
}

export default async function verify(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runCli(async () => {
    const explorers = parseExplorers(args.explorer);
    const connection = await hre.network.create();
    const chainId = (await connection.ethers.provider.getNetwork()).chainId;
    console.log(`network ${connection.networkName}, chain ${chainId}`);
    const { failures } = await verifyDeployment(hre, connection, {
      ...(explorers ? { explorers } : {}),
      log: (line) => console.log(line),
    });
    if (failures.length > 0) {
      throw new GrantKitError(
        `${failures.length} verification(s) failed: ${failures.join("; ")}`,
        `see the lines above, then run again: npm run verify -- --network ${connection.networkName}`,
      );
    }
  });
}
