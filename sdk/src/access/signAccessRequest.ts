import { hashTypedData, type Account, type Address, type Hex, type TypedDataDomain } from "viem";

import { accessRequestTypes, domainOf, type AccessRequest } from "../protocol.js";
import { signTypedDataWith, type TypedDataSigner } from "../utils/signTypedDataWith.js";
import type { SignedAccessRequest, UnsignedAccessRequest } from "./types.js";

/**
 * The EIP-712 typed data of an access request (domain "GrantKit Access Request" version "1", bound
 * to the chain and the AccessGrants deployment).
 *
 * @example
 * const digest = hashTypedData(getAccessRequestTypedData(request));
 */
export function getAccessRequestTypedData(request: UnsignedAccessRequest): {
  domain: TypedDataDomain;
  types: typeof accessRequestTypes;
  primaryType: "AccessRequest";
  message: AccessRequest;
} {
  return {
    domain: domainOf("AccessRequest", request.chainId, request.verifyingContract),
    types: accessRequestTypes,
    primaryType: "AccessRequest",
    message: request.message,
  };
}

/** The digest the grantee signs. */
export function hashAccessRequest(request: UnsignedAccessRequest): Hex {
  return hashTypedData(getAccessRequestTypedData(request));
}

/**
 * Signs an access request as the grantee (a local or smart account, or a wallet client).
 *
 * @example
 * const signed = await signAccessRequest({ request, signer: granteeAccount });
 * await fetch(url, { headers: { "x-grantkit-access": JSON.stringify(serializeAccessRequest(signed)) } });
 */
export async function signAccessRequest(parameters: {
  request: UnsignedAccessRequest;
  signer: TypedDataSigner;
  account?: Account | Address | undefined;
}): Promise<SignedAccessRequest> {
  const signature = await signTypedDataWith(
    parameters.signer,
    getAccessRequestTypedData(parameters.request),
    parameters.account,
  );
  return { ...parameters.request, signature };
}
