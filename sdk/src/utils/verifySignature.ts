import {
  encodeFunctionData,
  hexToBigInt,
  isAddressEqual,
  recoverAddress,
  size,
  type Address,
  type Client,
  type Hex,
} from "viem";
import { call, getCode } from "viem/actions";

/** secp256k1n / 2: OpenZeppelin's ECDSA refuses a larger `s` (malleable signature). */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

const erc1271Abi = [
  {
    type: "function",
    name: "isValidSignature",
    stateMutability: "view",
    inputs: [
      { name: "hash", type: "bytes32" },
      { name: "signature", type: "bytes" },
    ],
    outputs: [{ name: "", type: "bytes4" }],
  },
] as const;
const MAGIC_WORD = "0x1626ba7e00000000000000000000000000000000000000000000000000000000";

/**
 * OpenZeppelin's `ECDSA.tryRecover` off-chain: only 65-byte signatures with `v` 27 or 28 and a low
 * `s`; true when the recovered address is `signer`.
 */
export async function isValidEcdsaSignature(
  signer: Address,
  digest: Hex,
  signature: Hex,
): Promise<boolean> {
  if (size(signature) !== 65) return false;
  const s = hexToBigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130, 132), 16);
  if (s > HALF_N || (v !== 27 && v !== 28)) return false;
  try {
    return isAddressEqual(await recoverAddress({ hash: digest, signature }), signer);
  } catch {
    return false;
  }
}

/** How a contract accepts a signature. */
export type SignatureRule =
  /**
   * Our contracts' rule (`SignatureValidation`: AccessGrants' requests, IssuerRegistry's receipts
   * and key rotations): ECDSA first, then ERC-1271 when the signer has code.
   */
  | "ecdsaThen1271"
  /**
   * OpenZeppelin's `SignatureChecker.isValidSignatureNow`, for a dApp's own contract that uses it:
   * ECDSA without code, ERC-1271 with code (so an EIP-7702 account's own key is refused).
   */
  | "signatureChecker";

/**
 * Verifies `signature` of `digest` by `signer` exactly as our contracts do, off-chain: ECDSA locally,
 * ERC-1271 (`isValidSignature` answering the magic value in a full word) through an `eth_call`.
 *
 * @example
 * await verifySignature(client, { signer: owner, digest, signature, rule: "ecdsaThen1271" });
 */
export async function verifySignature(
  client: Client,
  parameters: {
    signer: Address;
    digest: Hex;
    signature: Hex;
    rule: SignatureRule;
    blockNumber?: bigint | undefined;
  },
): Promise<boolean> {
  const { signer, digest, signature, rule, blockNumber } = parameters;
  const at = blockNumber === undefined ? { blockTag: "latest" as const } : { blockNumber };
  const hasCode = async () => {
    const code = await getCode(client, { address: signer, ...at });
    return code !== undefined && code !== "0x";
  };
  if (rule === "ecdsaThen1271") {
    if (await isValidEcdsaSignature(signer, digest, signature)) return true;
    if (!(await hasCode())) return false;
  } else if (!(await hasCode())) {
    return isValidEcdsaSignature(signer, digest, signature);
  }
  try {
    const { data } = await call(client, {
      to: signer,
      data: encodeFunctionData({
        abi: erc1271Abi,
        functionName: "isValidSignature",
        args: [digest, signature],
      }),
      ...at,
    });
    return (
      data !== undefined && data.length >= 66 && data.slice(0, 66).toLowerCase() === MAGIC_WORD
    );
  } catch {
    return false;
  }
}
