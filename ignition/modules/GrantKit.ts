/**
 * The GrantKit Ignition module: AccessGrants and IssuerRegistry. Built from a network's deploy
 * configuration; every setting is a constructor argument, so the module is two CREATE2 deployments
 * and nothing else (no role to hand over afterwards).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { NamedArtifactContractDeploymentFuture } from "@nomicfoundation/ignition-core";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import { registryConstructorArgs } from "../../scripts/lib/deployment.js";

export function grantKitModule(config: NetworkDeployConfig) {
  return buildModule("GrantKit", (m) => {
    const accessGrants = m.contract("AccessGrants", []);
    const issuerRegistry = m.contract("IssuerRegistry", [...registryConstructorArgs(config)]);
    return { accessGrants, issuerRegistry };
  });
}

/** Only the given contracts: used to finish a deployment whose journal could not be resumed. */
export function partialGrantKitModule(config: NetworkDeployConfig, names: string[]) {
  return buildModule("GrantKitRemainder", (m) => {
    const futures: Record<string, NamedArtifactContractDeploymentFuture<string>> = {};
    if (names.includes("AccessGrants")) futures.accessGrants = m.contract("AccessGrants", []);
    if (names.includes("IssuerRegistry")) {
      futures.issuerRegistry = m.contract("IssuerRegistry", [...registryConstructorArgs(config)]);
    }
    return futures;
  });
}

/** The example dApp, deployed only when asked (`--examples`). */
export function examplesModule(accessGrants: string, issuerRegistry: string, compliance: string) {
  return buildModule("GrantKitExamples", (m) => {
    const kycVault = m.contract("KycVault", [accessGrants, issuerRegistry, compliance]);
    return { kycVault };
  });
}
