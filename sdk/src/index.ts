/**
 * @grantkit/sdk: viem-native actions for grantkit's AccessGrants and IssuerRegistry. Every export
 * is a plain function (client first) or a constant; `client.extend(grantkitActions())` binds them.
 */
// Protocol table and constants
export {
  accessRequestTypes,
  domainOf,
  domains,
  keyRotationTypes,
  receiptTypes,
  relayCalls,
  requestKinds,
  requestTypes,
  type AccessRequest,
  type Authorization,
  type CredentialReceipt,
  type KeyRotation,
  type RequestKind,
  type RequestMessage,
} from "./protocol.js";
export {
  dataHashDomain,
  grantStatuses,
  issuerActions,
  issuerStatuses,
  maxUint64,
  receiptChecks,
  registrarRole,
  zeroHash,
  type GrantStatus,
  type IssuerAction,
  type IssuerStatus,
  type ReceiptCheck,
} from "./constants.js";

// Errors
export {
  AccountNotFoundError,
  DeploymentNotFoundError,
  GrantKitError,
  InvalidParameterError,
  type GrantKitErrorParameters,
} from "./errors/base.js";
export { ContractRevertError, decodeContractError, isContractError } from "./errors/contract.js";
export {
  contractErrorTable,
  grantKitErrorsAbi,
  type GrantKitContractErrorArgs,
  type GrantKitContractErrorName,
} from "./errors/table.js";

// Derivations and time
export { computeGrantId, type GrantKey } from "./utils/computeGrantId.js";
export {
  createDataReference,
  deriveDataHash,
  deriveGranteeSalt,
  generateSalt,
  type DataReference,
} from "./utils/dataReference.js";
export { purposeHash } from "./utils/purposeHash.js";
export { credentialTypeId } from "./utils/credentialTypeId.js";
export { jurisdictionCode } from "./utils/jurisdictionCode.js";
export { formatSeconds } from "./utils/formatSeconds.js";
export {
  assertSeconds,
  canRelease,
  canRevoke,
  deadlineAfter,
  isActive,
  toSeconds,
  unlocksAt,
  type GrantTimes,
} from "./utils/time.js";
export { noncesToBitmaps } from "./utils/nonces.js";
export { verifySignature, type SignatureRule } from "./utils/verifySignature.js";
export type { TypedDataSigner } from "./utils/signTypedDataWith.js";

// Deployments
export { getDeployment } from "./deployments/getDeployment.js";
export {
  deploymentFromRecord,
  type DeploymentRecordLike,
} from "./deployments/deploymentFromRecord.js";
export type {
  DeployedContract,
  GrantKitDeployment,
  GrantKitDeployments,
} from "./deployments/types.js";

// Reads
export { getGrant, type GetGrantParameters, type Grant } from "./actions/getGrant.js";
export { isGranted, type IsGrantedParameters } from "./actions/isGranted.js";
export { grantIsActive, type GrantIsActiveParameters } from "./actions/grantIsActive.js";
export { isNonceUsed, type IsNonceUsedParameters } from "./actions/isNonceUsed.js";
export {
  getIssuer,
  getIssuerLineage,
  type GetIssuerLineageParameters,
  type GetIssuerParameters,
  type IssuerLineage,
  type IssuerRecord,
} from "./actions/getIssuer.js";
export {
  getCredentialType,
  type CredentialTypeInfo,
  type GetCredentialTypeParameters,
} from "./actions/getCredentialType.js";
export { isTrusted, type IsTrustedParameters } from "./actions/isTrusted.js";

// Writes: owners and grantees
export type { ContractTarget } from "./actions/internal/target.js";
export type { PreparedCall, SimulateReturnType, WriteOptions } from "./actions/internal/call.js";
export type { GrantTerms, OwnerGrantKey } from "./actions/internal/terms.js";
export { grant, prepareGrant, simulateGrant, type GrantParameters } from "./actions/grant.js";
export {
  grantBatch,
  prepareGrantBatch,
  simulateGrantBatch,
  type GrantBatchParameters,
} from "./actions/grantBatch.js";
export { prepareRevoke, revoke, simulateRevoke, type RevokeParameters } from "./actions/revoke.js";
export {
  prepareRevokeBatch,
  revokeBatch,
  simulateRevokeBatch,
  type RevokeBatchParameters,
} from "./actions/revokeBatch.js";
export {
  prepareRelease,
  release,
  simulateRelease,
  type ReleaseParameters,
} from "./actions/release.js";
export {
  extendLock,
  prepareExtendLock,
  simulateExtendLock,
  type ExtendLockParameters,
} from "./actions/extendLock.js";
export {
  extendExpiry,
  prepareExtendExpiry,
  simulateExtendExpiry,
  type ExtendExpiryParameters,
} from "./actions/extendExpiry.js";
export {
  prepareReplace,
  replace,
  simulateReplace,
  type ReplaceParameters,
} from "./actions/replace.js";
export {
  cancelNonces,
  prepareCancelNonces,
  simulateCancelNonces,
  type CancelNoncesParameters,
} from "./actions/cancelNonces.js";

