import type { GrantKitDeployment, GrantKitDeployments } from "./types.js";
import { builtinDeployments } from "./builtin.js";

/**
 * The deployment on `chainId`: from `deployments` when given (your own records), else from the
 * deployments this SDK ships (public networks). `undefined` when neither knows the chain.
 *
 * @example
 * const deployment = getDeployment(11155111);
 * const local = getDeployment(31337, { 31337: deploymentFromRecord(record) });
 */
export function getDeployment(
  chainId: number,
  deployments?: GrantKitDeployments | undefined,
): GrantKitDeployment | undefined {
  return deployments?.[chainId] ?? builtinDeployments[chainId];
}
