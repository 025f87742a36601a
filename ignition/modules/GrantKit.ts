/**
 * The GrantKit Ignition module: AccessGrants and IssuerRegistry. Built from a network's deploy
 * configuration; every setting is a constructor argument, so the module is two CREATE2 deployments
 * and nothing else (no role to hand over afterwards).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import { registryConstructorArgs } from "../../scripts/lib/deployment.js";

export function grantKitModule(config: NetworkDeployConfig) {
  return buildModule("GrantKit", (m) => {
    const accessGrants = m.contract("AccessGrants", []);
    const issuerRegistry = m.contract("IssuerRegistry", [...registryConstructorArgs(config)]);
    return { accessGrants, issuerRegistry };
  });
}

/** The example dApp, deployed only when asked (`--examples`). */
export function examplesModule(accessGrants: string, issuerRegistry: string, compliance: string) {
  return buildModule("GrantKitExamples", (m) => {
    const kycVault = m.contract("KycVault", [accessGrants, issuerRegistry, compliance]);
    return { kycVault };
  });
}
