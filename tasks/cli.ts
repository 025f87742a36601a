/** Shared CLI plumbing for the tasks: one-line errors with a fix hint, exit code 1. */
import { errorLine } from "../scripts/lib/errors.js";
import { GrantKitError } from "../sdk/src/errors/base.js";

export async function runCli(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    // The SDK's base: the CLI's own errors, and any refusal of the SDK's that reached this far.
    if (error instanceof GrantKitError) {
      console.error(`error: ${errorLine(error)}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
