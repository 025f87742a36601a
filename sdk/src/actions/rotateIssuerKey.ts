import { isHex, type Address, type Hex } from "viem";

import { InvalidParameterError } from "../errors/base.js";
import { contractCall, type WriteOptions } from "./internal/call.js";
import { prepareForm, simulateForm, writeForm } from "./internal/forms.js";
import { assertSeconds } from "../utils/time.js";
import { checkAddress } from "./internal/terms.js";

/**
 * Parameters of {@link rotateIssuerKey}: the new key, and its proof of possession (`signKeyRotation`
 * by the new key, over `{ oldKey: sender, newKey, deadline }`).
 */
export type RotateIssuerKeyParameters = WriteOptions & {
  newKey: Address;
  /** The last unix second (bigint) at which the proof is accepted. */
  deadline: bigint;
  /** The new key's EIP-712 signature of `KeyRotation(oldKey, newKey, deadline)` (signKeyRotation). */
  proof: Hex;
};

function call(parameters: RotateIssuerKeyParameters) {
  const { proof } = parameters;
  if (!isHex(proof, { strict: true }) || proof === "0x") {
    throw new InvalidParameterError(
      "proof",
      "is missing or not hex",
      "sign it with the new key: signKeyRotation({ rotation: { oldKey, newKey, deadline }, ... })",
    );
  }
  return contractCall("issuerRegistry", "rotateKey", [
    checkAddress("newKey", parameters.newKey),
    assertSeconds("deadline", parameters.deadline, 2n ** 256n - 1n),
    proof,
  ]);
}

/**
 * Moves the sender's (an Active issuer key's) record to `newKey`, which joins the sender's lineage;
 * the old key becomes Rotated. The new key proves possession with `proof`. Sent by the issuer's
 * current key.
 *
 * @example
 * const deadline = deadlineAfter(3600n);
 * const proof = await signKeyRotation({ chainId, registry, signer: newKeyAccount,
 *   rotation: { oldKey: issuerClient.account.address, newKey: newKeyAccount.address, deadline } });
 * await rotateIssuerKey(issuerClient, { newKey: newKeyAccount.address, deadline, proof });
 */
export const rotateIssuerKey = /* @__PURE__ */ writeForm("rotateIssuerKey", call);

/**
 * {@link rotateIssuerKey} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateRotateIssuerKey(client, parameters);
 */
export const simulateRotateIssuerKey = /* @__PURE__ */ simulateForm(call);

/**
 * {@link rotateIssuerKey}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareRotateIssuerKey({ ...parameters, address: issuerRegistry });
 */
export const prepareRotateIssuerKey = /* @__PURE__ */ prepareForm(call);
