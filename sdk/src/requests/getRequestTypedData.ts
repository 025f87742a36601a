import { hashTypedData, type Hex, type TypedDataDomain } from "viem";

import { domainOf, requestTypes, type RequestKind } from "../protocol.js";
import type { UnsignedRequest } from "./types.js";

/** The EIP-712 typed data of a request, as viem's `signTypedData` and `hashTypedData` take it. */
export type RequestTypedData<K extends RequestKind = RequestKind> = {
  domain: TypedDataDomain;
  types: { [P in K]: (typeof requestTypes)[P] };
  primaryType: K;
  message: UnsignedRequest<K>["message"];
};

/**
 * The EIP-712 typed data of a request (domain "AccessGrants" version "1").
 *
 * @example
 * const typedData = getRequestTypedData(request);
 * const signature = await walletClient.signTypedData({ account, ...typedData });
 */
export function getRequestTypedData<K extends RequestKind>(
  request: UnsignedRequest<K>,
): RequestTypedData<K> {
  return {
    domain: domainOf("AccessGrants", request.chainId, request.verifyingContract),
    types: { [request.kind]: requestTypes[request.kind] } as RequestTypedData<K>["types"],
    primaryType: request.kind as K,
    message: request.message,
  };
}

/**
 * The EIP-712 digest the owner signs (what the contract's `_hashTypedDataV4` computes).
 *
 * @example
 * const digest = hashRequest(request);
 */
export function hashRequest(request: UnsignedRequest): Hex {
  return hashTypedData(getRequestTypedData(request) as never);
}
