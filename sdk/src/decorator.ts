import type { Account, Chain, Client, Transport } from "viem";

import {
  addIssuer,
  prepareAddIssuer,
  simulateAddIssuer,
  type AddIssuerParameters,
} from "./actions/addIssuer.js";
import {
  cancelNonces,
  prepareCancelNonces,
  simulateCancelNonces,
  type CancelNoncesParameters,
} from "./actions/cancelNonces.js";
import {
  extendExpiry,
  prepareExtendExpiry,
  simulateExtendExpiry,
  type ExtendExpiryParameters,
} from "./actions/extendExpiry.js";
import {
  extendLock,
  prepareExtendLock,
  simulateExtendLock,
  type ExtendLockParameters,
} from "./actions/extendLock.js";
import { getGrant, type GetGrantParameters } from "./actions/getGrant.js";
import {
  getIssuer,
  getIssuerLineage,
  type GetIssuerLineageParameters,
  type GetIssuerParameters,
} from "./actions/getIssuer.js";
import {
  getCredentialType,
  type GetCredentialTypeParameters,
} from "./actions/getCredentialType.js";
import { grantIsActive, type GrantIsActiveParameters } from "./actions/grantIsActive.js";
import { grant, prepareGrant, simulateGrant, type GrantParameters } from "./actions/grant.js";
import {
  grantBatch,
  prepareGrantBatch,
  simulateGrantBatch,
  type GrantBatchParameters,
} from "./actions/grantBatch.js";
import { isGranted, type IsGrantedParameters } from "./actions/isGranted.js";
import { isNonceUsed, type IsNonceUsedParameters } from "./actions/isNonceUsed.js";
import { isTrusted, type IsTrustedParameters } from "./actions/isTrusted.js";
import {
  prepareRegisterCredentialType,
  registerCredentialType,
  simulateRegisterCredentialType,
  type RegisterCredentialTypeParameters,
} from "./actions/registerCredentialType.js";
import {
  prepareSetCredentialTypeLifetime,
  setCredentialTypeLifetime,
  simulateSetCredentialTypeLifetime,
  type SetCredentialTypeLifetimeParameters,
} from "./actions/setCredentialTypeLifetime.js";
import {
  prepareRelease,
  release,
  simulateRelease,
  type ReleaseParameters,
} from "./actions/release.js";
import {
  prepareRemoveIssuer,
  removeIssuer,
  simulateRemoveIssuer,
  type RemoveIssuerParameters,
} from "./actions/removeIssuer.js";
import {
  prepareReplace,
  replace,
  simulateReplace,
  type ReplaceParameters,
} from "./actions/replace.js";
import {
  prepareRestoreIssuer,
  restoreIssuer,
  simulateRestoreIssuer,
  type RestoreIssuerParameters,
} from "./actions/restoreIssuer.js";
import { prepareRevoke, revoke, simulateRevoke, type RevokeParameters } from "./actions/revoke.js";
import {
  prepareRevokeBatch,
  revokeBatch,
  simulateRevokeBatch,
  type RevokeBatchParameters,
} from "./actions/revokeBatch.js";
import {
  prepareRotateIssuerKey,
  rotateIssuerKey,
  simulateRotateIssuerKey,
  type RotateIssuerKeyParameters,
} from "./actions/rotateIssuerKey.js";
import {
  prepareSetIssuerJurisdiction,
  setIssuerJurisdiction,
  simulateSetIssuerJurisdiction,
  type SetIssuerJurisdictionParameters,
} from "./actions/setIssuerJurisdiction.js";
import {
  prepareSetIssuerTypes,
  setIssuerTypes,
  simulateSetIssuerTypes,
  type SetIssuerTypesParameters,
} from "./actions/setIssuerTypes.js";
import {
  prepareSetIssuerValidity,
  setIssuerValidity,
  simulateSetIssuerValidity,
  type SetIssuerValidityParameters,
} from "./actions/setIssuerValidity.js";
import {
  prepareSuspendIssuer,
  simulateSuspendIssuer,
  suspendIssuer,
  type SuspendIssuerParameters,
} from "./actions/suspendIssuer.js";
import {
  prepareUpdateIssuerMetadata,
  simulateUpdateIssuerMetadata,
  updateIssuerMetadata,
  type UpdateIssuerMetadataParameters,
} from "./actions/updateIssuerMetadata.js";
import {
  verifyAccessRequest,
  type VerifyAccessRequestParameters,
} from "./access/verifyAccessRequest.js";
import type { GrantKitDeployment, GrantKitDeployments } from "./deployments/types.js";
import { checkGate, type CheckGateParameters } from "./receipts/checkGate.js";
import { checkReceipt, type CheckReceiptParameters } from "./receipts/checkReceipt.js";
import { pickNonce, type PickNonceParameters } from "./requests/pickNonce.js";
import { prepareRequest, type PrepareRequestParameters } from "./requests/prepareRequest.js";
import {
  getRequestGenerations,
  type GetRequestGenerationsParameters,
} from "./requests/getRequestGenerations.js";
import {
  prepareRelayBatch,
  relayBatch,
  simulateRelayBatch,
  type RelayBatchParameters,
} from "./requests/relayBatch.js";
import {
  prepareRelayRequest,
  relayRequest,
  simulateRelayRequest,
  type RelayRequestParameters,
} from "./requests/relayRequest.js";
import type { SignedRequest } from "./requests/types.js";
import { verifyRequest } from "./requests/verifyRequest.js";
import type { RequestKind } from "./protocol.js";

