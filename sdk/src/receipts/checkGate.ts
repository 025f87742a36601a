import {
  encodeErrorResult,
  isAddressEqual,
  zeroAddress,
  type Address,
  type Client,
  type Hex,
} from "viem";
import { readContract } from "viem/actions";

import { grantGateCoreAbi as grantGateAbi } from "../abi/coreAbis.js";
import { receiptChecks } from "../constants.js";
import { ContractRevertError } from "../errors/contract.js";
import type { CredentialReceipt } from "../protocol.js";
import { grantIsActive } from "../actions/grantIsActive.js";
import { computeGrantId } from "../utils/computeGrantId.js";
import { checkReceipt } from "./checkReceipt.js";

/** Parameters of {@link checkGate}: the gate contract, the user, and optionally the credential. */
export type CheckGateParameters = {
  /** A contract that inherits GrantGate (e.g. the KycVault example). */
  gate: Address;
  owner: Address;
  dataHash: Hex;
  /** For `_requireCredential` gates: the type, receipt and issuer signature the call will carry. */
  credential?: { credentialType: Hex; receipt: CredentialReceipt; signature: Hex } | undefined;
  blockNumber?: bigint | undefined;
};

function fail(
  errorName: "GrantGateNotGranted" | "GrantGateReceiptMismatch" | "GrantGateReceiptRejected",
  args: readonly unknown[],
  named: Record<string, unknown>,
): never {
  const data = encodeErrorResult({ abi: grantGateAbi, errorName, args } as never);
  throw new ContractRevertError(errorName, named as never, data);
}

/**
 * Checks off-chain, before the user sends the transaction, what a GrantGate's `_requireGrant` or
 * `_requireCredential` will check: an active grant to the gate's grantee for its purpose and, with a
 * credential, a receipt about this very item, for the gate's grantee or any audience, that the
 * registry accepts. Throws the gate's error
 * (decoded, with a hint) when the call would revert.
 *
 * @example
 * await checkGate(client, { gate: vault, owner, dataHash, credential: { credentialType, receipt, signature } });
 * await writeContract(walletClient, { address: vault, abi: vaultAbi, functionName: "deposit",
 *   args: credentialGateArgs({ dataHash, receipt, signature }), value });
 */
export async function checkGate(client: Client, parameters: CheckGateParameters): Promise<void> {
  const { gate, owner, dataHash, credential, blockNumber } = parameters;
  const read = (
    functionName: "ACCESS_GRANTS" | "ISSUER_REGISTRY" | "GATE_GRANTEE" | "GATE_PURPOSE",
  ) => readContract(client, { address: gate, abi: grantGateAbi, functionName, blockNumber });
  const [accessGrants, registry, grantee, purpose] = await Promise.all([
    read("ACCESS_GRANTS"),
    read("ISSUER_REGISTRY"),
    read("GATE_GRANTEE"),
    read("GATE_PURPOSE"),
  ]);
  const granted = await grantIsActive(client, {
    address: accessGrants,
    grantId: computeGrantId({ owner, grantee, dataHash, purpose }),
    blockNumber,
  });
  if (!granted) fail("GrantGateNotGranted", [owner, dataHash], { owner, dataHash });
  if (!credential) return;
  const { receipt, signature, credentialType } = credential;
  if (
    !isAddressEqual(receipt.owner, owner) ||
    receipt.dataHash.toLowerCase() !== dataHash.toLowerCase() ||
    receipt.credentialType.toLowerCase() !== credentialType.toLowerCase() ||
    (!isAddressEqual(receipt.audience, zeroAddress) && !isAddressEqual(receipt.audience, grantee))
  ) {
    const { owner: o, audience, dataHash: d, credentialType: t } = receipt;
    fail("GrantGateReceiptMismatch", [o, audience, d, t], {
      owner: o,
      audience,
      dataHash: d,
      credentialType: t,
    });
  }
  const check = await checkReceipt(client, { address: registry, receipt, signature, blockNumber });
  if (check !== "Valid") {
    const reason = receiptChecks.indexOf(check);
    fail("GrantGateReceiptRejected", [receipt.issuer, reason], { issuer: receipt.issuer, reason });
  }
}

/**
 * The `(dataHash, receipt, signature)` arguments a credential-gated function takes, in the gate's
 * conventional order (as KycVault's `deposit`); spread them into your contract call.
 *
 * @example
 * await writeContract(walletClient, { address: vault, abi: vaultAbi, functionName: "deposit",
 *   args: credentialGateArgs({ dataHash, receipt, signature }), value: parseEther("1") });
 */
export function credentialGateArgs(parameters: {
  dataHash: Hex;
  receipt: CredentialReceipt;
  signature: Hex;
}): readonly [Hex, CredentialReceipt, Hex] {
  return [parameters.dataHash, parameters.receipt, parameters.signature] as const;
}
