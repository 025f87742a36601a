import { hashTypedData, type Hex } from "viem";

import { keyRotationTypes, type KeyRotation } from "../protocol.js";
import { signTypedDataWith, type SignerParameters } from "../utils/signTypedDataWith.js";
import { assertSeconds } from "../utils/time.js";
import { checkAddress } from "../actions/internal/terms.js";
import {
  registryTypedData,
  type ReceiptDomainParameters,
  type RegistryTypedData,
} from "./getReceiptTypedData.js";

/**
 * The EIP-712 typed data of a key rotation proof (domain "IssuerRegistry" version "1").
 *
 * @example
 * const typedData = getKeyRotationTypedData({ chainId, registry, rotation: { oldKey, newKey, deadline } });
 */
export function getKeyRotationTypedData(
  parameters: ReceiptDomainParameters & { rotation: KeyRotation },
): RegistryTypedData<typeof keyRotationTypes, "KeyRotation", KeyRotation> {
  return registryTypedData(parameters, keyRotationTypes, "KeyRotation", parameters.rotation);
}

/**
 * The digest the new key signs for a rotation.
 *
 * @example
 * const digest = hashKeyRotation({ chainId, registry, rotation });
 */
export function hashKeyRotation(
  parameters: ReceiptDomainParameters & { rotation: KeyRotation },
): Hex {
  return hashTypedData(getKeyRotationTypedData(parameters));
}

/**
 * Parameters of {@link signKeyRotation}; `signer`: the NEW key (its account, or a wallet client
 * holding it), ERC-1271 for a contract key.
 */
export type SignKeyRotationParameters = ReceiptDomainParameters &
  SignerParameters & {
    /** `oldKey`: the issuer key that sends `rotateKey`; `newKey`: the key that signs; `deadline`: unix seconds. */
    rotation: KeyRotation;
  };

/**
 * Signs, with the issuer's NEW key, its consent to take over `oldKey`'s accreditation: the `proof` of
 * `rotateIssuerKey` (`IssuerRegistry.rotateKey(newKey, deadline, proof)`), which the old key sends.
 *
 * @example
 * const deadline = deadlineAfter(3600n);
 * const proof = await signKeyRotation({ chainId, registry, signer: newKeyAccount,
 *   rotation: { oldKey: issuer, newKey: newKeyAccount.address, deadline } });
 * await rotateIssuerKey(issuerWallet, { newKey: newKeyAccount.address, deadline, proof });
 */
export async function signKeyRotation(parameters: SignKeyRotationParameters): Promise<Hex> {
  const { rotation } = parameters;
  const checked: KeyRotation = {
    oldKey: checkAddress("rotation.oldKey", rotation.oldKey),
    newKey: checkAddress("rotation.newKey", rotation.newKey),
    deadline: assertSeconds("rotation.deadline", rotation.deadline, 2n ** 256n - 1n),
  };
  return signTypedDataWith(
    parameters.signer,
    getKeyRotationTypedData({ ...parameters, rotation: checked }),
    parameters.account,
  );
}
