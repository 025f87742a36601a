/**
 * The CLI's error for bad input and refusals: a message and a hint of what to do, printed by the CLI
 * as one line (`error: <message> (<hint>)`, exit code 1; tasks/cli.ts). A subclass of the SDK's
 * `GrantKitError` (sdk/src/errors/base.ts, a viem `BaseError` with `hint`), the one error base of the
 * project: a catch of the SDK's class catches every bad-input error, and `hint` is the same property
 * everywhere. Only that module of the SDK is loaded (it needs viem's `BaseError`), not its actions.
 */
import { GrantKitError as SdkGrantKitError } from "../../sdk/src/errors/base.js";

/**
 * Error thrown by the helpers and the CLI for bad input; `hint` says what to do. Its `message` is
 * viem's (the hint and viem's version on lines of their own): `errorLine` is the CLI's one line.
 */
export class GrantKitError extends SdkGrantKitError {
  constructor(message: string, hint: string) {
    super(message, { hint, name: "GrantKitError" });
  }
}

/** The one line the CLI prints after `error: `, for any error of the project's base. */
export function errorLine(error: SdkGrantKitError): string {
  return `${error.shortMessage} (${error.hint})`;
}
