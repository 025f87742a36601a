/** `type(uint40).max`: issuer validity windows are uint40 seconds. */
export const MAX_UINT40 = 2n ** 40n - 1n;
