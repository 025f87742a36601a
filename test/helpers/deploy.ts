/**
 * Test fixtures go through the real deploy path (Ignition, CreateX, constructor configuration), so
 * every contract test also exercises it.
 */
import type { NetworkConnection } from "hardhat/types/network";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import { deployGrantKit } from "../../scripts/lib/deploy.js";

let deployments = 0;

/**
 * A test configuration: no registrar, type or issuer unless given. Each call gets its own CreateX
 * salt: fixtures share one chain, and a second fixture must not find the first one's contracts at
 * the same deterministic address.
 */
export function testConfig(
  admin: string,
  over: Partial<NetworkDeployConfig> = {},
): NetworkDeployConfig {
  return {
    admin,
    adminDelaySeconds: 3 * 24 * 3600,
    registrars: [],
    credentialTypes: [],
    issuers: [],
    saltLabel: `grantkit.test.${++deployments}`,
    ...over,
  };
}

/** Deploys with the deploy toolkit (no record written) and returns typed contracts. */
export async function deployForTest(
  connection: NetworkConnection<"generic">,
  config: NetworkDeployConfig,
) {
  const record = await deployGrantKit(connection, { config, write: false, artifacts: "as-built" });
  const { ethers } = connection;
  return {
    record,
    grants: await ethers.getContractAt("AccessGrants", record.contracts.AccessGrants!.address),
    registry: await ethers.getContractAt(
      "IssuerRegistry",
      record.contracts.IssuerRegistry!.address,
    ),
  };
}
