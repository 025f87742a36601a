/**
 * Data references: the salted `dataHash` that stands for an off-chain data item on-chain.
 *
 * `dataHash = keccak256(abi.encode(dataHashDomain, salt, dataId))`. The salt makes it private: data
 * ids (UUIDs, document numbers) come from small or structured spaces, so an unsalted hash can be
 * reversed by trying candidates, and the same id would link every grant of it. The easy path is
 * {@link createDataReference}: one fresh salt per grantee, so two grants of the same item cannot be
 * linked on-chain.
 */
import {
  encodeAbiParameters,
  isHex,
  keccak256,
  stringToHex,
  toHex,
  type Address,
  type Hex,
} from "viem";

import { dataHashDomain } from "../constants.js";
import { InvalidParameterError } from "../errors/base.js";
import { checkAddress } from "./checks.js";

const ZERO_32 = /^0x0{64}$/;

function checkSecret(name: string, value: Hex): void {
  if (!isHex(value, { strict: true }) || value.length !== 66) {
    throw new InvalidParameterError(
      name,
      `must be 32 bytes of 0x-hex, got ${JSON.stringify(value)}`,
      "create one with generateSalt() and keep it with the data item",
    );
  }
  if (ZERO_32.test(value)) {
    throw new InvalidParameterError(
      name,
      "is all zeros",
      "create a random one with generateSalt()",
    );
  }
}

/**
 * A fresh 32-byte random salt (Web Crypto). Keep it with the data item, off-chain, and share it only
 * with the grantee the grant is for.
 *
 * @example
 * const salt = generateSalt();
 */
export function generateSalt(): Hex {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The salted data hash of a data item, as the contract expects it (never zero).
 *
 * @example
 * const dataHash = deriveDataHash({ dataId: "credential-7f3c", salt });
 */
export function deriveDataHash(parameters: { dataId: string; salt: Hex }): Hex {
  const { dataId, salt } = parameters;
  checkDataId(dataId);
  checkSecret("salt", salt);
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "bytes32" }, { type: "string" }],
      [dataHashDomain, salt, dataId],
    ),
  );
}

function checkDataId(dataId: unknown): void {
  if (typeof dataId !== "string" || dataId.length === 0) {
    throw new InvalidParameterError("dataId", "is empty", "pass the off-chain id of the data item");
  }
}

/** `keccak256("grantkit.salt.v1")`: domain tag of salts derived from an owner's secret. */
const SALT_DOMAIN = keccak256(stringToHex("grantkit.salt.v1"));

/**
 * A per-grantee salt derived from one secret of the owner, so a wallet can recompute every salt
 * instead of storing it: `keccak256(abi.encode(keccak256("grantkit.salt.v1"), secret, grantee, dataId))`.
 * Different grantees get unlinkable data hashes of the same item.
 *
 * @example
 * const salt = deriveGranteeSalt({ secret: walletSecret, grantee, dataId: "passport-1" });
 */
export function deriveGranteeSalt(parameters: {
  secret: Hex;
  grantee: Address;
  dataId: string;
}): Hex {
  checkSecret("secret", parameters.secret);
  checkDataId(parameters.dataId);
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "bytes32" }, { type: "address" }, { type: "string" }],
      [
        SALT_DOMAIN,
        parameters.secret,
        checkAddress("grantee", parameters.grantee),
        parameters.dataId,
      ],
    ),
  );
}

/** A data item's reference for one grant: the salt to share with the grantee and the data hash. */
export type DataReference = { dataId: string; salt: Hex; dataHash: Hex };

/**
 * The easy path: a data reference for one grantee, with a fresh salt (random, or derived from the
 * owner's `secret` when given, so it can be recomputed). Call it once per grantee.
 *
 * @example
 * const { dataHash, salt } = createDataReference({ dataId: "passport-1", grantee });
 * await grant(client, { grantee, dataHash, purpose: purposeHash("onboarding") });
 * // send `salt` (and the encrypted data) to the grantee off-chain
 */
export function createDataReference(parameters: {
  dataId: string;
  grantee: Address;
  secret?: Hex | undefined;
}): DataReference {
  const { dataId, secret } = parameters;
  const grantee = checkAddress("grantee", parameters.grantee);
  const salt =
    secret === undefined ? generateSalt() : deriveGranteeSalt({ secret, grantee, dataId });
  return { dataId, salt, dataHash: deriveDataHash({ dataId, salt }) };
}
