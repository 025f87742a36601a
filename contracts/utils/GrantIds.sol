// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title GrantIds
/// @notice The grant id of AccessGrants, for the contract itself and for dApps that check grants by id
/// (`grantIsActive`): `keccak256(abi.encode(owner, grantee, dataHash, purpose))`.
library GrantIds {
    /// @dev Hashed in place at the free memory pointer without moving it: this runs on every call, and
    /// `abi.encode` would allocate.
    function compute(
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) internal pure returns (bytes32 id) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, owner)
            mstore(add(ptr, 0x20), grantee)
            mstore(add(ptr, 0x40), dataHash)
            mstore(add(ptr, 0x60), purpose)
            id := keccak256(ptr, 0x80)
        }
    }
}
