// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../../contracts/interfaces/IAccessGrants.sol";
import {AccessGrantsHandlerState} from "./AccessGrantsHandlerState.sol";

/// @notice The invariant handler's model: what each call must do (its expected revert data), how a
/// success changes the ghost model, and the bookkeeping of observed outcomes.
abstract contract AccessGrantsHandlerModel is AccessGrantsHandlerState {
    // ------------------------------------------------------------------ model

    function _begin(string memory action) internal {
        calls[action] += 1;
        // Time only moves forward across a sequence (the model relies on it).
        if (block.timestamp < lastTimestamp) _mismatch(action, "block.timestamp went backwards");
        lastTimestamp = uint64(block.timestamp);
    }

    function _isLive(bytes32 id) internal view returns (bool) {
        return expectedState(id).status == IAccessGrants.GrantStatus.Active;
    }

    /// @dev What the contract answers to `r` now: nonce, then signature (key and lives), then the rules.
    function _expectRequest(Request memory r) internal view returns (bytes memory) {
        address signer = r.k.owner;
        uint256 nonce = r.auth.nonce;
        if (ghostNonces[signer][nonce >> 8] & (uint256(1) << (nonce & 0xff)) != 0) {
            return
                abi.encodeWithSelector(IAccessGrants.AccessGrantsNonceUsed.selector, signer, nonce);
        }
        if (
            r.foreign ||
            r.life != _model[r.id].generation ||
            (r.kind == KIND_REPLACE && r.newLife != _model[r.newId].generation)
        ) {
            return
                abi.encodeWithSelector(IAccessGrants.AccessGrantsInvalidSignature.selector, signer);
        }
        if (r.kind == KIND_GRANT) return _expectGrant(r.id, r.a, r.b);
        if (r.kind == KIND_REVOKE) return _expectRevoke(r.id);
        if (r.kind == KIND_EXTEND_LOCK) return _expectExtendLock(r.id, r.a);
        if (r.kind == KIND_EXTEND_EXPIRY) return _expectExtendExpiry(r.id, r.a);
        return _expectReplace(r.id, r.newId, r.a, r.b);
    }

    function _applyRequest(Request memory r) internal {
        ghostNonces[r.k.owner][r.auth.nonce >> 8] |= uint256(1) << (r.auth.nonce & 0xff);
        if (r.kind == KIND_GRANT) _applyGrant(r.id, r.a, r.b);
        else if (r.kind == KIND_REVOKE) _model[r.id].status = IAccessGrants.GrantStatus.Revoked;
        else if (r.kind == KIND_EXTEND_LOCK) _model[r.id].lockedUntil = r.a;
        else if (r.kind == KIND_EXTEND_EXPIRY) _model[r.id].expiresAt = r.a;
        else _applyReplace(r.id, r.newId, r.a, r.b);
    }

    function _applyGrant(bytes32 id, uint64 lockedUntil, uint64 expiresAt) internal {
        _model[id] = Model(
            IAccessGrants.GrantStatus.Active,
            lockedUntil,
            expiresAt,
            _model[id].generation + 1
        );
    }

    /// @dev The old grant ends now, or stays in force until its lock (which becomes its expiry).
    function _applyReplace(
        bytes32 oldId,
        bytes32 newId,
        uint64 newLock,
        uint64 newExpiry
    ) internal {
        Model storage old = _model[oldId];
        if (block.timestamp < old.lockedUntil) {
            old.expiresAt = old.lockedUntil;
        } else {
            old.status = IAccessGrants.GrantStatus.Replaced;
        }
        _applyGrant(newId, newLock, newExpiry);
    }

    function _expectRevoke(bytes32 id) internal view returns (bytes memory) {
        if (!_isLive(id)) return _errNotActive(id);
        uint64 lockedUntil = _model[id].lockedUntil;
        if (block.timestamp < lockedUntil) {
            return
                abi.encodeWithSelector(IAccessGrants.AccessGrantsLocked.selector, id, lockedUntil);
        }
        return "";
    }

    function _expectExtendLock(bytes32 id, uint64 requested) internal view returns (bytes memory) {
        Model memory m = _model[id];
        if (!_isLive(id)) return _errNotActive(id);
        if (requested <= m.lockedUntil) {
            return
                abi.encodeWithSelector(
                    IAccessGrants.AccessGrantsLockNotExtended.selector,
                    id,
                    m.lockedUntil,
                    requested
                );
        }
        if (m.expiresAt != 0 && requested > m.expiresAt) {
            return
                abi.encodeWithSelector(
                    IAccessGrants.AccessGrantsLockAfterExpiry.selector,
                    id,
                    requested,
                    m.expiresAt
                );
        }
        return "";
    }

    function _expectExtendExpiry(
        bytes32 id,
        uint64 requested
    ) internal view returns (bytes memory) {
        Model memory m = _model[id];
        if (!_isLive(id)) return _errNotActive(id);
        if (m.expiresAt == 0 || (requested != 0 && requested <= m.expiresAt)) {
            return
                abi.encodeWithSelector(
                    IAccessGrants.AccessGrantsExpiryNotExtended.selector,
                    id,
                    m.expiresAt,
                    requested
                );
        }
        return "";
    }

    function _expectReplace(
        bytes32 oldId,
        bytes32 newId,
        uint64 newLock,
        uint64 newExpiry
    ) internal view returns (bytes memory) {
        Model memory old = _model[oldId];
        if (!_isLive(oldId)) return _errNotActive(oldId);
        if (newLock < old.lockedUntil) {
            return
                abi.encodeWithSelector(
                    IAccessGrants.AccessGrantsLockShortened.selector,
                    oldId,
                    old.lockedUntil,
                    newLock
                );
        }
        // Includes newId == oldId: "replacing" a grant with the same data.
        return _expectGrant(newId, newLock, newExpiry);
    }

    /// @dev What starting a life of `id` with these terms reverts with: `grant`'s checks, which
    /// `replace` repeats for the new id (the expiry against the lock or the next second, then no life
    /// in force).
    function _expectGrant(
        bytes32 id,
        uint64 lockedUntil,
        uint64 expiresAt
    ) internal view returns (bytes memory) {
        uint64 minimum = lockedUntil > block.timestamp ? lockedUntil : uint64(block.timestamp + 1);
        if (expiresAt != 0 && expiresAt < minimum) {
            return
                abi.encodeWithSelector(
                    IAccessGrants.AccessGrantsInvalidExpiry.selector,
                    expiresAt,
                    minimum
                );
        }
        if (_isLive(id))
            return abi.encodeWithSelector(IAccessGrants.AccessGrantsAlreadyActive.selector, id);
        return "";
    }

    function _errNotActive(bytes32 id) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessGrants.AccessGrantsNotActive.selector, id);
    }

    /// @dev 1 in 8 an attempt to shorten the lock; otherwise up to 45 days past the later of the lock
    /// and now.
    function _requestedLock(bytes32 id, uint256 deltaSeed) internal view returns (uint64) {
        uint64 lock = _model[id].lockedUntil;
        if (deltaSeed % 8 == 0) return lock > 1 days ? lock - 1 days : 0;
        uint256 base = lock > block.timestamp ? lock : block.timestamp;
        return uint64(base + bound(deltaSeed, 0, 45 days));
    }

    /// @dev Never (0), 1 in 8 an attempt to shorten, or up to 60 days past the expiry (or now).
    function _requestedExpiry(
        bytes32 id,
        uint256 deltaSeed,
        bool toNever
    ) internal view returns (uint64) {
        uint64 expiry = _model[id].expiresAt;
        if (toNever) return 0;
        if (deltaSeed % 8 == 0) return expiry > 1 days ? expiry - 1 days : 1;
        uint256 base = expiry != 0 ? expiry : block.timestamp;
        return uint64(base + bound(deltaSeed, 0, 60 days));
    }

    /// @dev A replacement's terms: 1 in 6 an attempt to escape the lock; otherwise the old lock or up
    /// to 30 days more; an expiry that is never, `now` (1 in 11, refused) or up to 90 days on.
    function _replaceTerms(
        bytes32 oldId,
        uint256 lockSeed,
        uint256 expirySeed,
        bool neverExpires
    ) internal view returns (uint64 newLock, uint64 newExpiry) {
        uint64 oldLock = _model[oldId].lockedUntil;
        if (lockSeed % 6 == 0 && oldLock > 0) newLock = oldLock - 1;
        else newLock = uint64(uint256(oldLock) + bound(lockSeed, 0, 30 days));
        if (neverExpires) return (newLock, 0);
        uint64 minimum = newLock > block.timestamp ? newLock : uint64(block.timestamp + 1);
        newExpiry =
            expirySeed % 11 == 0
                ? uint64(block.timestamp)
                : uint64(minimum + bound(expirySeed, 0, 90 days));
    }

    function _grantKey(Key memory k) internal pure returns (IAccessGrants.GrantKey memory) {
        return IAccessGrants.GrantKey(k.grantee, k.dataHash, k.purpose);
    }

    function _grantParams(
        Key memory k,
        uint64 lockedUntil,
        uint64 expiresAt
    ) internal pure returns (IAccessGrants.GrantParams memory) {
        return IAccessGrants.GrantParams(k.grantee, k.dataHash, k.purpose, lockedUntil, expiresAt);
    }

    /// @dev Grant terms that are mostly valid: no lock (1 in 5), the id's previous lock (1 in 5), or
    /// a lock from 5 days ago to 60 days ahead; no expiry, `now` (1 in 13, always refused), or one
    /// from the earliest allowed value up to 90 days after it.
    function _terms(
        bytes32 id,
        uint256 lockSeed,
        uint256 expirySeed,
        bool neverExpires
    ) internal view returns (uint64 lockedUntil, uint64 expiresAt) {
        if (lockSeed % 5 == 0) {
            lockedUntil = 0;
        } else if (lockSeed % 5 == 1) {
            lockedUntil = _model[id].lockedUntil;
        } else {
            lockedUntil = uint64(
                bound(lockSeed, block.timestamp - 5 days, block.timestamp + 60 days)
            );
        }
        if (neverExpires) return (lockedUntil, 0);
        if (expirySeed % 13 == 0) return (lockedUntil, uint64(block.timestamp));
        uint256 minimum = lockedUntil > block.timestamp ? lockedUntil : block.timestamp + 1;
        expiresAt = uint64(minimum + bound(expirySeed, 0, 90 days));
    }

    function _pick(uint256 seed) internal view returns (bytes32 id, Key memory k) {
        id = _ids[seed % _ids.length];
        k = _keyOf[id];
    }

    /// @dev For actions on existing grants: 3 times in 4 the first id, from a random start, that the
    /// model has active (so most calls get past the "not active" check); otherwise any id.
    function _pickLive(uint256 seed) internal view returns (bytes32 id, Key memory k) {
        if (seed % 4 != 0) {
            uint256 n = _ids.length;
            uint256 start = (seed >> 2) % n;
            for (uint256 j = 0; j < n; ++j) {
                bytes32 candidate = _ids[(start + j) % n];
                if (_isLive(candidate)) return (candidate, _keyOf[candidate]);
            }
        }
        return _pick(seed);
    }

    function _pkOf(address account, uint256 base, uint256 count) internal pure returns (uint256) {
        for (uint256 i = 0; i < count; ++i) if (vm.addr(base + i) == account) return base + i;
        revert("unknown account");
    }

    /// @dev Compares a call's outcome with the model's expectation: success, or these revert bytes.
    function _settle(
        string memory action,
        bool ok,
        bytes memory reason,
        bytes memory expected
    ) internal {
        if (expected.length == 0) {
            if (ok) successes[action] += 1;
            else
                _mismatch(
                    action,
                    string.concat("reverted, model expected success: ", vm.toString(reason))
                );
        } else if (ok) {
            _mismatch(action, "succeeded, model expected a revert");
        } else if (keccak256(reason) != keccak256(expected)) {
            _mismatch(
                action,
                string.concat(
                    "reverted with ",
                    vm.toString(reason),
                    ", model expected ",
                    vm.toString(expected)
                )
            );
        }
    }

    function _mismatch(string memory action, string memory what) internal {
        if (mismatches == 0) firstMismatch = string.concat(action, ": ", what);
        mismatches += 1;
    }

    function _lockDecrease(bytes32 id, string memory what) internal {
        if (lockDecreases == 0)
            firstLockDecrease = string.concat(what, " for id ", vm.toString(id));
        lockDecreases += 1;
    }

    /// @dev After an action, compares the touched grant's stored state with the one seen the last
    /// time it was touched: the lock never goes down and a grant never vanishes, except when the
    /// action made a new grant on that id (`fresh`: a grant after an end or expiry, or a replace
    /// target). It only reads the contract, so it does not depend on the model; changes to untouched
    /// ids are caught by `invariant_stateMatchesGhostModel`.
    function _observe(bytes32 id, bool fresh) internal {
        IAccessGrants.GrantState memory current = grants.getGrant(id);
        IAccessGrants.GrantState memory before = _seen[id];
        if (!fresh && before.status != IAccessGrants.GrantStatus.None) {
            if (current.lockedUntil < before.lockedUntil)
                _lockDecrease(id, "lockedUntil went down");
            if (current.status == IAccessGrants.GrantStatus.None)
                _lockDecrease(id, "grant vanished");
        }
        _seen[id] = current;
    }
}
