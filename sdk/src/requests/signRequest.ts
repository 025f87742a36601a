import type { Account, Address } from "viem";

import type { RequestKind } from "../protocol.js";
import { signTypedDataWith, type TypedDataSigner } from "../utils/signTypedDataWith.js";
import { getRequestTypedData } from "./getRequestTypedData.js";
import type { SignedRequest, UnsignedRequest } from "./types.js";

/** Parameters of {@link signRequest}. */
export type SignRequestParameters<K extends RequestKind = RequestKind> = {
  request: UnsignedRequest<K>;
  /** The owner's account (local or smart), or a wallet client holding it. */
  signer: TypedDataSigner;
  /** The client's account to sign with, when `signer` is a wallet client with several. */
  account?: Account | Address | undefined;
};

/**
 * Signs a request as its owner (no transaction). For an ERC-1271 owner (a smart account), sign with
 * whatever its `isValidSignature` accepts, e.g. the smart account object itself.
 *
 * @example
 * const request = await prepareRequest(client, { kind: "Grant", message: { owner, grantee, dataHash, purpose } });
 * const signed = await signRequest({ request, signer: ownerAccount });
 * // send JSON.stringify(serializeRequest(signed)) to the relayer
 */
export async function signRequest<K extends RequestKind>(
  parameters: SignRequestParameters<K>,
): Promise<SignedRequest<K>> {
  const { request, signer, account } = parameters;
  const signature = await signTypedDataWith(signer, getRequestTypedData(request), account);
  return { ...request, signature } as SignedRequest<K>;
}
