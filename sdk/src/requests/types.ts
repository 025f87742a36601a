import type { Address, Hex } from "viem";

import type { RequestKind, RequestMessage } from "../protocol.js";

/** A request an owner is about to sign: its kind, the deployment it is for, and the message. */
export type UnsignedRequest<K extends RequestKind = RequestKind> = {
  [P in K]: {
    kind: P;
    chainId: number;
    /** The AccessGrants deployment (the EIP-712 verifying contract). */
    verifyingContract: Address;
    message: RequestMessage<P>;
  };
}[K];

/** A signed request, ready for a relayer. */
export type SignedRequest<K extends RequestKind = RequestKind> = UnsignedRequest<K> & {
  signature: Hex;
};