// Writes: registrars and issuers
export {
  prepareRegisterCredentialType,
  registerCredentialType,
  simulateRegisterCredentialType,
  type RegisterCredentialTypeParameters,
} from "./actions/registerCredentialType.js";
export {
  prepareSetCredentialTypeLifetime,
  setCredentialTypeLifetime,
  simulateSetCredentialTypeLifetime,
  type SetCredentialTypeLifetimeParameters,
} from "./actions/setCredentialTypeLifetime.js";
export {
  addIssuer,
  prepareAddIssuer,
  simulateAddIssuer,
  type AddIssuerParameters,
} from "./actions/addIssuer.js";
export {
  prepareSuspendIssuer,
  simulateSuspendIssuer,
  suspendIssuer,
  type SuspendIssuerParameters,
} from "./actions/suspendIssuer.js";
export {
  prepareRestoreIssuer,
  restoreIssuer,
  simulateRestoreIssuer,
  type RestoreIssuerParameters,
} from "./actions/restoreIssuer.js";
export {
  prepareRemoveIssuer,
  removeIssuer,
  simulateRemoveIssuer,
  type RemoveIssuerParameters,
} from "./actions/removeIssuer.js";
export {
  prepareSetIssuerTypes,
  setIssuerTypes,
  simulateSetIssuerTypes,
  type SetIssuerTypesParameters,
} from "./actions/setIssuerTypes.js";
export {
  prepareSetIssuerValidity,
  setIssuerValidity,
  simulateSetIssuerValidity,
  type SetIssuerValidityParameters,
} from "./actions/setIssuerValidity.js";
export {
  prepareSetIssuerJurisdiction,
  setIssuerJurisdiction,
  simulateSetIssuerJurisdiction,
  type SetIssuerJurisdictionParameters,
} from "./actions/setIssuerJurisdiction.js";
export {
  prepareUpdateIssuerMetadata,
  simulateUpdateIssuerMetadata,
  updateIssuerMetadata,
  type UpdateIssuerMetadataParameters,
} from "./actions/updateIssuerMetadata.js";
export {
  prepareRotateIssuerKey,
  rotateIssuerKey,
  simulateRotateIssuerKey,
  type RotateIssuerKeyParameters,
} from "./actions/rotateIssuerKey.js";

// Signed requests
export type { SignedRequest, UnsignedRequest } from "./requests/types.js";
export { buildRequest, type BuildRequestParameters } from "./requests/buildRequest.js";
export { prepareRequest, type PrepareRequestParameters } from "./requests/prepareRequest.js";
export {
  getRequestGenerations,
  type GetRequestGenerationsParameters,
  type RequestGenerations,
} from "./requests/getRequestGenerations.js";
export {
  getRequestTypedData,
  hashRequest,
  type RequestTypedData,
} from "./requests/getRequestTypedData.js";
export { signRequest, type SignRequestParameters } from "./requests/signRequest.js";
export { verifyRequest, type RequestCheck } from "./requests/verifyRequest.js";
export { pickNonce, type PickNonceParameters } from "./requests/pickNonce.js";
export {
  prepareRelayRequest,
  relayRequest,
  simulateRelayRequest,
  type RelayFunctionName,
  type RelayRequestParameters,
} from "./requests/relayRequest.js";
export {
  getRelayBatchOutcomes,
  prepareRelayBatch,
  relayBatch,
  simulateRelayBatch,
  type RelayBatchOutcome,
  type RelayBatchParameters,
} from "./requests/relayBatch.js";
export {
  parseRequest,
  serializeRequest,
  type SerializedRequest,
} from "./requests/serializeRequest.js";

// Credential receipts and gates
export {
  getReceiptTypedData,
  hashReceipt,
  type ReceiptDomainParameters,
} from "./receipts/getReceiptTypedData.js";
export { signReceipt, type SignReceiptParameters } from "./receipts/signReceipt.js";
export { checkReceipt, type CheckReceiptParameters } from "./receipts/checkReceipt.js";
export {
  getKeyRotationTypedData,
  hashKeyRotation,
  signKeyRotation,
  type SignKeyRotationParameters,
} from "./receipts/signKeyRotation.js";
export { checkGate, credentialGateArgs, type CheckGateParameters } from "./receipts/checkGate.js";

// Access requests (data servers)
export type { AccessIndexer, SignedAccessRequest, UnsignedAccessRequest } from "./access/types.js";
export {
  buildAccessRequest,
  type BuildAccessRequestParameters,
} from "./access/buildAccessRequest.js";
export {
  getAccessRequestTypedData,
  hashAccessRequest,
  signAccessRequest,
} from "./access/signAccessRequest.js";
export {
  verifyAccessRequest,
  type AccessRequestRejection,
  type VerifyAccessRequestParameters,
  type VerifyAccessRequestReturnType,
} from "./access/verifyAccessRequest.js";
export {
  parseAccessRequest,
  serializeAccessRequest,
  type SerializedAccessRequest,
} from "./access/serializeAccessRequest.js";

// Decorator
export { grantkitActions, type GrantKitActions, type GrantKitActionsConfig } from "./decorator.js";
