// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../interfaces/IAccessGrants.sol";
import {IIssuerRegistry} from "../interfaces/IIssuerRegistry.sol";
import {GrantGate} from "../gate/GrantGate.sol";

/// @notice Measures, inside a transaction, what a dApp built on `GrantGate` spends on one grant check.
contract GateProbe is GrantGate {
    event Measured(bool result, uint256 gasUsed);

    constructor(
        IAccessGrants accessGrants,
        IIssuerRegistry issuerRegistry,
        address grantee,
        bytes32 purpose
    ) GrantGate(accessGrants, issuerRegistry, grantee, purpose) {}

    function checkGrant(
        address owner,
        bytes32 dataHash
    ) external returns (bool result, uint256 gasUsed) {
        uint256 before = gasleft();
        _requireGrant(owner, dataHash);
        gasUsed = before - gasleft();
        result = true;
        emit Measured(result, gasUsed);
    }
}
