/**
 * `npm run deploy -- --network <name> [--dry-run] [--examples] [--replace] [--allow-dirty]`: compiles
 * the production build profile, deploys GrantKit from it and writes deployments/<name>.json.
 * Idempotent: a second run deploys nothing new; a killed run resumes from Ignition's journal. A
 * changed configuration or build that would supersede a recorded contract is refused without
 * `--replace`; a public chain refuses uncommitted code without `--allow-dirty`. The dry run prints addresses,
 * constructor arguments, roles, gas, cost, balance and CreateX's presence, and sends nothing.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { configFor, deployGrantKit } from "../scripts/lib/deploy.js";
import { registryConstructorArgs } from "../scripts/lib/deployment.js";
import { runCli } from "./cli.js";

interface Args {
  dryRun: boolean;
  examples: boolean;
  replace: boolean;
  allowDirty: boolean;
}

export default async function deploy(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runCli(async () => {
    const started = performance.now();
    const connection = await hre.network.create();
    const config = configFor(connection.networkName);
    const [delay, admin, registrars, types, issuers] = registryConstructorArgs(config);
    const log = (line: string) => console.log(line);
    log(
      `network ${connection.networkName}, chain ${(await connection.ethers.provider.getNetwork()).chainId}${args.dryRun ? " (dry run: nothing is sent)" : ""}`,
    );
    log(
      `admin ${admin} (transfer delay ${delay} s), registrars ${registrars.join(", ") || "none"}`,
    );
    log(`credential types ${config.credentialTypes.join(", ")} (${types.length})`);
    for (const [i, issuer] of issuers.entries()) {
      log(
        `issuer ${issuer.issuer} ${config.issuers[i]!.types.join("+")} ${config.issuers[i]!.jurisdiction}`,
      );
    }
    const record = await deployGrantKit(connection, {
      dryRun: args.dryRun,
      examples: args.examples,
      replace: args.replace,
      allowDirty: args.allowDirty,
      log,
    });
    if (!args.dryRun) {
      const [deployer] = await connection.ethers.getSigners();
      const registry = await connection.ethers.getContractAt(
        "IssuerRegistry",
        record.contracts.IssuerRegistry!.address,
      );
      const roles = [];
      if (
        deployer &&
        (await registry.hasRole(await registry.DEFAULT_ADMIN_ROLE(), deployer.address))
      )
        roles.push("admin");
      if (deployer && (await registry.hasRole(await registry.REGISTRAR_ROLE(), deployer.address)))
        roles.push("registrar");
      log(
        `on chain: the deployer holds ${roles.length === 0 ? "no role" : roles.join(", ") + " (as configured)"}`,
      );
      for (const [name, c] of Object.entries(record.contracts)) {
        log(`  ${name.padEnd(15)} ${c.address} block ${c.blockNumber} tx ${c.txHash}`);
      }
      log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  });
}
