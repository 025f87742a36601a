/**
 * Sending a transaction from an operate command: `transact` checks a call with staticCall, sends it,
 * waits for it and prints one line; a revert becomes one readable GrantKitError (`explainRevert`,
 * from the SDK's `decodeContractError`). Method names and arguments are typed from TypeChain.
 */
import { isHexString, type BaseContract, type ContractTransactionResponse } from "ethers";

import { GrantKitError } from "../../scripts/lib/errors.js";
import { issuerStatuses, registrarRole } from "../../sdk/src/constants.js";
import { decodeContractError } from "../../sdk/src/errors/contract.js";
import type { Signer } from "./context.js";
import { iso } from "./format.js";

/** Finds revert data (0x + selector ...) anywhere in an ethers/Hardhat error (for the unknown ones). */
export function revertData(error: unknown, depth = 0): string | undefined {
  if (error === null || typeof error !== "object" || depth > 6) return undefined;
  const e = error as Record<string, unknown>;
  const data = e.data;
  if (typeof data === "string" && isHexString(data) && data.length >= 10) return data;
  if (data && typeof data === "object") {
    const inner = (data as Record<string, unknown>).data;
    if (typeof inner === "string" && isHexString(inner) && inner.length >= 10) return inner;
  }
  for (const key of ["error", "info", "cause", "revert"]) {
    const found = revertData(e[key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

const STATUS_ARGS = new Set(["status", "expected"]);

/**
 * A readable line for a custom error of our contracts (decoded by the SDK's `decodeContractError`),
 * or undefined for errors without revert data.
 */
export function explainRevert(error: unknown): GrantKitError | undefined {
  const decoded = decodeContractError(error);
  if (decoded) {
    // The arguments in the error's declaration order (a[0] is the first).
    const args = decoded.args as Record<string, unknown>;
    // Typed loosely, as ethers' Result was: each case knows its error's arguments.
    const a: any[] = Object.values(args);
    switch (decoded.errorName) {
      case "AccessGrantsLocked":
        return new GrantKitError(
          `grant ${a[0]} is locked until ${iso(a[1])}`,
          "the owner can revoke it from then on; the grantee can release it any time",
        );
      case "AccessGrantsNotActive":
        return new GrantKitError(
          `grant ${a[0]} is not active (never granted, ended or expired)`,
          "look at it with: npx hardhat grantkit check",
        );
      case "AccessGrantsAlreadyActive":
        return new GrantKitError(
          `grant ${a[0]} is already active`,
          "nothing to do; revoke it first to grant it anew",
        );
      case "AccessGrantsInvalidExpiry":
        return new GrantKitError(
          `expiry ${iso(a[0])} is too early (minimum ${iso(a[1])}: after now and not before the lock)`,
          "pass a later --expires-at",
        );
      case "AccessGrantsExpiredSignature":
        return new GrantKitError(
          `the signed request expired at ${iso(a[0])}`,
          "ask the owner to sign a new request",
        );
      case "AccessGrantsNonceUsed":
        return new GrantKitError(
          `nonce ${a[1]} of owner ${a[0]} is already used (relayed already or cancelled)`,
          "ask the owner to sign a new request with another nonce",
        );
      case "AccessGrantsInvalidSignature":
        return new GrantKitError(
          `the signature is not the owner's (${a[0]}) for this request and this life of the grant`,
          "ask the owner to sign the request again for this chain, contract and the grant's current generation",
        );
      case "IssuerRegistryInvalidKeyProof":
        return new GrantKitError(
          `the new key ${a[0]} did not sign this rotation`,
          "sign the KeyRotation(oldKey, newKey, deadline) message with the new key",
        );
      case "IssuerRegistryExpiredKeyProof":
        return new GrantKitError(
          `the new key's proof expired at ${iso(a[0])}`,
          "sign the rotation again with a later deadline",
        );
      case "AccessGrantsInvalidGrantee":
        return new GrantKitError(
          `grantee ${a[0]} is not allowed (zero or the owner itself)`,
          "pass another --grantee",
        );
      case "IssuerRegistryKeyInUse":
        return new GrantKitError(
          `issuer key ${a[0]} already has a record (${issuerStatuses[Number(a[1])]})`,
          "a key is accredited once; use a new key",
        );
      case "IssuerRegistryWrongStatus":
        return new GrantKitError(
          `issuer ${a[0]} is ${issuerStatuses[Number(a[1])]}, this needs ${issuerStatuses[Number(a[2])]}`,
          "look at it with: npx hardhat grantkit issuer-show --issuer " + a[0],
        );
      case "IssuerRegistryNotLive":
        return new GrantKitError(
          `issuer ${a[0]} is ${issuerStatuses[Number(a[1])]}`,
          "this needs an issuer that exists and is not removed or rotated",
        );
      case "IssuerRegistryUnknownType":
        return new GrantKitError(
          `credential type ${a[0]} is not registered`,
          "see the registered types with: npx hardhat grantkit list",
        );
      case "IssuerRegistryInvalidValidity":
        return new GrantKitError(
          `valid-until ${iso(a[1])} is not after valid-from ${iso(a[0])}`,
          "pass a later --valid-until",
        );
      case "AccessControlUnauthorizedAccount":
        return new GrantKitError(
          `account ${a[0]} lacks role ${a[1] === registrarRole ? "REGISTRAR_ROLE" : a[1]}`,
          "pass --from with an account that has it",
        );
      default: {
        const fields = Object.entries(args).map(
          ([name, v]) => `${name}=${STATUS_ARGS.has(name) ? issuerStatuses[Number(v)] : String(v)}`,
        );
        return new GrantKitError(
          `reverted with ${decoded.errorName}(${fields.join(", ")})`,
          "see the contract's NatSpec for this error",
        );
      }
    }
  }
  const data = revertData(error);
  if (!data) return undefined;
  return new GrantKitError(`reverted with data ${data.slice(0, 74)}`, "an unknown error");
}

/**
 * A TypeChain contract method as `transact` uses it. Method syntax on purpose: its parameters are
 * compared bivariantly, so every method's own argument tuple matches `unknown[]` (no `any`); callers
 * get the exact list through `ArgsOf`.
 */
interface Method {
  staticCall(...args: unknown[]): Promise<unknown>;
  send(...args: unknown[]): Promise<ContractTransactionResponse>;
}

/** The names of a TypeChain contract's functions (its `TypedContractMethod` members). */
export type FunctionName<C> = { [K in keyof C]: C[K] extends Method ? K : never }[keyof C] & string;

/** A function's arguments as its `send` takes them (TypeChain's `ContractMethodArgs`). */
export type ArgsOf<C, M extends keyof C> = C[M] extends { send(...args: infer A): unknown }
  ? A
  : never;

/** What a function's staticCall returns (the call's result before it is sent). */
export type ResultOf<C, M extends keyof C> = C[M] extends {
  staticCall(...args: unknown[]): infer R;
}
  ? Awaited<R>
  : never;

/**
 * Checks a call with staticCall as `signer`, then sends it, waits for it and prints
 * `<what>: tx <hash> block <n>`. Reverts become one readable line.
 */
export async function transact<C extends BaseContract, M extends FunctionName<C>>(
  contract: C,
  signer: Signer,
  method: M,
  args: ArgsOf<C, M>,
  what: string,
): Promise<{ hash: string; blockNumber: number; result: ResultOf<C, M> }> {
  const fn = contract.connect(signer).getFunction(method);
  // ArgsOf<C, M> is the method's own argument list; a generic C leaves it opaque in here.
  const list = args as unknown[];
  let result: ResultOf<C, M>;
  try {
    result = (await fn.staticCall(...list)) as ResultOf<C, M>;
  } catch (error) {
    throw explainRevert(error) ?? error;
  }
  let tx: ContractTransactionResponse;
  try {
    tx = await fn.send(...list);
  } catch (error) {
    throw explainRevert(error) ?? error;
  }
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) {
    throw new GrantKitError(`${what}: tx ${tx.hash} failed`, "look at it in a block explorer");
  }
  console.log(`${what}: tx ${tx.hash} block ${receipt.blockNumber} (from ${signer.address})`);
  return { hash: tx.hash, blockNumber: receipt.blockNumber, result };
}
