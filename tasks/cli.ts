/** Shared CLI plumbing for the tasks: one-line errors with a fix hint, exit code 1. */
import { GrantKitError } from "../scripts/lib/errors.js";

export async function runCli(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof GrantKitError) {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
