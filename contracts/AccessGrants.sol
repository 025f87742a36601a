// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {IAccessGrants} from "./interfaces/IAccessGrants.sol";
import {GrantIds} from "./utils/GrantIds.sol";
import {SignatureValidation} from "./utils/SignatureValidation.sol";

/// @title AccessGrants
/// @notice Hashed, purpose-bound access grants with retention locks, signed requests and no admin.
/// @dev Storage per grant is one word: bits 0-63 `expiresAt`, 64-127 `lockedUntil`, 128-135 status,
/// 136-199 `generation`. Nobody (no owner, no pauser, no proxy admin) can block a revocation or
/// rewrite a grant, and no action of the owner alone ends a grant before its lock.
contract AccessGrants is IAccessGrants, EIP712, Multicall {
    /// @dev A grant's packed word, wrapped so that one storage pointer serves both the read and the
    /// write of an action: the slot is hashed once.
    struct Slot {
        uint256 word;
    }

    bytes32 private constant _GRANT_TYPEHASH = keccak256(
        "Grant(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 lockedUntil,uint64 expiresAt,uint64 generation,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _REVOKE_TYPEHASH = keccak256(
        "Revoke(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 generation,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _EXTEND_LOCK_TYPEHASH = keccak256(
        "ExtendLock(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 lockedUntil,uint64 generation,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _EXTEND_EXPIRY_TYPEHASH = keccak256(
        "ExtendExpiry(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 expiresAt,uint64 generation,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _REPLACE_TYPEHASH = keccak256(
        "Replace(address owner,address grantee,bytes32 dataHash,bytes32 purpose,bytes32 newDataHash,uint64 lockedUntil,uint64 expiresAt,uint64 generation,uint64 newGeneration,uint256 nonce,uint256 deadline)"
    );

    uint256 private constant _LOCK_SHIFT = 64;
    uint256 private constant _STATUS_SHIFT = 128;
    uint256 private constant _GENERATION_SHIFT = 136;

    mapping(bytes32 grantId => Slot slot) private _grants;
    mapping(address owner => mapping(uint256 wordPos => uint256 bits)) private _nonces;

    constructor() EIP712("AccessGrants", "1") {}

    // ---------------------------------------------------------------- owner actions

    /// @inheritdoc IAccessGrants
    function grant(GrantParams calldata params) external returns (bytes32 id) {
        address grantee = params.grantee;
        id = GrantIds.compute(msg.sender, grantee, params.dataHash, params.purpose);
        Slot storage slot = _grants[id];
        _grant(msg.sender, grantee, params, id, slot, slot.word);
    }

    /// @inheritdoc IAccessGrants
    function grantBatch(GrantParams[] calldata params) external {
        for (uint256 i = 0; i < params.length; ++i) {
            GrantParams calldata p = params[i];
            address grantee = p.grantee;
            bytes32 id = GrantIds.compute(msg.sender, grantee, p.dataHash, p.purpose);
            Slot storage slot = _grants[id];
            _grant(msg.sender, grantee, p, id, slot, slot.word);
        }
    }

    /// @inheritdoc IAccessGrants
    function revoke(GrantKey calldata key) external {
        bytes32 id = GrantIds.compute(msg.sender, key.grantee, key.dataHash, key.purpose);
        Slot storage slot = _grants[id];
        _revoke(msg.sender, key, id, slot, slot.word);
    }

    /// @inheritdoc IAccessGrants
    function revokeBatch(GrantKey[] calldata keys) external {
        for (uint256 i = 0; i < keys.length; ++i) {
            GrantKey calldata k = keys[i];
            bytes32 id = GrantIds.compute(msg.sender, k.grantee, k.dataHash, k.purpose);
            Slot storage slot = _grants[id];
            _revoke(msg.sender, k, id, slot, slot.word);
        }
    }

    /// @inheritdoc IAccessGrants
    function release(address owner, bytes32 dataHash, bytes32 purpose) external {
        bytes32 id = GrantIds.compute(owner, msg.sender, dataHash, purpose);
        Slot storage slot = _grants[id];
        uint256 word = slot.word;
        if (!_isActive(word)) revert AccessGrantsNotActive(id);
        slot.word = _withStatus(word, GrantStatus.Released);
        emit GrantReleased(
            id,
            owner,
            msg.sender,
            dataHash,
            purpose,
            _lockOf(word),
            _expiryOf(word),
            _generationOf(word)
        );
    }

    /// @inheritdoc IAccessGrants
    function extendLock(GrantKey calldata key, uint64 lockedUntil) external {
        bytes32 id = GrantIds.compute(msg.sender, key.grantee, key.dataHash, key.purpose);
        Slot storage slot = _grants[id];
        _extendLock(msg.sender, key, lockedUntil, id, slot, slot.word);
    }

    /// @inheritdoc IAccessGrants
    function extendExpiry(GrantKey calldata key, uint64 expiresAt) external {
        bytes32 id = GrantIds.compute(msg.sender, key.grantee, key.dataHash, key.purpose);
        Slot storage slot = _grants[id];
        _extendExpiry(msg.sender, key, expiresAt, id, slot, slot.word);
    }

    /// @inheritdoc IAccessGrants
    function replace(
        GrantKey calldata key,
        bytes32 newDataHash,
        uint64 lockedUntil,
        uint64 expiresAt
    ) external returns (bytes32 newId) {
        bytes32 oldId = GrantIds.compute(msg.sender, key.grantee, key.dataHash, key.purpose);
        newId = GrantIds.compute(msg.sender, key.grantee, newDataHash, key.purpose);
        _replace(msg.sender, key, newDataHash, lockedUntil, expiresAt, oldId, newId);
    }

    // ---------------------------------------------------------------- signed requests
    // Each struct hash encodes the request's fields in its type string's order. `GrantKey` holds only
    // static fields, so `abi.encode` lays one out in place: the same words as its three fields.

    /// @inheritdoc IAccessGrants
    function grantBySignature(
        address owner,
        GrantParams calldata params,
        Authorization calldata auth
    ) external returns (bytes32 id) {
        address grantee = params.grantee;
        Slot storage slot;
        uint256 word;
        (id, slot, word) = _load(owner, grantee, params.dataHash, params.purpose);
        bytes32 structHash = keccak256(
            abi.encode(
                _GRANT_TYPEHASH,
                owner,
                grantee,
                params.dataHash,
                params.purpose,
                params.lockedUntil,
                params.expiresAt,
                _generationOf(word),
                auth.nonce,
                auth.deadline
            )
        );
        _authorize(owner, structHash, auth);
        _grant(owner, grantee, params, id, slot, word);
    }

    /// @inheritdoc IAccessGrants
    function revokeBySignature(
        address owner,
        GrantKey calldata key,
        Authorization calldata auth
    ) external {
        (bytes32 id, Slot storage slot, uint256 word) = _load(owner, key);
        bytes32 structHash = keccak256(
            abi.encode(_REVOKE_TYPEHASH, owner, key, _generationOf(word), auth.nonce, auth.deadline)
        );
        _authorize(owner, structHash, auth);
        _revoke(owner, key, id, slot, word);
    }

    /// @inheritdoc IAccessGrants
    function extendLockBySignature(
        address owner,
        GrantKey calldata key,
        uint64 lockedUntil,
        Authorization calldata auth
    ) external {
        (bytes32 id, Slot storage slot, uint256 word) = _loadAuthorized(
            _EXTEND_LOCK_TYPEHASH,
            owner,
            key,
            lockedUntil,
            auth
        );
        _extendLock(owner, key, lockedUntil, id, slot, word);
    }

    /// @inheritdoc IAccessGrants
    function extendExpiryBySignature(
        address owner,
        GrantKey calldata key,
        uint64 expiresAt,
        Authorization calldata auth
    ) external {
        (bytes32 id, Slot storage slot, uint256 word) = _loadAuthorized(
            _EXTEND_EXPIRY_TYPEHASH,
            owner,
            key,
            expiresAt,
            auth
        );
        _extendExpiry(owner, key, expiresAt, id, slot, word);
    }

    /// @inheritdoc IAccessGrants
    function replaceBySignature(
        address owner,
        GrantKey calldata key,
        bytes32 newDataHash,
        uint64 lockedUntil,
        uint64 expiresAt,
        Authorization calldata auth
    ) external returns (bytes32 newId) {
        bytes32 oldId = GrantIds.compute(owner, key.grantee, key.dataHash, key.purpose);
        newId = GrantIds.compute(owner, key.grantee, newDataHash, key.purpose);
        // Both lives are signed: the grant the request ends, and the one before it on the new id.
        bytes32 structHash = keccak256(
            abi.encode(
                _REPLACE_TYPEHASH,
                owner,
                key,
                newDataHash,
                lockedUntil,
                expiresAt,
                _generationOf(_grants[oldId].word),
                _generationOf(_grants[newId].word),
                auth.nonce,
                auth.deadline
            )
        );
        _authorize(owner, structHash, auth);
        _replace(owner, key, newDataHash, lockedUntil, expiresAt, oldId, newId);
    }

    /// @inheritdoc IAccessGrants
    function invalidateNonces(uint256 wordPos, uint256 mask) external {
        _nonces[msg.sender][wordPos] |= mask;
        emit NoncesInvalidated(msg.sender, wordPos, mask);
    }

    /// @inheritdoc IAccessGrants
    function tryMulticall(bytes[] calldata data) external returns (Result[] memory results) {
        results = new Result[](data.length);
        for (uint256 i = 0; i < data.length; ++i) {
            // A delegatecall to this contract keeps msg.sender, as OpenZeppelin's `multicall` does; a
            // failing item reverts only its own changes.
            // solhint-disable-next-line avoid-low-level-calls
            (bool success, bytes memory returnData) = address(this).delegatecall(data[i]);
            results[i] = Result(success, returnData);
            if (!success) emit BatchItemFailed(msg.sender, i, returnData);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAccessGrants
    function grantIsActive(bytes32 grantId) external view returns (bool) {
        return _isActive(_grants[grantId].word);
    }

    /// @inheritdoc IAccessGrants
    function isGranted(
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) external view returns (bool) {
        return _isActive(_grants[GrantIds.compute(owner, grantee, dataHash, purpose)].word);
    }

    /// @inheritdoc IAccessGrants
    function getGrant(bytes32 grantId) external view returns (GrantState memory state) {
        uint256 word = _grants[grantId].word;
        GrantStatus status = _statusOf(word);
        if (status == GrantStatus.Active && !_isActive(word)) status = GrantStatus.Expired;
        return
            GrantState({
                status: status,
                lockedUntil: _lockOf(word),
                expiresAt: _expiryOf(word),
                generation: _generationOf(word)
            });
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
        return GrantIds.compute(owner, grantee, dataHash, purpose);
    }

    /// @inheritdoc IAccessGrants
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    // ---------------------------------------------------------------- grant slots

    /// @dev `_load` (below) for a signed request that sets one time of an existing grant (`ExtendLock`,
    /// `ExtendExpiry`: the same fields under another type hash), once the owner's signature over it
    /// is verified.
    function _loadAuthorized(
        bytes32 typehash,
        address owner,
        GrantKey calldata key,
        uint64 time,
        Authorization calldata auth
    ) private returns (bytes32 id, Slot storage slot, uint256 word) {
        (id, slot, word) = _load(owner, key);
        bytes32 structHash = keccak256(
            abi.encode(typehash, owner, key, time, _generationOf(word), auth.nonce, auth.deadline)
        );
        _authorize(owner, structHash, auth);
    }

    // ---------------------------------------------------------------- state transitions

    /// @dev `grantee` is `p.grantee`, read (and its ABI encoding checked) once by the caller.
    function _grant(
        address owner,
        address grantee,
        GrantParams calldata p,
        bytes32 id,
        Slot storage slot,
        uint256 word
    ) private {
        (bytes32 dataHash, bytes32 purpose) = (p.dataHash, p.purpose);
        (uint64 lockedUntil, uint64 expiresAt) = (p.lockedUntil, p.expiresAt);
        // A grant to nobody or to oneself is a client bug, never consent.
        if (grantee == address(0) || grantee == owner) revert AccessGrantsInvalidGrantee(grantee);
        if (dataHash == bytes32(0)) revert AccessGrantsInvalidDataHash(dataHash);
        _checkExpiry(lockedUntil, expiresAt);
        // Re-granting is allowed once the previous grant ended or expired, never on top of an active one.
        if (_isActive(word)) revert AccessGrantsAlreadyActive(id);
        uint64 generation = _nextGeneration(word);
        slot.word = _pack(GrantStatus.Active, lockedUntil, expiresAt, generation);
        emit GrantCreated(
            id,
            owner,
            grantee,
            dataHash,
            purpose,
            lockedUntil,
            expiresAt,
            generation
        );
    }

    function _revoke(
        address owner,
        GrantKey calldata k,
        bytes32 id,
        Slot storage slot,
        uint256 word
    ) private {
        if (!_isActive(word)) revert AccessGrantsNotActive(id);
        uint64 lockedUntil = _lockOf(word);
        // The lock protects the grantee's retention duty: the owner may not end the grant before it.
        if (block.timestamp < lockedUntil) revert AccessGrantsLocked(id, lockedUntil);
        slot.word = _withStatus(word, GrantStatus.Revoked);
        emit GrantRevoked(
            id,
            owner,
            k.grantee,
            k.dataHash,
            k.purpose,
            lockedUntil,
            _expiryOf(word),
            _generationOf(word)
        );
    }

    function _extendLock(
        address owner,
        GrantKey calldata k,
        uint64 lockedUntil,
        bytes32 id,
        Slot storage slot,
        uint256 word
    ) private {
        if (!_isActive(word)) revert AccessGrantsNotActive(id);
        uint64 current = _lockOf(word);
        uint64 expiresAt = _expiryOf(word);
        if (lockedUntil <= current) revert AccessGrantsLockNotExtended(id, current, lockedUntil);
        // A lock beyond the expiry would outlive the consent it protects.
        if (expiresAt != 0 && lockedUntil > expiresAt) {
            revert AccessGrantsLockAfterExpiry(id, lockedUntil, expiresAt);
        }
        uint64 generation = _generationOf(word);
        slot.word = _pack(GrantStatus.Active, lockedUntil, expiresAt, generation);
        emit GrantLockExtended(
            id,
            owner,
            k.grantee,
            k.dataHash,
            k.purpose,
            lockedUntil,
            expiresAt,
            generation
        );
    }

    function _extendExpiry(
        address owner,
        GrantKey calldata k,
        uint64 expiresAt,
        bytes32 id,
        Slot storage slot,
        uint256 word
    ) private {
        if (!_isActive(word)) revert AccessGrantsNotActive(id);
        uint64 current = _expiryOf(word);
        // 0 is "never": it extends any finite expiry, and nothing extends it.
        if (current == 0 || (expiresAt != 0 && expiresAt <= current)) {
            revert AccessGrantsExpiryNotExtended(id, current, expiresAt);
        }
        uint64 lockedUntil = _lockOf(word);
        uint64 generation = _generationOf(word);
        slot.word = _pack(GrantStatus.Active, lockedUntil, expiresAt, generation);
        emit GrantExpiryExtended(
            id,
            owner,
            k.grantee,
            k.dataHash,
            k.purpose,
            lockedUntil,
            expiresAt,
            generation
        );
    }

    function _replace(
        address owner,
        GrantKey calldata k,
        bytes32 newDataHash,
        uint64 lockedUntil,
        uint64 expiresAt,
        bytes32 oldId,
        bytes32 newId
    ) private {
        Slot storage oldSlot = _grants[oldId];
        Slot storage newSlot = _grants[newId];
        uint256 oldWord = oldSlot.word;
        uint256 newWord = newSlot.word;
        if (!_isActive(oldWord)) revert AccessGrantsNotActive(oldId);
        if (newDataHash == bytes32(0)) revert AccessGrantsInvalidDataHash(newDataHash);
        // The grantee's retention duty moves to the corrected data: its lock is at least the old one.
        uint64 oldLock = _lockOf(oldWord);
        if (lockedUntil < oldLock) revert AccessGrantsLockShortened(oldId, oldLock, lockedUntil);
        _checkExpiry(lockedUntil, expiresAt);
        // Includes newId == oldId: "correcting" data to itself.
        if (_isActive(newWord)) revert AccessGrantsAlreadyActive(newId);
        // Nothing on-chain tells corrected data from junk, so rectification must not end a locked grant
        // early: the old grant stays in force until its lock ends (the grantee may release it sooner).
        GrantStatus oldStatus;
        if (block.timestamp < oldLock) {
            oldStatus = GrantStatus.Active;
            oldSlot.word = _pack(GrantStatus.Active, oldLock, oldLock, _generationOf(oldWord));
        } else {
            oldStatus = GrantStatus.Replaced;
            oldSlot.word = _withStatus(oldWord, GrantStatus.Replaced);
        }
        uint64 generation = _nextGeneration(newWord);
        newSlot.word = _pack(GrantStatus.Active, lockedUntil, expiresAt, generation);
        emit GrantReplaced(
            oldId,
            newId,
            owner,
            k.grantee,
            k.dataHash,
            newDataHash,
            k.purpose,
            oldStatus,
            oldLock,
            oldStatus == GrantStatus.Active ? oldLock : _expiryOf(oldWord),
            _generationOf(oldWord),
            lockedUntil,
            expiresAt,
            generation
        );
    }

    // ---------------------------------------------------------------- checks

    /// @dev Spends the nonce, then accepts the owner's ECDSA signature or, for a contract, its ERC-1271
    /// answer (`SignatureValidation`: ECDSA first, so an EOA pays no EXTCODESIZE). Every struct hash
    /// is built with the grant's stored generation, never one from calldata: a signature made for
    /// another life of the grant (a revoke spends no outstanding nonce, and a reverted submission
    /// leaves its signature public and unspent) does not verify, at no calldata cost.
    function _authorize(address owner, bytes32 structHash, Authorization calldata auth) private {
        if (owner == address(0)) revert AccessGrantsInvalidOwner(owner);
        if (block.timestamp > auth.deadline) revert AccessGrantsExpiredSignature(auth.deadline);
        _useNonce(owner, auth.nonce);
        if (
            !SignatureValidation.isValidNowCalldata(
                owner,
                _hashTypedDataV4(structHash),
                auth.signature
            )
        ) revert AccessGrantsInvalidSignature(owner);
    }

    function _useNonce(address owner, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _nonces[owner][nonce >> 8];
        if (bits & bit != 0) revert AccessGrantsNonceUsed(owner, nonce);
        _nonces[owner][nonce >> 8] = bits | bit;
    }

    /// @dev A grant's id, its slot and the word the action reads and then writes.
    function _load(
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) private view returns (bytes32 id, Slot storage slot, uint256 word) {
        id = GrantIds.compute(owner, grantee, dataHash, purpose);
        slot = _grants[id];
        word = slot.word;
    }

    function _load(
        address owner,
        GrantKey calldata key
    ) private view returns (bytes32 id, Slot storage slot, uint256 word) {
        return _load(owner, key.grantee, key.dataHash, key.purpose);
    }

    function _checkExpiry(uint64 lockedUntil, uint64 expiresAt) private view {
        if (expiresAt == 0) return;
        // A grant must be active when made and must not expire while its lock is in force.
        uint64 minimum = lockedUntil > block.timestamp ? lockedUntil : uint64(block.timestamp + 1);
        if (expiresAt < minimum) revert AccessGrantsInvalidExpiry(expiresAt, minimum);
    }

    // ---------------------------------------------------------------- packing

    function _isActive(uint256 word) private view returns (bool) {
        uint64 expiresAt = _expiryOf(word);
        return
            uint8(word >> _STATUS_SHIFT) == uint8(GrantStatus.Active) &&
            (expiresAt == 0 || block.timestamp < expiresAt);
    }

    function _pack(
        GrantStatus status,
        uint64 lockedUntil,
        uint64 expiresAt,
        uint64 generation
    ) private pure returns (uint256) {
        return
            (uint256(generation) << _GENERATION_SHIFT) |
            (uint256(status) << _STATUS_SHIFT) |
            (uint256(lockedUntil) << _LOCK_SHIFT) |
            uint256(expiresAt);
    }

    function _withStatus(uint256 word, GrantStatus status) private pure returns (uint256) {
        return (word & ~(uint256(0xff) << _STATUS_SHIFT)) | (uint256(status) << _STATUS_SHIFT);
    }

    /// @dev The generation of the life a grant on this word starts.
    function _nextGeneration(uint256 word) private pure returns (uint64) {
        // Bounded: one life per successful grant transaction; 2^64 of them can never be paid for.
        unchecked {
            return _generationOf(word) + 1;
        }
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

    function _generationOf(uint256 word) private pure returns (uint64) {
        return uint64(word >> _GENERATION_SHIFT);
    }
}
