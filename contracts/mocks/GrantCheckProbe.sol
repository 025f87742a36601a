// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../interfaces/IAccessGrants.sol";

/// @notice Measures, inside a transaction, the gas a dApp contract spends on one `isGranted` call.
contract GrantCheckProbe {
    event Checked(bool granted, uint256 gasUsed);

    function check(
        IAccessGrants grants,
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) external returns (bool granted, uint256 gasUsed) {
        uint256 before = gasleft();
        granted = grants.isGranted(owner, grantee, dataHash, purpose);
        gasUsed = before - gasleft();
        emit Checked(granted, gasUsed);
    }
}
