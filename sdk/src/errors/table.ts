/**
 * The error table: for every custom error in the contracts' ABIs (AccessGrants, IssuerRegistry,
 * GrantGate, and the OpenZeppelin errors they can raise), a one-line message built from its
 * arguments and a hint of what to do. The argument types come from the generated ABIs; the
 * `satisfies` below fails to compile when an ABI gains an error this table does not describe.
 */
import type { AbiParameter, AbiParameterToPrimitiveType } from "viem";

import { accessGrantsCoreAbi, grantGateCoreAbi, issuerRegistryCoreAbi } from "../abi/coreAbis.js";
import { issuerStatuses, receiptChecks } from "../constants.js";
import { formatSeconds } from "../utils/formatSeconds.js";

/** Every error the SDK decodes, from the three ABIs (duplicates share a signature). */
export const grantKitErrorsAbi = [
  ...accessGrantsCoreAbi.filter((item) => item.type === "error"),
  ...issuerRegistryCoreAbi.filter((item) => item.type === "error"),
  ...grantGateCoreAbi.filter((item) => item.type === "error"),
] as const;

type ErrorItem = Extract<(typeof grantKitErrorsAbi)[number], { type: "error" }>;

/** The name of a contract error the SDK decodes, e.g. `"AccessGrantsLocked"`. */
export type GrantKitContractErrorName = ErrorItem["name"];

type NamedArgs<I extends readonly AbiParameter[]> = {
  [P in I[number] as P["name"] & string]: AbiParameterToPrimitiveType<P>;
};

/** The arguments of contract error `N`, by name (`{ grantId, lockedUntil }` for `AccessGrantsLocked`). */
export type GrantKitContractErrorArgs<N extends GrantKitContractErrorName> = NamedArgs<
  Extract<ErrorItem, { name: N }>["inputs"]
>;

type Description<N extends GrantKitContractErrorName> = {
  message: (args: GrantKitContractErrorArgs<N>) => string;
  hint: string;
};

const issuer = (s: number) => issuerStatuses[s] ?? `status ${s}`;

