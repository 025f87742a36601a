import { isHex, type Hex } from "viem";

import { InvalidParameterError } from "../errors/base.js";
import { requestTypes, type RequestKind } from "../protocol.js";
import { buildRequest } from "./buildRequest.js";
import type { SignedRequest } from "./types.js";
import { serializeSigned, type SerializedSigned } from "../utils/serializeSigned.js";

/** A signed request as JSON: numbers as decimal strings. */
export type SerializedRequest = { kind: RequestKind } & SerializedSigned;

/**
 * A signed request as plain JSON (bigints as decimal strings), to send from the wallet to a relayer.
 *
 * @example
 * await fetch(relayerUrl, { method: "POST", body: JSON.stringify(serializeRequest(signed)) });
 */
export function serializeRequest(request: SignedRequest): SerializedRequest {
  return { kind: request.kind, ...serializeSigned(request) };
}

/**
 * Reads a signed request from JSON (untrusted input: every field is checked).
 *
 * @example
 * const signed = parseRequest(await req.json());
 */
export function parseRequest(json: unknown): SignedRequest {
  const r = json as Partial<SerializedRequest> | null;
  if (!r || typeof r !== "object" || typeof r.kind !== "string" || !(r.kind in requestTypes)) {
    throw new InvalidParameterError(
      "kind",
      "is missing or unknown",
      `one of ${Object.keys(requestTypes).join(", ")}`,
    );
  }
  if (
    typeof r.signature !== "string" ||
    !isHex(r.signature, { strict: true }) ||
    r.signature === "0x"
  ) {
    throw new InvalidParameterError(
      "signature",
      "is missing or not hex",
      "send the signature signRequest returned",
    );
  }
  const kind = r.kind as RequestKind;
  const raw = r.message ?? {};
  const message: Record<string, unknown> = {};
  for (const field of requestTypes[kind]) {
    const value = (raw as Record<string, unknown>)[field.name];
    if (typeof value !== "string") {
      throw new InvalidParameterError(
        `message.${field.name}`,
        "is missing",
        "send every field of the request",
      );
    }
    if (field.type.startsWith("uint")) {
      if (!/^[0-9]{1,78}$/.test(value)) {
        throw new InvalidParameterError(
          `message.${field.name}`,
          `"${value}" is not a decimal integer`,
          "numbers are decimal strings",
        );
      }
      message[field.name] = BigInt(value);
    } else message[field.name] = value;
  }
  const request = buildRequest({
    kind,
    chainId: Number(r.chainId),
    verifyingContract: r.verifyingContract as Hex,
    message,
  } as never);
  return { ...request, signature: r.signature as Hex };
}
