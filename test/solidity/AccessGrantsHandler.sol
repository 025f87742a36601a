// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessGrants} from "../../contracts/AccessGrants.sol";
import {IAccessGrants} from "../../contracts/interfaces/IAccessGrants.sol";
import {AccessGrantsHandlerRequests} from "./AccessGrantsHandlerRequests.sol";
import {AccessGrantsHandlerState} from "./AccessGrantsHandlerState.sol";

/// @notice Drives AccessGrants with random sequences over a small fixed universe (2 owners x 2
/// grantees x 3 data hashes x 2 purposes = 24 grant ids) and keeps a ghost model of every grant.
/// @dev Every action is attempted even when the model says it must fail (revoking a locked grant,
/// releasing an ended one, shortening a lock, replaying a nonce, signing with the wrong key...);
/// the call runs inside try/catch and its outcome (success, or the exact revert data) is compared
/// with the model. The handler itself never reverts: a disagreement is counted in `mismatches` and
/// reported by an invariant. Besides the model, two properties are tracked from observed outcomes
/// alone: the lock each grant's owner agreed to (`protectedUntil`), and how many lives each grant id
/// has had (`lives`), against which every signed request that succeeds is checked.
contract AccessGrantsHandler is AccessGrantsHandlerRequests {
    constructor(AccessGrants grants_) AccessGrantsHandlerState(grants_) {}

    // ------------------------------------------------------------------ owner and grantee actions

    function grant(
        uint256 keySeed,
        uint256 lockSeed,
        uint256 expirySeed,
        bool neverExpires
    ) external {
        _begin("grant");
        (bytes32 id, Key memory k) = _pick(keySeed);
        (uint64 lockedUntil, uint64 expiresAt) = _terms(id, lockSeed, expirySeed, neverExpires);
        bytes memory expected = _expectGrant(id, lockedUntil, expiresAt);
        vm.prank(k.owner);
        try grants.grant(_grantParams(k, lockedUntil, expiresAt)) returns (bytes32 returned) {
            if (returned != id) _mismatch("grant", "returned a wrong id");
            _observedGrant(id, lockedUntil);
            _settle("grant", true, "", expected);
        } catch (bytes memory reason) {
            _settle("grant", false, reason, expected);
        }
        if (expected.length == 0) _applyGrant(id, lockedUntil, expiresAt);
        _observe(id, expected.length == 0);
    }

    function revoke(uint256 keySeed) external {
        _begin("revoke");
        (bytes32 id, Key memory k) = _pickLive(keySeed);
        bytes memory expected = _expectRevoke(id);
        uint64 lockBefore = grants.getGrant(id).lockedUntil;
        vm.prank(k.owner);
        try grants.revoke(_grantKey(k)) {
            _revokes.push(RevokeRecord(id, uint64(block.timestamp), lockBefore));
            _settle("revoke", true, "", expected);
        } catch (bytes memory reason) {
            _settle("revoke", false, reason, expected);
        }
        if (expected.length == 0) _model[id].status = IAccessGrants.GrantStatus.Revoked;
        _observe(id, false);
    }

    function release(uint256 keySeed) external {
        _begin("release");
        (bytes32 id, Key memory k) = _pickLive(keySeed);
        bytes memory expected = _isLive(id) ? bytes("") : _errNotActive(id);
        vm.prank(k.grantee);
        try grants.release(k.owner, k.dataHash, k.purpose) {
            releasedByGrantee[id] = true;
            _settle("release", true, "", expected);
        } catch (bytes memory reason) {
            _settle("release", false, reason, expected);
        }
        if (expected.length == 0) _model[id].status = IAccessGrants.GrantStatus.Released;
        _observe(id, false);
    }

    function extendLock(uint256 keySeed, uint256 deltaSeed) external {
        _begin("extendLock");
        (bytes32 id, Key memory k) = _pickLive(keySeed);
        uint64 requested = _requestedLock(id, deltaSeed);
        bytes memory expected = _expectExtendLock(id, requested);
        vm.prank(k.owner);
        try grants.extendLock(_grantKey(k), requested) {
            protectedUntil[id] = requested;
            _settle("extendLock", true, "", expected);
        } catch (bytes memory reason) {
            _settle("extendLock", false, reason, expected);
        }
        if (expected.length == 0) _model[id].lockedUntil = requested;
        _observe(id, false);
    }

    function extendExpiry(uint256 keySeed, uint256 deltaSeed, bool toNever) external {
        _begin("extendExpiry");
        (bytes32 id, Key memory k) = _pickLive(keySeed);
        uint64 requested = _requestedExpiry(id, deltaSeed, toNever);
        bytes memory expected = _expectExtendExpiry(id, requested);
        vm.prank(k.owner);
        try grants.extendExpiry(_grantKey(k), requested) {
            _settle("extendExpiry", true, "", expected);
        } catch (bytes memory reason) {
            _settle("extendExpiry", false, reason, expected);
        }
        if (expected.length == 0) _model[id].expiresAt = requested;
        _observe(id, false);
    }

    function replace(
        uint256 keySeed,
        uint256 newDataSeed,
        uint256 lockSeed,
        uint256 expirySeed,
        bool neverExpires
    ) external {
        _begin("replace");
        (bytes32 oldId, Key memory k) = _pickLive(keySeed);
        bytes32 newDataHash = _dataHashes[newDataSeed % DATA_HASHES];
        bytes32 newId = _idOf(k.owner, k.grantee, newDataHash, k.purpose);
        (uint64 newLock, uint64 newExpiry) = _replaceTerms(
            oldId,
            lockSeed,
            expirySeed,
            neverExpires
        );
        bytes memory expected = _expectReplace(oldId, newId, newLock, newExpiry);
        uint64 oldLockStored = grants.getGrant(oldId).lockedUntil;
        vm.prank(k.owner);
        try grants.replace(_grantKey(k), newDataHash, newLock, newExpiry) returns (bytes32 r) {
            if (r != newId) _mismatch("replace", "returned a wrong id");
            if (grants.getGrant(r).lockedUntil < oldLockStored) {
                _lockDecrease(r, "replace shortened the lock");
            }
            _observedGrant(newId, newLock);
            _settle("replace", true, "", expected);
        } catch (bytes memory reason) {
            _settle("replace", false, reason, expected);
        }
        if (expected.length == 0) _applyReplace(oldId, newId, newLock, newExpiry);
        _observe(oldId, false);
        if (newId != oldId) _observe(newId, expected.length == 0);
    }

    // ------------------------------------------------------------------ signed requests

    /// @notice The owner signs a Grant for the id's current life and a relayer submits it at once.
    function grantBySignature(
        uint256 keySeed,
        uint256 lockSeed,
        uint256 expirySeed,
        bool neverExpires,
        uint256 nonceSeed,
        bool foreignKey
    ) external {
        _begin("grantBySignature");
        (bytes32 id, Key memory k) = _pick(keySeed);
        (uint64 lockedUntil, uint64 expiresAt) = _terms(id, lockSeed, expirySeed, neverExpires);
        Request memory r = _newRequest(KIND_GRANT, id, k, bytes32(0), lockedUntil, expiresAt);
        r.foreign = foreignKey;
        _sign(r, nonceSeed % NONCE_SPACE, block.timestamp);
        _submit(r, "grantBySignature");
    }

    /// @notice The owner signs a Revoke for the id's current life and a relayer submits it at once.
    function revokeBySignature(uint256 keySeed, uint256 nonceSeed, bool foreignKey) external {
        _begin("revokeBySignature");
        (bytes32 id, Key memory k) = _pickLive(keySeed);
        Request memory r = _newRequest(KIND_REVOKE, id, k, bytes32(0), 0, 0);
        r.foreign = foreignKey;
        _sign(r, nonceSeed % NONCE_SPACE, block.timestamp);
        _submit(r, "revokeBySignature");
    }

    /// @notice The owner signs a request of any kind for the id's current life (1 in 6: for the next
    /// life, which must never pass) and keeps it: it may be submitted much later, by anyone, after
    /// revokes and re-grants, or twice, or inside a relayer's batch.
    function signRequest(
        uint8 kindSeed,
        uint256 keySeed,
        uint256 aSeed,
        uint256 bSeed,
        uint256 nonceSeed,
        uint8 skew
    ) external {
        _begin("signRequest");
        uint8 kind = kindSeed % 5;
        (bytes32 id, Key memory k) = kind == KIND_GRANT ? _pick(keySeed) : _pickLive(keySeed);
        Request memory r;
        if (kind == KIND_GRANT) {
            (uint64 lock, uint64 expiry) = _terms(id, aSeed, bSeed, bSeed % 3 == 0);
            r = _newRequest(kind, id, k, bytes32(0), lock, expiry);
        } else if (kind == KIND_REVOKE) {
            r = _newRequest(kind, id, k, bytes32(0), 0, 0);
        } else if (kind == KIND_EXTEND_LOCK) {
            r = _newRequest(kind, id, k, bytes32(0), _requestedLock(id, aSeed), 0);
        } else if (kind == KIND_EXTEND_EXPIRY) {
            r = _newRequest(
                kind,
                id,
                k,
                bytes32(0),
                _requestedExpiry(id, aSeed, bSeed % 5 == 0),
                0
            );
        } else {
            (uint64 lock, uint64 expiry) = _replaceTerms(id, aSeed, bSeed, bSeed % 3 == 0);
            r = _newRequest(kind, id, k, _dataHashes[(aSeed >> 8) % DATA_HASHES], lock, expiry);
        }
        if (skew % 6 == 0) ++r.life; // a request for a life that has not started yet
        r.foreign = skew % 11 == 1;
        _sign(r, nonceSeed % NONCE_SPACE, type(uint256).max);
        if (_requests.length < MAX_REQUESTS) {
            _requests.push(r);
        } else {
            _requests[_requestCursor++ % MAX_REQUESTS] = r;
        }
        successes["signRequest"] += 1;
    }

    /// @notice Anyone submits a stored signed request through its `...BySignature` function.
    function submitRequest(uint256 indexSeed) external {
        _begin("submitRequest");
        if (_requests.length == 0) return;
        _submit(_requests[indexSeed % _requests.length], "submitRequest");
    }

    /// @notice A relayer submits two stored requests in one `tryMulticall`; each must succeed or fail
    /// on its own, exactly as the model says for it at its turn.
    function tryMulticallRequests(uint256 seedA, uint256 seedB) external {
        _begin("tryMulticall");
        if (_requests.length == 0) return;
        Request memory ra = _requests[seedA % _requests.length];
        Request memory rb = _requests[seedB % _requests.length];
        bytes[] memory data = new bytes[](2);
        data[0] = _calldataOf(ra);
        data[1] = _calldataOf(rb);
        IAccessGrants.Result[] memory results = _tryMulticall(data);
        if (results.length != 2) return;
        // The model's expectation of each item at its turn: the second is judged after the first.
        bool okA = _settleItem(ra, results[0]);
        bool okB = _settleItem(rb, results[1]);
        bytes32[4] memory touched = [ra.id, ra.newId, rb.id, rb.newId];
        for (uint256 i = 0; i < 4; ++i) {
            bytes32 id = touched[i];
            if (id == bytes32(0) || (i > 0 && id == touched[i - 1])) continue;
            _observe(id, (okA && _starts(ra, id)) || (okB && _starts(rb, id)));
        }
    }

    function _tryMulticall(
        bytes[] memory data
    ) internal returns (IAccessGrants.Result[] memory results) {
        vm.prank(_relayer);
        try grants.tryMulticall(data) returns (IAccessGrants.Result[] memory r) {
            results = r;
        } catch (bytes memory reason) {
            _mismatch("tryMulticall", string.concat("reverted as a whole: ", vm.toString(reason)));
        }
    }

    /// @dev Judges one item of a batch (the model's expectation before applying it) and applies it.
    function _settleItem(
        Request memory r,
        IAccessGrants.Result memory result
    ) internal returns (bool) {
        bytes memory expected = _expectRequest(r);
        if (result.success) _observedRequest(r, [lives[r.id], lives[r.newId]]);
        _settle("tryMulticall", result.success, result.returnData, expected);
        if (expected.length == 0) _applyRequest(r);
        return result.success;
    }

    function warp(uint256 secondsSeed) external {
        _begin("warp");
        vm.warp(block.timestamp + bound(secondsSeed, 1, 20 days));
        successes["warp"] += 1;
    }

    /// @notice Warps to a live grant's lock or expiry, or one second before it, so that the
    /// sequences test the exact boundaries (revoke at lockedUntil - 1 / lockedUntil, isGranted at
    /// expiresAt - 1 / expiresAt). Does nothing if that moment has passed.
    function warpToEdge(uint256 keySeed, uint8 which) external {
        _begin("warpToEdge");
        (bytes32 id, ) = _pickLive(keySeed);
        Model memory m = _model[id];
        uint256 edge = which % 2 == 0 ? m.lockedUntil : m.expiresAt;
        uint256 target = (which >> 1) % 2 == 0 || edge == 0 ? edge : edge - 1;
        if (target > block.timestamp) {
            vm.warp(target);
            successes["warpToEdge"] += 1;
        }
    }
}