/** Where the decorated actions find the contracts. */
export type GrantKitActionsConfig = {
  /** The deployment to use whatever the client's chain (e.g. deploymentFromRecord(record)). */
  deployment?: GrantKitDeployment | undefined;
  /** Deployments by chain id, looked up by the client's chain (before the SDK's built-in ones). */
  deployments?: GrantKitDeployments | undefined;
};

/** An action's parameters without `deployments` (the decorator supplies them), distributed over unions. */
type Opt<P> = P extends unknown ? Omit<P, "deployments"> : never;

/**
 * Every grantkit action bound to a client: `client.extend(grantkitActions())`. Each action is also
 * exported on its own (tree-shakable) with the client as first argument.
 *
 * @example
 * const client = createWalletClient({ account, chain, transport: http() })
 *   .extend(publicActions)
 *   .extend(grantkitActions({ deployment: deploymentFromRecord(record) }));
 * await client.grant({ grantee, dataHash, purpose: purposeHash("onboarding") });
 * const granted = await client.isGranted({ owner: account.address, grantee, dataHash, purpose });
 */
export function grantkitActions(config: GrantKitActionsConfig = {}) {
  const ag = <P extends object>(p: P) => ({
    deployments: config.deployments,
    ...p,
    address: (p as { address?: `0x${string}` }).address ?? config.deployment?.accessGrants.address,
  });
  const ir = <P extends object>(p: P) => ({
    deployments: config.deployments,
    ...p,
    address:
      (p as { address?: `0x${string}` }).address ?? config.deployment?.issuerRegistry.address,
  });
  return <C extends Client<Transport, Chain | undefined, Account | undefined>>(client: C) => {
    const chainId = client.chain?.id;
    const prep = <P extends object>(p: P) => ({ chainId, ...p });
    return {
      // reads
      getGrant: (p: Opt<GetGrantParameters>) => getGrant(client, ag(p) as GetGrantParameters),
      isGranted: (p: Opt<IsGrantedParameters>) => isGranted(client, ag(p)),
      grantIsActive: (p: Opt<GrantIsActiveParameters>) => grantIsActive(client, ag(p)),
      isNonceUsed: (p: Opt<IsNonceUsedParameters>) => isNonceUsed(client, ag(p)),
      getIssuer: (p: Opt<GetIssuerParameters>) => getIssuer(client, ir(p)),
      getIssuerLineage: (p: Opt<GetIssuerLineageParameters>) => getIssuerLineage(client, ir(p)),
      getCredentialType: (p: Opt<GetCredentialTypeParameters>) => getCredentialType(client, ir(p)),
      isTrusted: (p: Opt<IsTrustedParameters>) => isTrusted(client, ir(p)),
      // owner and grantee writes
      grant: (p: Opt<GrantParameters>) => grant(client, ag(p)),
      simulateGrant: (p: Opt<GrantParameters>) => simulateGrant(client, ag(p)),
      prepareGrant: (p: Opt<GrantParameters>) => prepareGrant(prep(ag(p))),
      grantBatch: (p: Opt<GrantBatchParameters>) => grantBatch(client, ag(p)),
      simulateGrantBatch: (p: Opt<GrantBatchParameters>) => simulateGrantBatch(client, ag(p)),
      prepareGrantBatch: (p: Opt<GrantBatchParameters>) => prepareGrantBatch(prep(ag(p))),
      revoke: (p: Opt<RevokeParameters>) => revoke(client, ag(p)),
      simulateRevoke: (p: Opt<RevokeParameters>) => simulateRevoke(client, ag(p)),
      prepareRevoke: (p: Opt<RevokeParameters>) => prepareRevoke(prep(ag(p))),
      revokeBatch: (p: Opt<RevokeBatchParameters>) => revokeBatch(client, ag(p)),
      simulateRevokeBatch: (p: Opt<RevokeBatchParameters>) => simulateRevokeBatch(client, ag(p)),
      prepareRevokeBatch: (p: Opt<RevokeBatchParameters>) => prepareRevokeBatch(prep(ag(p))),
      release: (p: Opt<ReleaseParameters>) => release(client, ag(p)),
      simulateRelease: (p: Opt<ReleaseParameters>) => simulateRelease(client, ag(p)),
      prepareRelease: (p: Opt<ReleaseParameters>) => prepareRelease(prep(ag(p))),
      extendLock: (p: Opt<ExtendLockParameters>) => extendLock(client, ag(p)),
      simulateExtendLock: (p: Opt<ExtendLockParameters>) => simulateExtendLock(client, ag(p)),
      prepareExtendLock: (p: Opt<ExtendLockParameters>) => prepareExtendLock(prep(ag(p))),
      extendExpiry: (p: Opt<ExtendExpiryParameters>) => extendExpiry(client, ag(p)),
      simulateExtendExpiry: (p: Opt<ExtendExpiryParameters>) => simulateExtendExpiry(client, ag(p)),
      prepareExtendExpiry: (p: Opt<ExtendExpiryParameters>) => prepareExtendExpiry(prep(ag(p))),
      replace: (p: Opt<ReplaceParameters>) => replace(client, ag(p)),
      simulateReplace: (p: Opt<ReplaceParameters>) => simulateReplace(client, ag(p)),
      prepareReplace: (p: Opt<ReplaceParameters>) => prepareReplace(prep(ag(p))),
      cancelNonces: (p: Opt<CancelNoncesParameters>) => cancelNonces(client, ag(p)),
      simulateCancelNonces: (p: Opt<CancelNoncesParameters>) => simulateCancelNonces(client, ag(p)),
      prepareCancelNonces: (p: Opt<CancelNoncesParameters>) => prepareCancelNonces(prep(ag(p))),
      // signed requests
      pickNonce: (p: Opt<PickNonceParameters>) => pickNonce(client, ag(p)),
      prepareRequest: <K extends RequestKind>(p: Opt<PrepareRequestParameters<K>>) =>
        prepareRequest<K>(client, ag(p) as never),
      getRequestGenerations: (p: Opt<GetRequestGenerationsParameters>) =>
        getRequestGenerations(client, ag(p)),
      verifyRequest: (request: SignedRequest) => verifyRequest(client, request),
      relayRequest: (p: RelayRequestParameters) => relayRequest(client, p),
      simulateRelayRequest: (p: RelayRequestParameters) => simulateRelayRequest(client, p),
      prepareRelayRequest: (p: RelayRequestParameters) => prepareRelayRequest(p),
      relayBatch: (p: RelayBatchParameters) => relayBatch(client, p),
      simulateRelayBatch: (p: RelayBatchParameters) => simulateRelayBatch(client, p),
      prepareRelayBatch: (p: RelayBatchParameters) => prepareRelayBatch(p),
      // receipts, gates, access requests
      checkReceipt: (p: Opt<CheckReceiptParameters>) => checkReceipt(client, ir(p)),
      checkGate: (p: CheckGateParameters) => checkGate(client, p),
      verifyAccessRequest: (p: Opt<VerifyAccessRequestParameters>) =>
        verifyAccessRequest(client, ag(p)),
      // issuer governance (registrars) and issuers' own actions
      registerCredentialType: (p: Opt<RegisterCredentialTypeParameters>) =>
        registerCredentialType(client, ir(p)),
      simulateRegisterCredentialType: (p: Opt<RegisterCredentialTypeParameters>) =>
        simulateRegisterCredentialType(client, ir(p)),
      prepareRegisterCredentialType: (p: Opt<RegisterCredentialTypeParameters>) =>
        prepareRegisterCredentialType(prep(ir(p))),
      setCredentialTypeLifetime: (p: Opt<SetCredentialTypeLifetimeParameters>) =>
        setCredentialTypeLifetime(client, ir(p)),
      simulateSetCredentialTypeLifetime: (p: Opt<SetCredentialTypeLifetimeParameters>) =>
        simulateSetCredentialTypeLifetime(client, ir(p)),
      prepareSetCredentialTypeLifetime: (p: Opt<SetCredentialTypeLifetimeParameters>) =>
        prepareSetCredentialTypeLifetime(prep(ir(p))),
      addIssuer: (p: Opt<AddIssuerParameters>) => addIssuer(client, ir(p)),
      simulateAddIssuer: (p: Opt<AddIssuerParameters>) => simulateAddIssuer(client, ir(p)),
      prepareAddIssuer: (p: Opt<AddIssuerParameters>) => prepareAddIssuer(prep(ir(p))),
      suspendIssuer: (p: Opt<SuspendIssuerParameters>) => suspendIssuer(client, ir(p)),
      simulateSuspendIssuer: (p: Opt<SuspendIssuerParameters>) =>
        simulateSuspendIssuer(client, ir(p)),
      prepareSuspendIssuer: (p: Opt<SuspendIssuerParameters>) => prepareSuspendIssuer(prep(ir(p))),
      restoreIssuer: (p: Opt<RestoreIssuerParameters>) => restoreIssuer(client, ir(p)),
      simulateRestoreIssuer: (p: Opt<RestoreIssuerParameters>) =>
        simulateRestoreIssuer(client, ir(p)),
      prepareRestoreIssuer: (p: Opt<RestoreIssuerParameters>) => prepareRestoreIssuer(prep(ir(p))),
      removeIssuer: (p: Opt<RemoveIssuerParameters>) => removeIssuer(client, ir(p)),
      simulateRemoveIssuer: (p: Opt<RemoveIssuerParameters>) => simulateRemoveIssuer(client, ir(p)),
      prepareRemoveIssuer: (p: Opt<RemoveIssuerParameters>) => prepareRemoveIssuer(prep(ir(p))),
      setIssuerTypes: (p: Opt<SetIssuerTypesParameters>) => setIssuerTypes(client, ir(p)),
      simulateSetIssuerTypes: (p: Opt<SetIssuerTypesParameters>) =>
        simulateSetIssuerTypes(client, ir(p)),
      prepareSetIssuerTypes: (p: Opt<SetIssuerTypesParameters>) =>
        prepareSetIssuerTypes(prep(ir(p))),
      setIssuerValidity: (p: Opt<SetIssuerValidityParameters>) => setIssuerValidity(client, ir(p)),
      simulateSetIssuerValidity: (p: Opt<SetIssuerValidityParameters>) =>
        simulateSetIssuerValidity(client, ir(p)),
      prepareSetIssuerValidity: (p: Opt<SetIssuerValidityParameters>) =>
        prepareSetIssuerValidity(prep(ir(p))),
      setIssuerJurisdiction: (p: Opt<SetIssuerJurisdictionParameters>) =>
        setIssuerJurisdiction(client, ir(p)),
      simulateSetIssuerJurisdiction: (p: Opt<SetIssuerJurisdictionParameters>) =>
        simulateSetIssuerJurisdiction(client, ir(p)),
      prepareSetIssuerJurisdiction: (p: Opt<SetIssuerJurisdictionParameters>) =>
        prepareSetIssuerJurisdiction(prep(ir(p))),
      updateIssuerMetadata: (p: Opt<UpdateIssuerMetadataParameters>) =>
        updateIssuerMetadata(client, ir(p)),
      simulateUpdateIssuerMetadata: (p: Opt<UpdateIssuerMetadataParameters>) =>
        simulateUpdateIssuerMetadata(client, ir(p)),
      prepareUpdateIssuerMetadata: (p: Opt<UpdateIssuerMetadataParameters>) =>
        prepareUpdateIssuerMetadata(prep(ir(p))),
      rotateIssuerKey: (p: Opt<RotateIssuerKeyParameters>) => rotateIssuerKey(client, ir(p)),
      simulateRotateIssuerKey: (p: Opt<RotateIssuerKeyParameters>) =>
        simulateRotateIssuerKey(client, ir(p)),
      prepareRotateIssuerKey: (p: Opt<RotateIssuerKeyParameters>) =>
        prepareRotateIssuerKey(prep(ir(p))),
    };
  };
}

/** The actions `grantkitActions()` adds to a client. */
export type GrantKitActions = ReturnType<ReturnType<typeof grantkitActions>>;
