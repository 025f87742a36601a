import type { Address } from "viem";

/** A deployed contract: its address and the block it was created in (where an indexer starts). */
export type DeployedContract = { address: Address; blockNumber: number };

/** The grantkit contracts on one chain. */
export type GrantKitDeployment = {
  chainId: number;
  accessGrants: DeployedContract;
  issuerRegistry: DeployedContract;
};

/** Deployments by chain id. */
export type GrantKitDeployments = Readonly<Record<number, GrantKitDeployment>>;
