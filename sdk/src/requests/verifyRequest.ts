import { zeroAddress, type Client } from "viem";
import { getBlock, getChainId } from "viem/actions";

import { readCall } from "../actions/internal/read.js";
import { verifySignature } from "../utils/verifySignature.js";
import { hashRequest } from "./getRequestTypedData.js";
import { getRequestGenerations } from "./getRequestGenerations.js";
import type { SignedRequest } from "./types.js";

/**
 * Why a signed request would be refused by the contract now, or `Valid`. `WrongGeneration`: the
 * grant is no longer in the life the request was signed for (it ended, or was granted again); the
 * contract reports it as `AccessGrantsInvalidSignature`.
 */
export type RequestCheck =
  | "Valid"
  | "WrongChain"
  | "InvalidOwner"
  | "Expired"
  | "NonceUsed"
  | "WrongGeneration"
  | "BadSignature";

/**
 * Checks a signed request as AccessGrants' `_authorize` will, off-chain, at the latest block: the
 * chain, the owner, the deadline (the next block must not be later), the nonce, the grant's
 * generation(s) the signature covers, and the signature (ECDSA, then ERC-1271 when the owner is a
 * contract). It does not check the action itself (an active grant, a lock): `simulateRelayRequest`
 * does both.
 *
 * @example
 * const check = await verifyRequest(client, signed);
 * if (check !== "Valid") throw new Error(`refused: ${check}`);
 */
export async function verifyRequest(client: Client, request: SignedRequest): Promise<RequestCheck> {
  const chainId = client.chain?.id ?? (await getChainId(client));
  if (chainId !== request.chainId) return "WrongChain";
  const { owner, nonce, deadline } = request.message;
  if (owner === zeroAddress) return "InvalidOwner";
  const block = await getBlock(client, { blockTag: "latest" });
  if (block.timestamp >= deadline) return "Expired";
  const at = { address: request.verifyingContract, blockNumber: block.number };
  if ((await readCall(client, "accessGrants", at, "isNonceUsed", [owner, nonce])) as boolean) {
    return "NonceUsed";
  }
  const now = await getRequestGenerations(client, {
    ...at,
    kind: request.kind,
    message: request.message,
  });
  const signed = request.message as { generation: bigint; newGeneration?: bigint };
  if (now.generation !== signed.generation || now.newGeneration !== signed.newGeneration) {
    return "WrongGeneration";
  }
  const valid = await verifySignature(client, {
    signer: owner,
    digest: hashRequest(request),
    signature: request.signature,
    rule: "ecdsaThen1271",
    blockNumber: block.number,
  });
  return valid ? "Valid" : "BadSignature";
}
