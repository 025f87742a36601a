import type { Address, Hex } from "viem";

import type { AccessRequest } from "../protocol.js";

/** An access request before the grantee signs it. */
export type UnsignedAccessRequest = {
  chainId: number;
  /** The AccessGrants deployment the grant lives in (the EIP-712 verifying contract). */
  verifyingContract: Address;
  message: AccessRequest;
};

/** A signed access request, as the grantee sends it to the data server. */
export type SignedAccessRequest = UnsignedAccessRequest & { signature: Hex };

/** What the data server needs of the indexer (the `@grantkit/sdk/indexer` client fits). */
export type AccessIndexer = {
  getReady(): Promise<{
    chains: readonly { chainId: number; indexed: number | null; head: number | null }[];
  }>;
  getGrant(parameters: { chainId: number; grantId: Hex; contract?: Address | undefined }): Promise<{
    grant: { isGranted: boolean };
  } | null>;
};
