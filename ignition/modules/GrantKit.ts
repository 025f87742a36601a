/**
 * The GrantKit Ignition module: AccessGrants and IssuerRegistry. Built from a network's deploy
 * configuration; every setting is a constructor argument, so the module is two CREATE2 deployments
 * and nothing else (no role to hand over afterwards). IssuerRegistry's constructor arguments come
 * validated from the deploy toolkit (scripts/lib/deploy.ts, which imports this module, passes
 * `registryConstructorArgs`): the module imports nothing of the toolkit, so the folders form no cycle.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type {
  ArgumentType,
  NamedArtifactContractDeploymentFuture,
} from "@nomicfoundation/ignition-core";

/** IssuerRegistry's constructor arguments, in order. */
export type RegistryArgs = readonly ArgumentType[];

export function grantKitModule(registryArgs: RegistryArgs) {
  return buildModule("GrantKit", (m) => {
    const accessGrants = m.contract("AccessGrants", []);
    const issuerRegistry = m.contract("IssuerRegistry", [...registryArgs]);
    return { accessGrants, issuerRegistry };
  });
}

/**
 * Only the given contracts: when the other one is at its address already (a new configuration or
 * build of one contract), and to finish a deployment whose journal could not be resumed.
 */
export function partialGrantKitModule(registryArgs: RegistryArgs, names: string[]) {
  return buildModule("GrantKitRemainder", (m) => {
    const futures: Record<string, NamedArtifactContractDeploymentFuture<string>> = {};
    if (names.includes("AccessGrants")) futures.accessGrants = m.contract("AccessGrants", []);
    if (names.includes("IssuerRegistry")) {
      futures.issuerRegistry = m.contract("IssuerRegistry", [...registryArgs]);
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
