import { decodeErrorResult, type Hex } from "viem";

import { GrantKitError } from "./base.js";
import {
  contractErrorTable,
  grantKitErrorsAbi,
  type GrantKitContractErrorArgs,
  type GrantKitContractErrorName,
} from "./table.js";

/**
 * A revert of one of our contracts, decoded: `errorName` and `args` (named, typed from the ABI),
 * a readable message and a hint. Narrow it with {@link isContractError}.
 *
 * @example
 * if (isContractError(error, "AccessGrantsLocked")) {
 *   console.log(`locked until ${error.args.lockedUntil}`); // bigint seconds
 * }
 */
export class ContractRevertError<
  N extends GrantKitContractErrorName = GrantKitContractErrorName,
> extends GrantKitError {
  /** The Solidity error's name, e.g. `AccessGrantsLocked`. */
  readonly errorName: N;
  /** Its arguments by name. */
  readonly args: GrantKitContractErrorArgs<N>;
  /** The raw revert data. */
  readonly data: Hex;

  constructor(
    errorName: N,
    args: GrantKitContractErrorArgs<N>,
    data: Hex,
    cause?: Error | undefined,
  ) {
    const description = contractErrorTable[errorName];
    super(description.message(args), {
      hint: description.hint,
      cause,
      metaMessages: [`Error: ${errorName}`],
      name: "ContractRevertError",
    });
    this.errorName = errorName;
    this.args = args;
    this.data = data;
  }
}

/**
 * True when `error` is a decoded revert of contract error `name` (then `error.args` is typed).
 *
 * @example
 * if (isContractError(error, "AccessGrantsNonceUsed")) nonce = await pickNonce(client, { owner });
 */
export function isContractError<N extends GrantKitContractErrorName>(
  error: unknown,
  name: N,
): error is ContractRevertError<N> {
  return error instanceof ContractRevertError && error.errorName === name;
}

const isRevertData = (value: unknown): value is Hex =>
  typeof value === "string" && /^0x[0-9a-fA-F]{8}([0-9a-fA-F]{2})*$/.test(value);

/** Finds revert data (a selector and its arguments) anywhere in a viem, ethers or RPC error. */
function findRevertData(error: unknown, depth = 0): Hex | undefined {
  if (error === null || typeof error !== "object" || depth > 8) return undefined;
  const e = error as Record<string, unknown>;
  if (isRevertData(e.raw)) return e.raw;
  if (isRevertData(e.data)) return e.data;
  for (const key of ["cause", "error", "info", "data", "revert"]) {
    const found = findRevertData(e[key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Decodes a revert of our contracts found in any error (viem, ethers v6 or a raw JSON-RPC error)
 * into a {@link ContractRevertError}; `undefined` when the error carries no revert data we know.
 *
 * @example
 * try { await hre.ethers... } catch (error) { throw decodeContractError(error) ?? error; }
 */
export function decodeContractError(error: unknown): ContractRevertError | undefined {
  if (error instanceof ContractRevertError) return error;
  const data = findRevertData(error);
  if (!data) return undefined;
  let decoded;
  try {
    decoded = decodeErrorResult({ abi: grantKitErrorsAbi, data });
  } catch {
    return undefined;
  }
  // Error(string) and Panic(uint256), which viem also decodes, are not ours: leave them to viem.
  if (!(decoded.errorName in contractErrorTable)) return undefined;
  const item = grantKitErrorsAbi.find(
    (i) => i.name === decoded.errorName && i.inputs.length === (decoded.args?.length ?? 0),
  );
  const args: Record<string, unknown> = {};
  item?.inputs.forEach((input, i) => (args[input.name] = decoded.args?.[i]));
  return new ContractRevertError(
    decoded.errorName,
    args as never,
    data,
    error instanceof Error ? error : undefined,
  );
}
