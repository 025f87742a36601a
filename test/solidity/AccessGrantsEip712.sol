// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessGrants} from "../../contracts/AccessGrants.sol";

// AccessGrants' EIP-712 type hashes and domain separator, written out here rather than read from
// the contract, so that the tests (AccessGrantsTestBase, the invariant handler) check its hashing.

bytes32 constant GRANT_TYPEHASH = keccak256(
    "Grant(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 lockedUntil,uint64 expiresAt,uint64 generation,uint256 nonce,uint256 deadline)"
);
bytes32 constant REVOKE_TYPEHASH = keccak256(
    "Revoke(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 generation,uint256 nonce,uint256 deadline)"
);
bytes32 constant EXTEND_LOCK_TYPEHASH = keccak256(
    "ExtendLock(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 lockedUntil,uint64 generation,uint256 nonce,uint256 deadline)"
);
bytes32 constant EXTEND_EXPIRY_TYPEHASH = keccak256(
    "ExtendExpiry(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 expiresAt,uint64 generation,uint256 nonce,uint256 deadline)"
);
bytes32 constant REPLACE_TYPEHASH = keccak256(
    "Replace(address owner,address grantee,bytes32 dataHash,bytes32 purpose,bytes32 newDataHash,uint64 lockedUntil,uint64 expiresAt,uint64 generation,uint64 newGeneration,uint256 nonce,uint256 deadline)"
);
bytes32 constant DOMAIN_TYPEHASH = keccak256(
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
);

/// @dev The domain separator from the contract's own ERC-5267 description of its domain.
function domainSeparatorOf(AccessGrants grants) view returns (bytes32) {
    (, string memory name, string memory version, uint256 chainId, address verifying, , ) = grants
        .eip712Domain();
    return
        keccak256(
            abi.encode(
                DOMAIN_TYPEHASH,
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                chainId,
                verifying
            )
        );
}
