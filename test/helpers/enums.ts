/**
 * The contracts' enums for tests, from the SDK's name tables (sdk/src/constants.ts, by on-chain
 * value): `enumOf(issuerStatuses).Active` is 1.
 */
export function enumOf<const N extends readonly string[]>(
  names: N,
): { readonly [K in N[number]]: number } {
  return Object.fromEntries(names.map((name, value) => [name, value])) as {
    readonly [K in N[number]]: number;
  };
}
