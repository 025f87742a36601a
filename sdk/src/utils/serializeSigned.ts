/**
 * The JSON form shared by signed requests and signed access requests: the deployment, the message's
 * fields as strings (bigints as decimal strings) and the signature.
 */

/** A signed EIP-712 message as JSON. */
export type SerializedSigned = {
  chainId: number;
  verifyingContract: string;
  message: Record<string, string>;
  signature: string;
};

/** `request` as plain JSON; the message's fields become strings. */
export function serializeSigned(request: {
  chainId: number;
  verifyingContract: string;
  message: object;
  signature: string;
}): SerializedSigned {
  const message: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.message)) message[k] = String(v);
  return {
    chainId: request.chainId,
    verifyingContract: request.verifyingContract,
    message,
    signature: request.signature,
  };
}
