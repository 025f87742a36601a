// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../interfaces/IAccessGrants.sol";
import {IIssuerRegistry} from "../interfaces/IIssuerRegistry.sol";

/// @notice Measures, inside a transaction, the gas a dApp contract spends on one view call.
contract GasProbe {
    event Measured(bool result, uint256 gasUsed);

    function checkGrant(
        IAccessGrants grants,
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) external returns (bool result, uint256 gasUsed) {
        uint256 before = gasleft();
        result = grants.isGranted(owner, grantee, dataHash, purpose);
        gasUsed = before - gasleft();
        emit Measured(result, gasUsed);
    }

    /// @notice Any view of any contract (a peer's), called as a static call; `result` is true when the
    /// call succeeded and returned a non-zero first word.
    function measureStaticcall(
        address target,
        bytes calldata data
    ) external returns (bool result, uint256 gasUsed) {
        uint256 before = gasleft();
        (bool ok, bytes memory ret) = target.staticcall(data);
        gasUsed = before - gasleft();
        result = ok && ret.length >= 32 && abi.decode(ret, (uint256)) != 0;
        emit Measured(result, gasUsed);
    }

    function checkTrusted(
        IIssuerRegistry registry,
        address issuer,
        bytes32 credentialType
    ) external returns (bool result, uint256 gasUsed) {
        uint256 before = gasleft();
        result = registry.isTrusted(issuer, credentialType);
        gasUsed = before - gasleft();
        emit Measured(result, gasUsed);
    }

    function checkWasTrusted(
        IIssuerRegistry registry,
        address issuer,
        bytes32 credentialType,
        uint256 timestamp
    ) external returns (bool result, uint256 gasUsed) {
        uint256 before = gasleft();
        result = registry.wasTrusted(issuer, credentialType, timestamp);
        gasUsed = before - gasleft();
        emit Measured(result, gasUsed);
    }
}
