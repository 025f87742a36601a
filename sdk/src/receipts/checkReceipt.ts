import type { Address, Client, ContractFunctionArgs, ContractFunctionName, Hex } from "viem";
import { getBlock, getChainId } from "viem/actions";

import type { IssuerRegistryAbi } from "../actions/internal/call.js";
import { readCall } from "../actions/internal/read.js";
import { resolveAddress, type ContractTarget } from "../actions/internal/target.js";
import { issuerStatuses, type ReceiptCheck } from "../constants.js";
import { isContractError } from "../errors/contract.js";
import type { CredentialReceipt } from "../protocol.js";
import { verifySignature } from "../utils/verifySignature.js";
import { hashReceipt } from "./getReceiptTypedData.js";

/** Parameters of {@link checkReceipt}. */
export type CheckReceiptParameters = ContractTarget & {
  receipt: CredentialReceipt;
  signature: Hex;
  /** The block to judge at; default the latest (its timestamp is "now"). */
  blockNumber?: bigint | undefined;
};

/**
 * Judges a credential receipt off-chain exactly as `IssuerRegistry.checkReceipt` does, in its order:
 * the issuer's signature (ECDSA, or ERC-1271 for a contract issuer), `issuedAt <= now < validUntil`,
 * a registered type, `validUntil - issuedAt` within the type's maximum receipt lifetime, the issuer
 * key trusted for the type at `issuedAt`, and its lineage's current key (the key it rotated to, if
 * any) neither suspended nor removed now. `audience` is not checked here (the gate checks it).
 *
 * @example
 * const check = await checkReceipt(client, { receipt, signature });
 * if (check !== "Valid") throw new Error(`receipt refused: ${check}`);
 */
export async function checkReceipt(
  client: Client,
  parameters: CheckReceiptParameters,
): Promise<ReceiptCheck> {
  const { receipt, signature } = parameters;
  const registry: Address = await resolveAddress(client, "issuerRegistry", parameters);
  const chainId = client.chain?.id ?? (await getChainId(client));
  const block =
    parameters.blockNumber === undefined
      ? await getBlock(client, { blockTag: "latest" })
      : await getBlock(client, { blockNumber: parameters.blockNumber });
  const at = { address: registry, blockNumber: block.number };
  const read = <F extends ContractFunctionName<IssuerRegistryAbi, "view" | "pure">>(
    functionName: F,
    args: ContractFunctionArgs<IssuerRegistryAbi, "view" | "pure", F>,
  ) => readCall(client, "issuerRegistry", at, functionName, args);
  const signed = await verifySignature(client, {
    signer: receipt.issuer,
    digest: hashReceipt({ receipt, chainId, registry }),
    signature,
    rule: "ecdsaThen1271",
    blockNumber: block.number,
  });
  if (!signed) return "BadSignature";
  const now = block.timestamp;
  const { issuedAt, validUntil } = receipt;
  if (issuedAt > now) return "NotYetIssued";
  if (now >= validUntil) return "Expired";
  let lifetime: bigint;
  try {
    lifetime = (await read("credentialTypeLifetime", [receipt.credentialType])) as bigint;
  } catch (error) {
    if (isContractError(error, "IssuerRegistryUnknownType")) return "UnknownType";
    throw error;
  }
  if (validUntil - issuedAt > lifetime) return "LifetimeExceeded";
  const trusted = await read("wasTrusted", [receipt.issuer, receipt.credentialType, issuedAt]);
  if (!trusted) return "IssuerNotTrustedAtIssuance";
  const [, head] = (await read("issuerLineage", [receipt.issuer])) as readonly [Address, Address];
  const record = (await read("getIssuer", [head])) as { status: number };
  const status = issuerStatuses[record.status];
  if (status === "Suspended" || status === "Removed") return "IssuerRevoked";
  return "Valid";
}
