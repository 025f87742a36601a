import type { Address, Client, Hex } from "viem";
import { getBlock, getChainId } from "viem/actions";

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
 * a registered type, the issuer trusted for the type at `issuedAt`, and not suspended or removed now.
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
  const signed = await verifySignature(client, {
    signer: receipt.issuer,
    digest: hashReceipt({ receipt, chainId, registry }),
    signature,
    rule: "signatureChecker",
    blockNumber: block.number,
  });
  if (!signed) return "BadSignature";
  const now = block.timestamp;
  if (receipt.issuedAt > now) return "NotYetIssued";
  if (now >= receipt.validUntil) return "Expired";
  try {
    await readCall(client, "issuerRegistry", at, "credentialTypeBit", [receipt.credentialType]);
  } catch (error) {
    if (isContractError(error, "IssuerRegistryUnknownType")) return "UnknownType";
    throw error;
  }
  const trusted = (await readCall(client, "issuerRegistry", at, "wasTrusted", [
    receipt.issuer,
    receipt.credentialType,
    receipt.issuedAt,
  ])) as boolean;
  if (!trusted) return "IssuerNotTrustedAtIssuance";
  const record = (await readCall(client, "issuerRegistry", at, "getIssuer", [receipt.issuer])) as {
    status: number;
  };
  const status = issuerStatuses[record.status];
  if (status === "Suspended" || status === "Removed") return "IssuerRevoked";
  return "Valid";
}
