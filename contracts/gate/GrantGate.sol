// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../interfaces/IAccessGrants.sol";
import {IIssuerRegistry} from "../interfaces/IIssuerRegistry.sol";

/// @title GrantGate
/// @notice Base for dApp contracts that admit only users who granted the dApp access to their data for a
/// purpose, optionally backed by an issuer-signed credential receipt. Stateless: nothing is stored.
/// @dev Inherit, set the grantee (the address whose access the user granted, e.g. the dApp's compliance
/// address) and the purpose once, and call `_requireGrant` or `_requireCredential` in guarded functions.
abstract contract GrantGate {
    /// @notice The AccessGrants deployment the gate reads.
    IAccessGrants public immutable ACCESS_GRANTS;
    /// @notice The IssuerRegistry deployment that judges receipts.
    IIssuerRegistry public immutable ISSUER_REGISTRY;
    /// @notice The grantee the user must have granted access to.
    address public immutable GATE_GRANTEE;
    /// @notice The purpose the grant must be for.
    bytes32 public immutable GATE_PURPOSE;

    /// @notice Thrown when `owner` has no active grant of `dataHash` to the gate's grantee for its purpose.
    error GrantGateNotGranted(address owner, bytes32 dataHash);

    /// @notice Thrown when a receipt is about another owner, data item or credential type than required.
    error GrantGateReceiptMismatch(address owner, bytes32 dataHash, bytes32 credentialType);

    /// @notice Thrown when the registry refuses a receipt, with its reason.
    error GrantGateReceiptRejected(address issuer, IIssuerRegistry.ReceiptCheck reason);

    constructor(
        IAccessGrants accessGrants,
        IIssuerRegistry issuerRegistry,
        address grantee,
        bytes32 purpose
    ) {
        ACCESS_GRANTS = accessGrants;
        ISSUER_REGISTRY = issuerRegistry;
        GATE_GRANTEE = grantee;
        GATE_PURPOSE = purpose;
    }

    /// @dev Reverts unless `owner` has an active grant of `dataHash` to the gate's grantee and purpose.
    function _requireGrant(address owner, bytes32 dataHash) internal view {
        if (!ACCESS_GRANTS.isGranted(owner, GATE_GRANTEE, dataHash, GATE_PURPOSE)) {
            revert GrantGateNotGranted(owner, dataHash);
        }
    }

    /// @dev `_requireGrant`, and a receipt from a trusted issuer saying the granted data item is a
    /// credential of `credentialType` about `owner`, still valid now.
    function _requireCredential(
        address owner,
        bytes32 dataHash,
        bytes32 credentialType,
        IIssuerRegistry.CredentialReceipt calldata receipt,
        bytes calldata signature
    ) internal view {
        _requireGrant(owner, dataHash);
        // The receipt must speak about the very data item the user granted, not another one.
        if (
            receipt.owner != owner ||
            receipt.dataHash != dataHash ||
            receipt.credentialType != credentialType
        ) {
            revert GrantGateReceiptMismatch(
                receipt.owner,
                receipt.dataHash,
                receipt.credentialType
            );
        }
        IIssuerRegistry.ReceiptCheck check = ISSUER_REGISTRY.checkReceipt(receipt, signature);
        if (check != IIssuerRegistry.ReceiptCheck.Valid)
            revert GrantGateReceiptRejected(receipt.issuer, check);
    }
}
