/**
 * What `npm start` shows of the local chain's (`hardhat node`) output. By default: the server line,
 * one line about the dev accounts, and one line per failed call with its custom error decoded from
 * the contracts' ABIs (`AccessGrantsLocked(grantId: 0x…, lockedUntil: 1767225600)` instead of
 * "unrecognized custom error (return data: 0xb5105312…)"); refusals the demo provokes on purpose are
 * said to be intended. Verbose: every line, errors decoded in place.
 */
import { Interface, type ErrorDescription, type InterfaceAbi } from "ethers";

/** Turns revert data into "Name(arg: value, …)", or undefined when no ABI knows the selector. */
export type RevertDecoder = (data: string) => string | undefined;

// ANSI colour codes (hardhat node colours the RPC method names).
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

function formatArg(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatArg).join(", ")}]`;
  return String(value);
}

function describe(error: ErrorDescription): string {
  const args = error.fragment.inputs.map(
    (input, i) => `${input.name === "" ? `arg${i}` : input.name}: ${formatArg(error.args[i])}`,
  );
  return `${error.name}(${args.join(", ")})`;
}

/**
 * A decoder over the custom errors of several ABIs (duplicates, e.g. OpenZeppelin's errors in two
 * contracts, counted once).
 *
 * @example
 * const decode = revertDecoder([accessGrantsAbi, issuerRegistryAbi]);
 * decode("0x57e8c096…"); // "AccessGrantsNotActive(grantId: 0x8b49…)"
 */
export function revertDecoder(abis: InterfaceAbi[]): RevertDecoder {
  const seen = new Set<string>();
  const errors: string[] = [];
  for (const abi of abis) {
    for (const fragment of new Interface(abi).fragments) {
      if (fragment.type !== "error") continue;
      const signature = fragment.format("full");
      if (!seen.has(signature)) errors.push(signature);
      seen.add(signature);
    }
  }
  const iface = new Interface(errors);
  return (data) => {
    try {
      const error = iface.parseError(data);
      return error ? describe(error) : undefined;
    } catch {
      return undefined;
    }
  };
}

const RETURN_DATA = /\(return data: (0x[0-9a-fA-F]*)\)/;
const CALL_DETAIL =
  /^\s+(Contract call|Contract deployment|Contract address|Transaction|From|To|Value|Gas used|Block #\d+):\s*(.*)$/;
const RPC_METHOD = /^[a-z]+_[A-Za-z0-9]+(\s.*)?$/;
const ACCOUNTS = /^(Accounts|=+|Account #\d+:.*|Private Key:.*|WARNING: .*)$/;

export interface ChainOutputOptions {
  verbose: boolean;
  decode: RevertDecoder;
  /** Whether failed calls are expected right now (the demo provokes refusals on purpose). */
  intended: () => boolean;
  /** Called for each failed call, with whether it was intended. */
  onRefusal?: (intended: boolean) => void;
}

/**
 * A filter for the node's lines: `line(text)` returns what to print for it (nothing, the line, or a
 * one-line summary of a failed call).
 */
export class ChainOutput {
  #call = "";
  #from = "";
  #accountsShown = false;

  constructor(private readonly options: ChainOutputOptions) {}

  line(raw: string): string[] {
    const text = raw.replace(ANSI, "");
    const trimmed = text.trim();
    if (trimmed === "") return [];

    const detail = CALL_DETAIL.exec(text);
    if (detail) {
      if (detail[1] === "Contract call" || detail[1] === "Contract deployment") {
        this.#call = detail[2] ?? "";
        this.#from = "";
      }
      if (detail[1] === "From") this.#from = detail[2] ?? "";
      return this.options.verbose ? [text] : [];
    }

    const error = /^\s+Error:\s*(.*)$/.exec(text);
    if (error) return [this.#failure(error[1] ?? "", text)];

    if (this.options.verbose) return [text];
    if (RPC_METHOD.test(trimmed) || /^Mined empty block/.test(trimmed)) return [];
    if (ACCOUNTS.test(trimmed)) {
      const first = /^Account #0:\s+(0x[0-9a-fA-F]{40})/.exec(trimmed);
      if (first && !this.#accountsShown) {
        this.#accountsShown = true;
        return [
          `dev accounts: Hardhat's 20 well-known ones, #0 ${first[1]} (their keys are public: never use them on a real network; --verbose prints them)`,
        ];
      }
      return [];
    }
    return [text];
  }

  #failure(message: string, original: string): string {
    const intended = this.options.intended();
    this.options.onRefusal?.(intended);
    const data = RETURN_DATA.exec(message)?.[1];
    const decoded = data === undefined ? undefined : this.options.decode(data);
    let reason = message.replace(/^VM Exception while processing transaction: /, "");
    if (data !== undefined) {
      reason = decoded
        ? `reverted with ${decoded}`
        : `reverted with a custom error no GrantKit ABI knows (selector ${data.slice(0, 10)})`;
    }
    const label = intended ? " (intended: the demo also tries what the contracts must refuse)" : "";
    if (this.options.verbose) return `${/^\s*/.exec(original)?.[0] ?? ""}Error: ${reason}${label}`;
    const who = this.#call === "" ? "a call" : this.#call;
    const from = this.#from === "" ? "" : ` from ${this.#from}`;
    return `${who}${from} ${reason}${label}`;
  }
}
