import { getAddress, isAddress } from "viem";

import { InvalidParameterError } from "../errors/base.js";
import type { GrantKitDeployment } from "./types.js";

/** The part of a `deployments/<network>.json` record (format 1) the SDK reads. */
export type DeploymentRecordLike = {
  chainId: number;
  contracts: {
    AccessGrants?: { address: string; blockNumber: number } | undefined;
    IssuerRegistry?: { address: string; blockNumber: number } | undefined;
  };
};

/**
 * A deployment from a grantkit deployment record (`deployments/<network>.json`, written by
 * `npm run deploy`), e.g. a local node's.
 *
 * @example
 * import record from "./deployments/localhost.json" with { type: "json" };
 * const client = createPublicClient({ chain, transport }).extend(
 *   grantkitActions({ deployment: deploymentFromRecord(record) }),
 * );
 */
export function deploymentFromRecord(record: DeploymentRecordLike): GrantKitDeployment {
  const pick = (name: "AccessGrants" | "IssuerRegistry") => {
    const c = record.contracts[name];
    if (!c || !isAddress(c.address, { strict: false })) {
      throw new InvalidParameterError(
        `record.contracts.${name}`,
        "is missing or has no address",
        "pass a record written by `npm run deploy` (format 1)",
      );
    }
    return { address: getAddress(c.address), blockNumber: c.blockNumber };
  };
  return {
    chainId: record.chainId,
    accessGrants: pick("AccessGrants"),
    issuerRegistry: pick("IssuerRegistry"),
  };
}
