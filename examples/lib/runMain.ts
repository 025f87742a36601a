/**
 * How every example ends: it runs its `main` and, when that fails, prints one line on stderr and
 * exits 1 (the contract the README states and the examples test checks).
 */

/** Runs `main`; on failure prints `<name> failed: <why>`, runs `cleanup` and exits 1. */
export function runMain(name: string, main: () => Promise<void>, cleanup?: () => void): void {
  main().catch((error: unknown) => {
    console.error(`${name} failed: ${describe(error)}`);
    cleanup?.();
    process.exit(1);
  });
}

/** An error in one line: the SDK's and viem's short message (and hint), or a failed fetch's cause. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { shortMessage?: string; hint?: string };
  if (e.shortMessage) return e.hint ? `${e.shortMessage} (hint: ${e.hint})` : e.shortMessage;
  return e.cause instanceof Error ? `${e.message} (${e.cause.message})` : e.message;
}
