import type { Account, Address, Chain, Client, Hash, Hex, Transport } from "viem";

import {
  prepareCall,
  simulateCall,
  writeCall,
  type PreparedCall,
  type SimulateReturnType,
  type WriteOptions,
} from "./internal/call.js";
import { checkAddress, checkHash } from "./internal/terms.js";
import { assertSeconds } from "../utils/time.js";
import { zeroHash } from "../constants.js";
import { MAX_UINT40 } from "./internal/issuer.js";

/** Parameters of {@link addIssuer}: accredits a new issuer key as active with its types, jurisdiction and validity window (registrars). */
export type AddIssuerParameters = WriteOptions & {
  issuer: Address;
  credentialTypes: readonly Hex[];
  jurisdiction?: Hex | undefined;
  validFrom?: bigint | undefined;
  validUntil?: bigint | undefined;
  metadataHash?: Hex | undefined;
};

function call(parameters: AddIssuerParameters) {
  return {
    contract: "issuerRegistry",
    functionName: "addIssuer",
    args: [
      checkAddress("issuer", parameters.issuer),
      parameters.credentialTypes.map((t) => checkHash("credentialTypes[]", t, true)),
      parameters.jurisdiction ?? "0x0000",
      Number(assertSeconds("validFrom", parameters.validFrom ?? 0n, MAX_UINT40)),
      Number(assertSeconds("validUntil", parameters.validUntil ?? 0n, MAX_UINT40)),
      checkHash("metadataHash", parameters.metadataHash ?? zeroHash),
    ],
  } as const;
}

/**
 * Accredits a new issuer key as Active with its types, jurisdiction and validity window (registrars). Sent by the registrar.
 *
 * @example
 * await addIssuer(registrarClient, {
 *   issuer,
 *   credentialTypes: [credentialTypeId("kyc.basic")],
 *   jurisdiction: jurisdictionCode("CH"),
 * });
 */
export async function addIssuer(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: AddIssuerParameters,
): Promise<Hash> {
  return writeCall(client, call(parameters), parameters, "addIssuer");
}

/**
 * {@link addIssuer} as an `eth_call`: the result and a request for `writeContract`, or the decoded revert.
 *
 * @example
 * const { result, request } = await simulateAddIssuer(client, parameters);
 */
export async function simulateAddIssuer(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  parameters: AddIssuerParameters,
): Promise<SimulateReturnType<"issuerRegistry", "addIssuer">> {
  return simulateCall(client, call(parameters), parameters);
}

/**
 * {@link addIssuer}'s calldata, for a relayer, a smart account or a multisig (no client needed when
 * `address` or `chainId` is given).
 *
 * @example
 * const { to, data } = prepareAddIssuer({ ...parameters, chainId: 1 });
 */
export function prepareAddIssuer(
  parameters: AddIssuerParameters & { chainId?: number | undefined },
): PreparedCall {
  return prepareCall(call(parameters), parameters);
}
