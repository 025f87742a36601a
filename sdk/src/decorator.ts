import type { Account, Chain, Client, Hash, Transport } from "viem";

import type { PreparedCall } from "./actions/internal/call.js";
import type { WriteClient } from "./actions/internal/forms.js";

import { addIssuer, prepareAddIssuer, simulateAddIssuer } from "./actions/addIssuer.js";
import { cancelNonces, prepareCancelNonces, simulateCancelNonces } from "./actions/cancelNonces.js";
import { extendExpiry, prepareExtendExpiry, simulateExtendExpiry } from "./actions/extendExpiry.js";
import { extendLock, prepareExtendLock, simulateExtendLock } from "./actions/extendLock.js";
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
import { grant, prepareGrant, simulateGrant } from "./actions/grant.js";
import { grantBatch, prepareGrantBatch, simulateGrantBatch } from "./actions/grantBatch.js";
import { isGranted, type IsGrantedParameters } from "./actions/isGranted.js";
import { isNonceUsed, type IsNonceUsedParameters } from "./actions/isNonceUsed.js";
import { isTrusted, type IsTrustedParameters } from "./actions/isTrusted.js";
import {
  prepareRegisterCredentialType,
  registerCredentialType,
  simulateRegisterCredentialType,
} from "./actions/registerCredentialType.js";
import {
  prepareSetCredentialTypeLifetime,
  setCredentialTypeLifetime,
  simulateSetCredentialTypeLifetime,
} from "./actions/setCredentialTypeLifetime.js";
import { prepareRelease, release, simulateRelease } from "./actions/release.js";
import { prepareRemoveIssuer, removeIssuer, simulateRemoveIssuer } from "./actions/removeIssuer.js";
import { prepareReplace, replace, simulateReplace } from "./actions/replace.js";
import {
  prepareRestoreIssuer,
  restoreIssuer,
  simulateRestoreIssuer,
} from "./actions/restoreIssuer.js";
import { prepareRevoke, revoke, simulateRevoke } from "./actions/revoke.js";
import { prepareRevokeBatch, revokeBatch, simulateRevokeBatch } from "./actions/revokeBatch.js";
import {
  prepareRotateIssuerKey,
  rotateIssuerKey,
  simulateRotateIssuerKey,
} from "./actions/rotateIssuerKey.js";
import {
  prepareSetIssuerJurisdiction,
  setIssuerJurisdiction,
  simulateSetIssuerJurisdiction,
} from "./actions/setIssuerJurisdiction.js";
import {
  prepareSetIssuerTypes,
  setIssuerTypes,
  simulateSetIssuerTypes,
} from "./actions/setIssuerTypes.js";
import {
  prepareSetIssuerValidity,
  setIssuerValidity,
  simulateSetIssuerValidity,
} from "./actions/setIssuerValidity.js";
import {
  prepareSuspendIssuer,
  simulateSuspendIssuer,
  suspendIssuer,
} from "./actions/suspendIssuer.js";
import {
  prepareUpdateIssuerMetadata,
  simulateUpdateIssuerMetadata,
  updateIssuerMetadata,
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

/** A write action's forms: write, simulate, prepare. */
type WriteTrio<P, S> = readonly [
  (client: WriteClient, parameters: P) => Promise<Hash>,
  (client: WriteClient, parameters: P) => Promise<S>,
  (parameters: P & { chainId?: number | undefined }) => PreparedCall,
];

/** The forms of the write `N` on a client: `N`, `simulateN` and `prepareN`, deployments supplied. */
type BoundWrite<N extends string, P, S> = Record<N, (p: Opt<P>) => Promise<Hash>> &
  Record<`simulate${Capitalize<N>}`, (p: Opt<P>) => Promise<S>> &
  Record<`prepare${Capitalize<N>}`, (p: Opt<P>) => PreparedCall>;

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
  /** Supplies the contract of `kind` from the config, unless the call names an address. */
  const target =
    (kind: "accessGrants" | "issuerRegistry") =>
    <P extends object>(p: P) => ({
      deployments: config.deployments,
      ...p,
      address: (p as { address?: `0x${string}` }).address ?? config.deployment?.[kind].address,
    });
  const ag = target("accessGrants");
  const ir = target("issuerRegistry");
  return <C extends Client<Transport, Chain | undefined, Account | undefined>>(client: C) => {
    const chainId = client.chain?.id;
    const prep = <P extends object>(p: P) => ({ chainId, ...p });
    /** An action's three write forms bound to the client; `at` supplies its contract. */
    const bind = <N extends string, P extends object, S>(
      name: N,
      [write, simulate, prepare]: WriteTrio<P, S>,
      at: (p: Opt<P>) => object,
    ) => {
      const suffix = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
      return {
        [name]: (p: Opt<P>) => write(client, at(p) as P),
        [`simulate${suffix}`]: (p: Opt<P>) => simulate(client, at(p) as P),
        [`prepare${suffix}`]: (p: Opt<P>) => prepare(prep(at(p)) as P),
      } as BoundWrite<N, P, S>;
    };
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
      ...bind("grant", [grant, simulateGrant, prepareGrant], ag),
      ...bind("grantBatch", [grantBatch, simulateGrantBatch, prepareGrantBatch], ag),
      ...bind("revoke", [revoke, simulateRevoke, prepareRevoke], ag),
      ...bind("revokeBatch", [revokeBatch, simulateRevokeBatch, prepareRevokeBatch], ag),
      ...bind("release", [release, simulateRelease, prepareRelease], ag),
      ...bind("extendLock", [extendLock, simulateExtendLock, prepareExtendLock], ag),
      ...bind("extendExpiry", [extendExpiry, simulateExtendExpiry, prepareExtendExpiry], ag),
      ...bind("replace", [replace, simulateReplace, prepareReplace], ag),
      ...bind("cancelNonces", [cancelNonces, simulateCancelNonces, prepareCancelNonces], ag),
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
      ...bind(
        "registerCredentialType",
        [registerCredentialType, simulateRegisterCredentialType, prepareRegisterCredentialType],
        ir,
      ),
      ...bind(
        "setCredentialTypeLifetime",
        [
          setCredentialTypeLifetime,
          simulateSetCredentialTypeLifetime,
          prepareSetCredentialTypeLifetime,
        ],
        ir,
      ),
      ...bind("addIssuer", [addIssuer, simulateAddIssuer, prepareAddIssuer], ir),
      ...bind("suspendIssuer", [suspendIssuer, simulateSuspendIssuer, prepareSuspendIssuer], ir),
      ...bind("restoreIssuer", [restoreIssuer, simulateRestoreIssuer, prepareRestoreIssuer], ir),
      ...bind("removeIssuer", [removeIssuer, simulateRemoveIssuer, prepareRemoveIssuer], ir),
      ...bind(
        "setIssuerTypes",
        [setIssuerTypes, simulateSetIssuerTypes, prepareSetIssuerTypes],
        ir,
      ),
      ...bind(
        "setIssuerValidity",
        [setIssuerValidity, simulateSetIssuerValidity, prepareSetIssuerValidity],
        ir,
      ),
      ...bind(
        "setIssuerJurisdiction",
        [setIssuerJurisdiction, simulateSetIssuerJurisdiction, prepareSetIssuerJurisdiction],
        ir,
      ),
      ...bind(
        "updateIssuerMetadata",
        [updateIssuerMetadata, simulateUpdateIssuerMetadata, prepareUpdateIssuerMetadata],
        ir,
      ),
      ...bind(
        "rotateIssuerKey",
        [rotateIssuerKey, simulateRotateIssuerKey, prepareRotateIssuerKey],
        ir,
      ),
    };
  };
}

/** The actions `grantkitActions()` adds to a client. */
export type GrantKitActions = ReturnType<ReturnType<typeof grantkitActions>>;
