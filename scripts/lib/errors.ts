/**
 * The project's error convention for bad input and refusals: a message and a hint of what to do,
 * printed by the CLI as one line (`error: <message> (<hint>)`, exit code 1; tasks/cli.ts). Its own
 * module, so that commands which do not need the SDK (deploy, verify, start) do not load it.
 */

/** Error thrown by the helpers and the CLI for bad input; `hint` says what to do. */
export class GrantKitError extends Error {
  override readonly name = "GrantKitError";
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(`${message} (${hint})`);
  }
}
