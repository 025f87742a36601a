/**
 * Numeric settings from the environment, checked once at start-up: a value that is not a number in
 * range stops the server with a message naming the variable, instead of silently turning a limit
 * off (`Number("abc")` is NaN, and every comparison with NaN is false).
 */
export function numberFromEnv(
  name: string,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(
      `${name}=${JSON.stringify(raw)} is not a number from ${min} to ${max}; ` +
        `fix it or unset it (default ${fallback})`,
    );
  return value;
}
