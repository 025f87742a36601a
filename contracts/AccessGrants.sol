// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {IAccessGrants} from "./interfaces/IAccessGrants.sol";

/// @title AccessGrants
/// @notice Hashed, purpose-bound access grants with retention locks, signed requests and no admin.
/// @dev Storage per grant is one word: bits 0-63 `expiresAt`, 64-127 `lockedUntil`, 128-135 status.
/// Nobody (no owner, no pauser, no proxy admin) can block a revocation or rewrite a grant.
contract AccessGrants is IAccessGrants, EIP712, Multicall {
    bytes32 private constant _GRANT_TYPEHASH = keccak256(
        "Grant(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 lockedUntil,uint64 expiresAt,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _REVOKE_TYPEHASH = keccak256(
        "Revoke(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _EXTEND_LOCK_TYPEHASH = keccak256(
        "ExtendLock(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 lockedUntil,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _EXTEND_EXPIRY_TYPEHASH = keccak256(
        "ExtendExpiry(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 expiresAt,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _REPLACE_TYPEHASH = keccak256(
        "Replace(address owner,address grantee,bytes32 dataHash,bytes32 purpose,bytes32 newDataHash,uint64 lockedUntil,uint64 expiresAt,uint256 nonce,uint256 deadline)"
    );

    uint256 private constant _LOCK_SHIFT = 64;
    uint256 private constant _STATUS_SHIFT = 128;

    mapping(bytes32 grantId => uint256 packed) private _grants;
    mapping(address owner => mapping(uint256 wordPos => uint256 bits)) private _nonces;

    constructor() EIP712("AccessGrants", "1") {}

    // ---------------------------------------------------------------- owner actions

    /// @inheritdoc IAccessGrants
    function grant(GrantParams calldata params) external returns (bytes32) {
        return _grant(msg.sender, params);
    }

    /// @inheritdoc IAccessGrants
    function grantBatch(GrantParams[] calldata params) external {
        for (uint256 i = 0; i < params.length; ++i) {
            _grant(msg.sender, params[i]);
        }
    }

    /// @inheritdoc IAccessGrants
    function revoke(GrantKey calldata key) external {
        _revoke(msg.sender, key);
    }

    /// @inheritdoc IAccessGrants
    function revokeBatch(GrantKey[] calldata keys) external {
        for (uint256 i = 0; i < keys.length; ++i) {
            _revoke(msg.sender, keys[i]);
        }
    }

    /// @inheritdoc IAccessGrants
    function release(address owner, bytes32 dataHash, bytes32 purpose) external {
        bytes32 id = _grantId(owner, msg.sender, dataHash, purpose);
        uint256 word = _activeWord(id);
        _grants[id] = _withStatus(word, GrantStatus.Released);
        emit GrantReleased(
            id,
            owner,
            msg.sender,
            dataHash,
            purpose,
            _lockOf(word),
            _expiryOf(word)
        );
    }

    /// @inheritdoc IAccessGrants
    function extendLock(GrantKey calldata key, uint64 lockedUntil) external {
        _extendLock(msg.sender, key, lockedUntil);
    }

    /// @inheritdoc IAccessGrants
    function extendExpiry(GrantKey calldata key, uint64 expiresAt) external {
        _extendExpiry(msg.sender, key, expiresAt);
    }

    /// @inheritdoc IAccessGrants
    function replace(
        GrantKey calldata key,
        bytes32 newDataHash,
        uint64 lockedUntil,
        uint64 expiresAt
    ) external returns (bytes32) {
        return _replace(msg.sender, key, newDataHash, lockedUntil, expiresAt);
    }

    // ---------------------------------------------------------------- signed requests

    /// @inheritdoc IAccessGrants
    function grantBySignature(
        address owner,
        GrantParams calldata params,
        Authorization calldata auth
    ) external returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                _GRANT_TYPEHASH,
                owner,
                params.grantee,
                params.dataHash,
                params.purpose,
                params.lockedUntil,
                params.expiresAt,
                auth.nonce,
                auth.deadline
            )
        );
        _authorize(owner, structHash, auth);
        return _grant(owner, params);
    }

    /// @inheritdoc IAccessGrants
    function revokeBySignature(
        address owner,
        GrantKey calldata key,
        Authorization calldata auth
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(
                _REVOKE_TYPEHASH,
                owner,
                key.grantee,
                key.dataHash,
                key.purpose,
                auth.nonce,
                auth.deadline
            )
        );
        _authorize(owner, structHash, auth);
        _revoke(owner, key);
    }

    /// @inheritdoc IAccessGrants
    function extendLockBySignature(
        address owner,
        GrantKey calldata key,
        uint64 lockedUntil,
        Authorization calldata auth
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(
                _EXTEND_LOCK_TYPEHASH,
                owner,
                key.grantee,
                key.dataHash,
                key.purpose,
                lockedUntil,
                auth.nonce,
                auth.deadline
            )
        );
        _authorize(owner, structHash, auth);
        _extendLock(owner, key, lockedUntil);
    }

    /// @inheritdoc IAccessGrants
    function extendExpiryBySignature(
        address owner,
        GrantKey calldata key,
        uint64 expiresAt,
        Authorization calldata auth
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(
                _EXTEND_EXPIRY_TYPEHASH,
                owner,
                key.grantee,
                key.dataHash,
                key.purpose,
                expiresAt,
                auth.nonce,
                auth.deadline
            )
        );
        _authorize(owner, structHash, auth);
        _extendExpiry(owner, key, expiresAt);
    }

    /// @inheritdoc IAccessGrants
    function replaceBySignature(
        address owner,
        GrantKey calldata key,
        bytes32 newDataHash,
        uint64 lockedUntil,
        uint64 expiresAt,
        Authorization calldata auth
    ) external returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                _REPLACE_TYPEHASH,
                owner,
                key.grantee,
                key.dataHash,
                key.purpose,
                newDataHash,
                lockedUntil,
                expiresAt,
                auth.nonce,
                auth.deadline
            )
        );
        _authorize(owner, structHash, auth);
        return _replace(owner, key, newDataHash, lockedUntil, expiresAt);
    }

    /// @inheritdoc IAccessGrants
    function invalidateNonces(uint256 wordPos, uint256 mask) external {
        _nonces[msg.sender][wordPos] |= mask;
        emit NoncesInvalidated(msg.sender, wordPos, mask);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAccessGrants
    function isGranted(
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) external view returns (bool) {
        return _isActive(_grants[_grantId(owner, grantee, dataHash, purpose)]);
    }

    /// @inheritdoc IAccessGrants
    function getGrant(bytes32 grantId) external view returns (GrantState memory state) {
        uint256 word = _grants[grantId];
        GrantStatus status = _statusOf(word);
        if (status == GrantStatus.Active && !_isActive(word)) status = GrantStatus.Expired;
        return GrantState({status: status, lockedUntil: _lockOf(word), expiresAt: _expiryOf(word)});
    }

    /// @inheritdoc IAccessGrants
    function isNonceUsed(address owner, uint256 nonce) external view returns (bool) {
        return _nonces[owner][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IAccessGrants
    function nonceBitmap(address owner, uint256 wordPos) external view returns (uint256) {
        return _nonces[owner][wordPos];
    }

    /// @inheritdoc IAccessGrants
    function computeGrantId(
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) external pure returns (bytes32) {
        return _grantId(owner, grantee, dataHash, purpose);
    }

    /// @inheritdoc IAccessGrants
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    // ---------------------------------------------------------------- state transitions

    function _grant(address owner, GrantParams calldata p) private returns (bytes32 id) {
        (address grantee, bytes32 dataHash, bytes32 purpose) = (p.grantee, p.dataHash, p.purpose);
        (uint64 lockedUntil, uint64 expiresAt) = (p.lockedUntil, p.expiresAt);
        // A grant to nobody or to oneself is a client bug, never consent.
        if (grantee == address(0) || grantee == owner) revert AccessGrantsInvalidGrantee(grantee);
        if (dataHash == bytes32(0)) revert AccessGrantsInvalidDataHash(dataHash);
        _checkExpiry(lockedUntil, expiresAt);
        id = _grantId(owner, grantee, dataHash, purpose);
        // Re-granting is allowed once the previous grant ended or expired, never on top of an active one.
        if (_isActive(_grants[id])) revert AccessGrantsAlreadyActive(id);
        _grants[id] = _pack(GrantStatus.Active, lockedUntil, expiresAt);
        emit GrantCreated(id, owner, grantee, dataHash, purpose, lockedUntil, expiresAt);
    }

    function _revoke(address owner, GrantKey calldata k) private {
        bytes32 id = _grantId(owner, k.grantee, k.dataHash, k.purpose);
        uint256 word = _activeWord(id);
        uint64 lockedUntil = _lockOf(word);
        // The lock protects the grantee's retention duty: the owner may not end the grant before it.
        if (block.timestamp < lockedUntil) revert AccessGrantsLocked(id, lockedUntil);
        _grants[id] = _withStatus(word, GrantStatus.Revoked);
        emit GrantRevoked(
            id,
            owner,
            k.grantee,
            k.dataHash,
            k.purpose,
            lockedUntil,
            _expiryOf(word)
        );
    }

    function _extendLock(address owner, GrantKey calldata k, uint64 lockedUntil) private {
        bytes32 id = _grantId(owner, k.grantee, k.dataHash, k.purpose);
        uint256 word = _activeWord(id);
        uint64 current = _lockOf(word);
        uint64 expiresAt = _expiryOf(word);
        if (lockedUntil <= current) revert AccessGrantsLockNotExtended(id, current, lockedUntil);
        // A lock beyond the expiry would outlive the consent it protects.
        if (expiresAt != 0 && lockedUntil > expiresAt) {
            revert AccessGrantsLockAfterExpiry(id, lockedUntil, expiresAt);
        }
        _grants[id] = _pack(GrantStatus.Active, lockedUntil, expiresAt);
        emit GrantLockExtended(id, owner, k.grantee, k.dataHash, k.purpose, lockedUntil, expiresAt);
    }

    function _extendExpiry(address owner, GrantKey calldata k, uint64 expiresAt) private {
        bytes32 id = _grantId(owner, k.grantee, k.dataHash, k.purpose);
        uint256 word = _activeWord(id);
        uint64 current = _expiryOf(word);
        // 0 is "never": it extends any finite expiry, and nothing extends it.
        if (current == 0 || (expiresAt != 0 && expiresAt <= current)) {
            revert AccessGrantsExpiryNotExtended(id, current, expiresAt);
        }
        uint64 lockedUntil = _lockOf(word);
        _grants[id] = _pack(GrantStatus.Active, lockedUntil, expiresAt);
        emit GrantExpiryExtended(
            id,
            owner,
            k.grantee,
            k.dataHash,
            k.purpose,
            lockedUntil,
            expiresAt
        );
    }

    function _replace(
        address owner,
        GrantKey calldata k,
        bytes32 newDataHash,
        uint64 lockedUntil,
        uint64 expiresAt
    ) private returns (bytes32 newId) {
        bytes32 oldId = _grantId(owner, k.grantee, k.dataHash, k.purpose);
        uint256 oldWord = _activeWord(oldId);
        if (newDataHash == bytes32(0)) revert AccessGrantsInvalidDataHash(newDataHash);
        // Rectification must not let the owner escape the grantee's retention lock.
        uint64 oldLock = _lockOf(oldWord);
        if (lockedUntil < oldLock) revert AccessGrantsLockShortened(oldId, oldLock, lockedUntil);
        _checkExpiry(lockedUntil, expiresAt);
        newId = _grantId(owner, k.grantee, newDataHash, k.purpose);
        if (_isActive(_grants[newId])) revert AccessGrantsAlreadyActive(newId);
        _grants[oldId] = _withStatus(oldWord, GrantStatus.Replaced);
        _grants[newId] = _pack(GrantStatus.Active, lockedUntil, expiresAt);
        emit GrantReplaced(
            oldId,
            newId,
            owner,
            k.grantee,
            k.dataHash,
            newDataHash,
            k.purpose,
            lockedUntil,
            expiresAt
        );
    }

    // ---------------------------------------------------------------- checks

    /// @dev Spends the nonce, then accepts the owner's ECDSA signature or, for a contract, its ERC-1271
    /// answer. ECDSA is tried first so that an EOA pays no EXTCODESIZE; a recovered address can only
    /// equal the owner if the owner holds that key.
    function _authorize(address owner, bytes32 structHash, Authorization calldata auth) private {
        if (owner == address(0)) revert AccessGrantsInvalidOwner(owner);
        if (block.timestamp > auth.deadline) revert AccessGrantsExpiredSignature(auth.deadline);
        _useNonce(owner, auth.nonce);
        bytes32 digest = _hashTypedDataV4(structHash);
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(
            digest,
            auth.signature
        );
        if (err == ECDSA.RecoverError.NoError && recovered == owner) return;
        if (
            owner.code.length != 0 &&
            SignatureChecker.isValidERC1271SignatureNowCalldata(owner, digest, auth.signature)
        ) return;
        revert AccessGrantsInvalidSignature(owner);
    }

    function _useNonce(address owner, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _nonces[owner][nonce >> 8];
        if (bits & bit != 0) revert AccessGrantsNonceUsed(owner, nonce);
        _nonces[owner][nonce >> 8] = bits | bit;
    }

    function _checkExpiry(uint64 lockedUntil, uint64 expiresAt) private view {
        if (expiresAt == 0) return;
        // A grant must be active when made and must not expire while its lock is in force.
        uint64 minimum = lockedUntil > block.timestamp ? lockedUntil : uint64(block.timestamp + 1);
        if (expiresAt < minimum) revert AccessGrantsInvalidExpiry(expiresAt, minimum);
    }

    function _activeWord(bytes32 id) private view returns (uint256 word) {
        word = _grants[id];
        if (!_isActive(word)) revert AccessGrantsNotActive(id);
    }

    // ---------------------------------------------------------------- packing

    function _isActive(uint256 word) private view returns (bool) {
        uint64 expiresAt = _expiryOf(word);
        return
            uint8(word >> _STATUS_SHIFT) == uint8(GrantStatus.Active) &&
            (expiresAt == 0 || block.timestamp < expiresAt);
    }

    /// @dev `keccak256(abi.encode(owner, grantee, dataHash, purpose))`, hashed in place at the free
    /// memory pointer without moving it: this runs on every call, and `abi.encode` would allocate.
    function _grantId(
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) private pure returns (bytes32 id) {
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

    function _pack(
        GrantStatus status,
        uint64 lockedUntil,
        uint64 expiresAt
    ) private pure returns (uint256) {
        return
            (uint256(status) << _STATUS_SHIFT) |
            (uint256(lockedUntil) << _LOCK_SHIFT) |
            uint256(expiresAt);
    }

    function _withStatus(uint256 word, GrantStatus status) private pure returns (uint256) {
        return (word & ~(uint256(0xff) << _STATUS_SHIFT)) | (uint256(status) << _STATUS_SHIFT);
    }

    function _statusOf(uint256 word) private pure returns (GrantStatus) {
        return GrantStatus(uint8(word >> _STATUS_SHIFT));
    }

    function _lockOf(uint256 word) private pure returns (uint64) {
        return uint64(word >> _LOCK_SHIFT);
    }

    function _expiryOf(uint256 word) private pure returns (uint64) {
        return uint64(word);
    }
}
