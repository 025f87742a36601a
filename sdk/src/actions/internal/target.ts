import type { Address, Client } from "viem";
import { getChainId } from "viem/actions";

import { getDeployment } from "../../deployments/getDeployment.js";
import type { GrantKitDeployments } from "../../deployments/types.js";
import { DeploymentNotFoundError } from "../../errors/base.js";

/** Which contract an action talks to, and where to find it. */
export type ContractTarget = {
  /** The contract's address; default: the deployment of the client's chain. */
  address?: Address | undefined;
  /** Deployments to look the address up in (your own records), before the SDK's built-in ones. */
  deployments?: GrantKitDeployments | undefined;
};

export type ContractKind = "accessGrants" | "issuerRegistry";

const names = { accessGrants: "AccessGrants", issuerRegistry: "IssuerRegistry" } as const;

/** The contract's address for `chainId`, without a client (prepare forms). */
export function addressFor(
  kind: ContractKind,
  target: ContractTarget & { chainId?: number | undefined },
): Address {
  if (target.address) return target.address;
  const deployment =
    target.chainId === undefined ? undefined : getDeployment(target.chainId, target.deployments);
  if (!deployment) throw new DeploymentNotFoundError(names[kind], target.chainId);
  return deployment[kind].address;
}

/** The contract's address for the client's chain (asks the node for its chain id if needed). */
export async function resolveAddress(
  client: Client,
  kind: ContractKind,
  target: ContractTarget,
): Promise<Address> {
  if (target.address) return target.address;
  const chainId = client.chain?.id ?? (await getChainId(client));
  return addressFor(kind, { ...target, chainId });
}
