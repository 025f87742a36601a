// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../interfaces/IAccessGrants.sol";
import {IIssuerRegistry} from "../interfaces/IIssuerRegistry.sol";
import {GrantIds} from "../utils/GrantIds.sol";

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

    /// @notice Thrown when the constructor gets a zero address for the grants, the registry or the grantee.
    error GrantGateZeroAddress(address accessGrants, address issuerRegistry, address grantee);

    /// @notice Thrown when a receipt is about another owner, data item or credential type than required,
    /// or is for another audience than the gate's grantee.
    error GrantGateReceiptMismatch(
        address owner,
        address audience,
        bytes32 dataHash,
        bytes32 credentialType
    );

    /// @notice Thrown when the registry refuses a receipt, with its reason.
    error GrantGateReceiptRejected(address issuer, IIssuerRegistry.ReceiptCheck reason);

    constructor(
        IAccessGrants accessGrants,
        IIssuerRegistry issuerRegistry,
        address grantee,
        bytes32 purpose
    ) {
        // A gate on address zero would refuse everyone (or, for the grantee, check nothing meaningful).
        if (
            address(accessGrants) == address(0) ||
            address(issuerRegistry) == address(0) ||
            grantee == address(0)
        ) revert GrantGateZeroAddress(address(accessGrants), address(issuerRegistry), grantee);
        ACCESS_GRANTS = accessGrants;
        ISSUER_REGISTRY = issuerRegistry;
        GATE_GRANTEE = grantee;
        GATE_PURPOSE = purpose;
    }

    /// @dev Reverts unless `owner` has an active grant of `dataHash` to the gate's grantee and purpose.
    /// Hashes the grant id here and asks `grantIsActive`, the cheapest check (one word of calldata,
    /// first in AccessGrants' dispatch).
    function _requireGrant(address owner, bytes32 dataHash) internal view {
        bytes32 id = GrantIds.compute(owner, GATE_GRANTEE, dataHash, GATE_PURPOSE);
        if (!_grantIsActive(id)) revert GrantGateNotGranted(owner, dataHash);
    }

    /// @dev `_requireGrant`, and a receipt from a trusted issuer saying the granted data item is a
    /// credential of `credentialType` about `owner`, still valid now, for any audience or this gate's grantee.
    function _requireCredential(
        address owner,
        bytes32 dataHash,
        bytes32 credentialType,
        IIssuerRegistry.CredentialReceipt calldata receipt,
        bytes calldata signature
    ) internal view {
        _requireGrant(owner, dataHash);
        // The receipt must speak about the very data item the user granted, not another one, and a
        // receipt made for another grantee (audience) is not proof for this one.
        if (
            receipt.owner != owner ||
            receipt.dataHash != dataHash ||
            receipt.credentialType != credentialType ||
            (receipt.audience != address(0) && receipt.audience != GATE_GRANTEE)
        ) {
            revert GrantGateReceiptMismatch(
                receipt.owner,
                receipt.audience,
                receipt.dataHash,
                receipt.credentialType
            );
        }
        IIssuerRegistry.ReceiptCheck check = ISSUER_REGISTRY.checkReceipt(receipt, signature);
        if (check != IIssuerRegistry.ReceiptCheck.Valid)
            revert GrantGateReceiptRejected(receipt.issuer, check);
    }

    /// @dev `ACCESS_GRANTS.grantIsActive(id)` as a bare static call in scratch space: a dApp pays this
    /// on every guarded call, and Solidity's call wrapper (return-data allocation and decoding) costs
    /// about 200 gas more. A call that fails or returns anything but `true` counts as not granted.
    function _grantIsActive(bytes32 id) private view returns (bool active) {
        address grants = address(ACCESS_GRANTS);
        bytes4 selector = IAccessGrants.grantIsActive.selector;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, selector)
            mstore(0x04, id)
            let ok := staticcall(gas(), grants, 0x00, 0x24, 0x00, 0x20)
            active := and(ok, and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1)))
        }
    }
}
