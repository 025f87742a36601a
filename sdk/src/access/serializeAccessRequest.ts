import { isHex, type Hex } from "viem";

import { InvalidParameterError } from "../errors/base.js";
import { accessRequestTypes } from "../protocol.js";
import { serializeSigned, type SerializedSigned } from "../utils/serializeSigned.js";
import type { SignedAccessRequest } from "./types.js";

/** A signed access request as JSON (numbers as decimal strings). */
export type SerializedAccessRequest = SerializedSigned;

/**
 * A signed access request as plain JSON, for an HTTP header or body.
 *
 * @example
 * headers["x-grantkit-access"] = JSON.stringify(serializeAccessRequest(signed));
 */
export function serializeAccessRequest(request: SignedAccessRequest): SerializedAccessRequest {
  return serializeSigned(request);
}

/**
 * Reads a signed access request from untrusted JSON (shape only; verifyAccessRequest judges it).
 *
 * @example
 * const request = parseAccessRequest(JSON.parse(req.headers["x-grantkit-access"]));
 */
export function parseAccessRequest(json: unknown): SignedAccessRequest {
  const r = json as Partial<SerializedAccessRequest> | null;
  const bad = (field: string) =>
    new InvalidParameterError(
      field,
      "is missing or malformed",
      "send what serializeAccessRequest produced",
    );
  if (!r || typeof r !== "object") throw bad("request");
  if (typeof r.chainId !== "number" || !Number.isSafeInteger(r.chainId)) throw bad("chainId");
  if (typeof r.verifyingContract !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(r.verifyingContract))
    throw bad("verifyingContract");
  if (typeof r.signature !== "string" || !isHex(r.signature, { strict: true }))
    throw bad("signature");
  const message: Record<string, unknown> = {};
  for (const field of accessRequestTypes.AccessRequest) {
    const v = r.message?.[field.name];
    if (typeof v !== "string") throw bad(`message.${field.name}`);
    if (field.type === "address" && !/^0x[0-9a-fA-F]{40}$/.test(v))
      throw bad(`message.${field.name}`);
    if (field.type === "bytes32" && !/^0x[0-9a-fA-F]{64}$/.test(v))
      throw bad(`message.${field.name}`);
    if (field.type === "uint64") {
      if (!/^[0-9]{1,20}$/.test(v) || BigInt(v) >= 2n ** 64n) throw bad(`message.${field.name}`);
      message[field.name] = BigInt(v);
    } else message[field.name] = v;
  }
  return {
    chainId: r.chainId,
    verifyingContract: r.verifyingContract as Hex,
    message: message as SignedAccessRequest["message"],
    signature: r.signature as Hex,
  };
}
