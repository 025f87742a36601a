import type { Hex } from "viem";

import type { CredentialReceipt } from "../protocol.js";
import { signTypedDataWith, type SignerParameters } from "../utils/signTypedDataWith.js";
import { assertSeconds } from "../utils/time.js";
import { checkAddress, checkHash } from "../actions/internal/terms.js";
import { getReceiptTypedData, type ReceiptDomainParameters } from "./getReceiptTypedData.js";

/** Parameters of {@link signReceipt}; `signer`: the issuer key (its account, or a wallet client holding it). */
export type SignReceiptParameters = ReceiptDomainParameters &
  SignerParameters & { receipt: CredentialReceipt };

/**
 * Signs a credential receipt with the issuer's key (no transaction). Receipts always expire:
 * `validUntil` is exclusive, 0n is in the past, and `validUntil - issuedAt` may not exceed the
 * type's maximum receipt lifetime (`getCredentialType`). `audience` is the grantee the receipt is
 * for (a GrantGate of another grantee refuses it), or the zero address for any grantee.
 *
 * @example
 * const signature = await signReceipt({
 *   chainId, registry, signer: issuerAccount,
 *   receipt: { issuer: issuerAccount.address, owner, audience: dAppGrantee, dataHash,
 *     credentialType: credentialTypeId("kyc.basic"), issuedAt: now, validUntil: now + 30n * 86400n },
 * });
 */
export async function signReceipt(parameters: SignReceiptParameters): Promise<Hex> {
  const { receipt } = parameters;
  const checked: CredentialReceipt = {
    issuer: checkAddress("receipt.issuer", receipt.issuer),
    owner: checkAddress("receipt.owner", receipt.owner),
    audience: checkAddress("receipt.audience", receipt.audience),
    dataHash: checkHash("receipt.dataHash", receipt.dataHash, true),
    credentialType: checkHash("receipt.credentialType", receipt.credentialType, true),
    issuedAt: assertSeconds("receipt.issuedAt", receipt.issuedAt),
    validUntil: assertSeconds("receipt.validUntil", receipt.validUntil),
  };
  return signTypedDataWith(
    parameters.signer,
    getReceiptTypedData({ ...parameters, receipt: checked }),
    parameters.account,
  );
}
