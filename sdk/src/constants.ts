/**
 * Constants of the protocol: domain tags, the contracts' enums by index, roles. Enum name lists
 * follow the Solidity declarations in contracts/interfaces/ (index = on-chain value).
 */

/** 32 zero bytes: the unspecified purpose, and never a valid data hash. */
export const zeroHash =
  "0x0000000000000000000000000000000000000000000000000000000000000000" as const;

/** `type(uint64).max`: the largest lock or expiry the contract stores. */
export const maxUint64 = 2n ** 64n - 1n;

/** `keccak256("grantkit.dataHash.v1")`: mixed into every data hash so it never collides with another protocol's. */
export const dataHashDomain =
  "0x6faee3e24700d4cd79c0050679e2b8b757579833bfec92a15b1a859dee624d6c" as const;

/** `IAccessGrants.GrantStatus`, by on-chain value. `Expired` is never stored: views derive it from time. */
export const grantStatuses = [
  "None",
  "Active",
  "Revoked",
  "Released",
  "Replaced",
  "Expired",
] as const;
export type GrantStatus = (typeof grantStatuses)[number];

/** `IIssuerRegistry.IssuerStatus`, by on-chain value. */
export const issuerStatuses = ["None", "Active", "Suspended", "Removed", "Rotated"] as const;
export type IssuerStatus = (typeof issuerStatuses)[number];

/** `IIssuerRegistry.IssuerAction`, by on-chain value (the `action` of `IssuerUpdated`). */
export const issuerActions = [
  "Added",
  "Suspended",
  "Restored",
  "Removed",
  "TypesSet",
  "ValiditySet",
  "JurisdictionSet",
  "KeyRotatedFrom",
  "KeyRotatedTo",
] as const;
export type IssuerAction = (typeof issuerActions)[number];

/** `IIssuerRegistry.ReceiptCheck`, by on-chain value: why `checkReceipt` accepts or refuses a receipt. */
export const receiptChecks = [
  "Valid",
  "BadSignature",
  "NotYetIssued",
  "Expired",
  "UnknownType",
  "IssuerNotTrustedAtIssuance",
  "IssuerRevoked",
  "LifetimeExceeded",
] as const;
export type ReceiptCheck = (typeof receiptChecks)[number];

/** `keccak256("REGISTRAR_ROLE")`: the IssuerRegistry role that manages issuers. */
export const registrarRole =
  "0xedcc084d3dcd65a1f7f23c65c46722faca6953d28e43150a467cf43e5c309238" as const;