/** Message and hint of every contract error. */
export const contractErrorTable: { [N in GrantKitContractErrorName]: Description<N> } = {
  // ------------------------------------------------------------ AccessGrants
  AccessGrantsInvalidGrantee: {
    message: (a) => `grantee ${a.grantee} is not allowed (zero or the owner itself)`,
    hint: "grant to another address than the zero address and the owner",
  },
  AccessGrantsInvalidOwner: {
    message: (a) => `the signing owner ${a.owner} is the zero address`,
    hint: "set `owner` of the signed request to the signer's address",
  },
  AccessGrantsInvalidDataHash: {
    message: () => "the data hash is zero",
    hint: "derive it with deriveDataHash({ dataId, salt }) or createDataReference()",
  },
  AccessGrantsInvalidExpiry: {
    message: (a) =>
      `expiry ${formatSeconds(a.expiresAt)} is too early (minimum ${formatSeconds(a.minimum)}: after the block time and not before the lock)`,
    hint: "pass a later expiresAt (unix seconds), or 0n for never",
  },
  AccessGrantsAlreadyActive: {
    message: (a) => `grant ${a.grantId} is already active`,
    hint: "nothing to do; to change it use extendLock, extendExpiry or replace, or revoke it first",
  },
  AccessGrantsNotActive: {
    message: (a) => `grant ${a.grantId} is not active (never granted, ended or expired)`,
    hint: "read it with getGrant(client, { grantId }) to see its status",
  },
  AccessGrantsLocked: {
    message: (a) => `grant ${a.grantId} is locked until ${formatSeconds(a.lockedUntil)}`,
    hint: "the owner can revoke it from unlocksAt(grant) on; the grantee can release it at any time",
  },
  AccessGrantsLockNotExtended: {
    message: (a) =>
      `lock ${formatSeconds(a.requested)} of grant ${a.grantId} is not later than its lock ${formatSeconds(a.lockedUntil)}`,
    hint: "pass a later lockedUntil; a lock is never shortened",
  },
  AccessGrantsLockShortened: {
    message: (a) =>
      `lock ${formatSeconds(a.requested)} is earlier than the lock ${formatSeconds(a.lockedUntil)} of grant ${a.grantId}`,
    hint: "a replacement keeps at least the old lock: pass lockedUntil >= the old grant's",
  },
  AccessGrantsLockAfterExpiry: {
    message: (a) =>
      `lock ${formatSeconds(a.requested)} of grant ${a.grantId} would outlive its expiry ${formatSeconds(a.expiresAt)}`,
    hint: "extend the expiry first (extendExpiry), or pass an earlier lockedUntil",
  },
  AccessGrantsExpiryNotExtended: {
    message: (a) =>
      `expiry ${formatSeconds(a.requested)} does not lengthen grant ${a.grantId} (expires ${formatSeconds(a.expiresAt, "never")})`,
    hint: "pass a later expiresAt, or 0n for never; a grant that never expires cannot be extended",
  },
  AccessGrantsExpiredSignature: {
    message: (a) => `the signed request expired at ${formatSeconds(a.deadline)}`,
    hint: "ask the owner to sign a new request with a later deadline (deadlineAfter)",
  },
  AccessGrantsNonceUsed: {
    message: (a) => `nonce ${a.nonce} of owner ${a.owner} is used (relayed already or cancelled)`,
    hint: "ask the owner to sign a new request with a free nonce (pickNonce)",
  },
  AccessGrantsInvalidSignature: {
    message: (a) =>
      `the signature is not the owner's (${a.owner}) for this request and the grant's current generation`,
    hint: "prepare the request again (prepareRequest reads the grant's generation) and sign it as the owner, for this chain and AccessGrants address",
  },
  // ------------------------------------------------------------ IssuerRegistry
  IssuerRegistryZeroAddress: {
    message: () => "the issuer key is the zero address",
    hint: "pass the address of the issuer's signing key",
  },
  IssuerRegistryKeyInUse: {
    message: (a) => `issuer key ${a.key} already has a record (${issuer(a.status)})`,
    hint: "a key is accredited once: use a new key, or setIssuerTypes/setIssuerValidity to change a record",
  },
  IssuerRegistryWrongStatus: {
    message: (a) => `issuer ${a.issuer} is ${issuer(a.status)}, this needs ${issuer(a.expected)}`,
    hint: "read the record with getIssuer(client, { issuer })",
  },
  IssuerRegistryNotLive: {
    message: (a) => `issuer ${a.issuer} is ${issuer(a.status)}`,
    hint: "this needs an issuer that exists and is not removed or rotated",
  },
  IssuerRegistryUnknownType: {
    message: (a) => `credential type ${a.credentialType} is not registered`,
    hint: "a registrar registers it first (registerCredentialType)",
  },
  IssuerRegistryInvalidType: {
    message: (a) => `credential type ${a.credentialType} is zero or registered already`,
    hint: "use keccak256 of a new label, e.g. credentialTypeId('kyc.basic')",
  },
  IssuerRegistryTypesFull: {
    message: (a) => `all ${a.max} credential type bits are taken`,
    hint: "no more types can be registered in this registry",
  },
  IssuerRegistryInvalidValidity: {
    message: (a) =>
      `valid-until ${formatSeconds(a.validUntil)} is not after valid-from ${formatSeconds(a.validFrom)}`,
    hint: "pass a later validUntil, or 0 for no end",
  },
  IssuerRegistryInvalidJurisdiction: {
    message: (a) => `jurisdiction ${a.jurisdiction} is not an ISO 3166-1 alpha-2 code`,
    hint: 'pass two upper-case letters (jurisdictionCode("CH")) or "0x0000" for none',
  },
  IssuerRegistryExpiredKeyProof: {
    message: (a) => `the new key's proof of possession expired at ${formatSeconds(a.deadline)}`,
    hint: "sign a new proof with the new key (signKeyRotation) with a later deadline",
  },
  IssuerRegistryInvalidKeyProof: {
    message: (a) => `the proof is not ${a.newKey}'s signature of this key rotation`,
    hint: "sign KeyRotation { oldKey: the sender, newKey, deadline } with the NEW key (signKeyRotation), for this chain and registry",
  },
  // ------------------------------------------------------------ GrantGate
  GrantGateNotGranted: {
    message: (a) => `${a.owner} has no active grant of ${a.dataHash} to this gate`,
    hint: "the user grants the gate's grantee access for the gate's purpose first",
  },
  GrantGateReceiptMismatch: {
    message: (a) =>
      `the receipt is about owner ${a.owner}, data ${a.dataHash}, type ${a.credentialType}, for audience ${a.audience}: not what the gate requires`,
    hint: "send the receipt the issuer signed for this user, this data item and this credential type, for the gate's grantee or any audience (zero)",
  },
  GrantGateZeroAddress: {
    message: (a) =>
      `a gate needs non-zero addresses (AccessGrants ${a.accessGrants}, IssuerRegistry ${a.issuerRegistry}, grantee ${a.grantee})`,
    hint: "deploy the gate with the deployment's AccessGrants and IssuerRegistry and a grantee",
  },
  GrantGateReceiptRejected: {
    message: (a) =>
      `the registry refused the receipt of issuer ${a.issuer}: ${receiptChecks[a.reason] ?? a.reason}`,
    hint: "check it first with checkReceipt(client, { receipt, signature }) to see why",
  },
  // ------------------------------------------------------------ OpenZeppelin
  AccessControlUnauthorizedAccount: {
    message: (a) => `account ${a.account} lacks role ${a.neededRole}`,
    hint: "send from an account that holds the role (registrars: REGISTRAR_ROLE, granted by the default admin)",
  },
  AccessControlBadConfirmation: {
    message: () => "renounceRole must be called by the account itself",
    hint: "pass the caller's own address",
  },
  AccessControlEnforcedDefaultAdminRules: {
    message: () => "the default admin role moves only in two delayed steps",
    hint: "use beginDefaultAdminTransfer, then acceptDefaultAdminTransfer after the delay",
  },
  AccessControlEnforcedDefaultAdminDelay: {
    message: (a) => `the admin transfer is not due before ${formatSeconds(a.schedule)}`,
    hint: "wait until the schedule, then accept again",
  },
  AccessControlInvalidDefaultAdmin: {
    message: (a) => `${a.defaultAdmin} is not the pending default admin`,
    hint: "accept from the pending admin's account",
  },
  CheckpointUnorderedInsertion: {
    message: () => "a checkpoint was written out of order",
    hint: "a contract bug: report it",
  },
  SafeCastOverflowedUintDowncast: {
    message: (a) => `value ${a.value} does not fit in ${a.bits} bits`,
    hint: "pass a smaller value",
  },
  AddressEmptyCode: {
    message: (a) => `no contract at ${a.target}`,
    hint: "check the address and the chain",
  },
  FailedCall: {
    message: () => "a call inside multicall failed without a reason",
    hint: "simulate the calls one by one to find the failing one, or relay them with tryMulticall (relayBatch)",
  },
  InvalidShortString: {
    message: () => "invalid short string",
    hint: "a contract bug: report it",
  },
  StringTooLong: {
    message: (a) => `string too long: ${a.str}`,
    hint: "a contract bug: report it",
  },
};
