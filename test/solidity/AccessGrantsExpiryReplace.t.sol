// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../../contracts/interfaces/IAccessGrants.sol";
import {AccessGrantsTestBase} from "./AccessGrantsTestBase.sol";

/// @notice Fuzz tests of AccessGrants' extendExpiry and replace, each with fixed-input twins for
/// the edge cases.
/// Runs per fuzz test come from `test.solidity.fuzz.runs` in hardhat.config.ts (or a test profile).
contract AccessGrantsExpiryReplaceTest is AccessGrantsTestBase {
    // ------------------------------------------------------------------ extendExpiry

    function test_extendExpiry_toNeverSucceeds() public {
        bytes32 id = _grant(START + 10, START + 20);
        vm.prank(owner);
        grants.extendExpiry(_key(DATA), 0);
        _assertState(id, IAccessGrants.GrantStatus.Active, START + 10, 0, "never expires");
    }

    function test_extendExpiry_fromNeverReverts() public {
        bytes32 id = _grant(0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessGrants.AccessGrantsExpiryNotExtended.selector,
                id,
                uint64(0),
                type(uint64).max
            )
        );
        vm.prank(owner);
        grants.extendExpiry(_key(DATA), type(uint64).max);
    }

    function test_extendExpiry_equalReverts() public {
        bytes32 id = _grant(0, START + 20);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessGrants.AccessGrantsExpiryNotExtended.selector,
                id,
                START + 20,
                START + 20
            )
        );
        vm.prank(owner);
        grants.extendExpiry(_key(DATA), START + 20);
    }

    /// @dev For any requested expiry: either it reverts with AccessGrantsExpiryNotExtended (the grant
    /// never expires, or the request is finite and not later), or the new expiry is the requested
    /// one: 0 (never) or strictly later than the old. The lock is untouched.
    function testFuzz_extendExpiry_neverShortens(
        TermSeeds memory seeds,
        uint64 requestedSeed,
        uint8 mode
    ) public {
        (bytes32 id, uint64 lockedUntil, uint64 expiresAt) = _grantValid(seeds);
        uint64 requested;
        if (mode % 4 == 0) {
            requested = 0;
        } else if (mode % 4 == 1) {
            requested = requestedSeed;
        } else {
            uint256 base = expiresAt == 0 ? uint256(_now()) : expiresAt;
            requested = uint64(
                bound(requestedSeed, base > 10 days ? base - 10 days : 0, base + 10 days)
            );
        }

        bool refused = expiresAt == 0 || (requested != 0 && requested <= expiresAt);
        if (refused) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessGrants.AccessGrantsExpiryNotExtended.selector,
                    id,
                    expiresAt,
                    requested
                )
            );
        }
        vm.prank(owner);
        grants.extendExpiry(_key(DATA), requested);

        IAccessGrants.GrantState memory s = grants.getGrant(id);
        if (refused) {
            assertEq(s.expiresAt, expiresAt, "expiry changed by a refused call");
        } else {
            assertEq(s.expiresAt, requested, "expiry");
            assertTrue(s.expiresAt == 0 || s.expiresAt > expiresAt, "expiry shortened");
        }
        assertEq(s.lockedUntil, lockedUntil, "lock changed by extendExpiry");
        assertEq(uint256(s.status), uint256(IAccessGrants.GrantStatus.Active), "status");
        assertTrue(s.expiresAt == 0 || s.expiresAt >= s.lockedUntil, "expiry before lock");
    }

    // ------------------------------------------------------------------ replace

    function test_replace_shorterLockReverts() public {
        bytes32 id = _grant(START + 30 days, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessGrants.AccessGrantsLockShortened.selector,
                id,
                START + 30 days,
                START + 30 days - 1
            )
        );
        vm.prank(owner);
        grants.replace(_key(DATA), DATA2, START + 30 days - 1, 0);
    }

    function test_replace_whileLockedKeepsLock() public {
        bytes32 oldId = _grant(START + 30 days, START + 60 days);
        vm.warp(START + 1 days);
        vm.prank(owner);
        bytes32 newId = grants.replace(_key(DATA), DATA2, START + 30 days, START + 40 days);
        assertEq(newId, _id(DATA2), "new id");
        // The old grant stays in force until its lock ends: its expiry becomes its lock.
        _assertState(
            oldId,
            IAccessGrants.GrantStatus.Active,
            START + 30 days,
            START + 30 days,
            "old"
        );

        _assertState(
            newId,
            IAccessGrants.GrantStatus.Active,
            START + 30 days,
            START + 40 days,
            "new"
        );
        // Rectification does not free the owner from the lock.
        vm.expectRevert(_errLocked(newId, START + 30 days));
        vm.prank(owner);
        grants.revoke(_key(DATA2));
        vm.warp(START + 30 days);
        _assertState(
            oldId,
            IAccessGrants.GrantStatus.Expired,
            START + 30 days,
            START + 30 days,
            "old at its lock"
        );
    }

    /// @dev For any requested terms and data: replace reverts with the first rule broken (zero data,
    /// shorter lock, bad expiry, new grant already active), or the new grant is active with a lock at
    /// least the old one (so the owner still cannot revoke it before the old lock) and the old grant
    /// ends as Replaced with its terms unchanged, unless its lock is in force: then it stays active
    /// until the lock, which becomes its expiry.
    function testFuzz_replace_keepsAtLeastOldLock(
        uint64 oldLockSeed,
        uint32 elapsed,
        uint64 newLockSeed,
        uint64 newExpirySeed,
        bool newNeverExpires,
        bytes32 newDataHash
    ) public {
        uint64 oldLock = uint64(bound(oldLockSeed, START, uint256(START) + 365 days));
        bytes32 oldId = _grant(oldLock, 0);
        vm.warp(uint256(START) + elapsed);
        // Sometimes the same data (AlreadyActive), sometimes zero (InvalidDataHash).
        if (uint256(newDataHash) % 5 == 0) newDataHash = DATA;
        else if (uint256(newDataHash) % 5 == 1) newDataHash = bytes32(0);
        uint64 newLock = uint64(
            bound(
                newLockSeed,
                oldLock > 10 days ? oldLock - 10 days : 0,
                uint256(oldLock) + 30 days
            )
        );
        uint64 newExpiry =
            newNeverExpires
                ? 0
                : uint64(
                    bound(
                        newExpirySeed,
                        _now() > 10 days ? _now() - 10 days : 0,
                        uint256(_max(newLock, _now())) + 30 days
                    )
                );
        bytes32 newId = keccak256(abi.encode(owner, grantee, newDataHash, PURPOSE));

        bytes memory err;
        uint64 minimum = newLock > _now() ? newLock : _now() + 1;
        if (newDataHash == bytes32(0)) {
            err = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsInvalidDataHash.selector,
                newDataHash
            );
        } else if (newLock < oldLock) {
            err = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsLockShortened.selector,
                oldId,
                oldLock,
                newLock
            );
        } else if (newExpiry != 0 && newExpiry < minimum) {
            err = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsInvalidExpiry.selector,
                newExpiry,
                minimum
            );
        } else if (newId == oldId) {
            err = abi.encodeWithSelector(IAccessGrants.AccessGrantsAlreadyActive.selector, newId);
        }
        if (err.length != 0) vm.expectRevert(err);
        vm.prank(owner);
        grants.replace(_key(DATA), newDataHash, newLock, newExpiry);

        if (err.length != 0) {
            _assertState(
                oldId,
                IAccessGrants.GrantStatus.Active,
                oldLock,
                0,
                "old after refused replace"
            );
            return;
        }
        if (block.timestamp < oldLock) {
            // A locked grant is never ended by its owner alone: it stays until its lock.
            _assertState(oldId, IAccessGrants.GrantStatus.Active, oldLock, oldLock, "old, locked");
            assertTrue(grants.isGranted(owner, grantee, DATA, PURPOSE), "locked old not granted");
        } else {
            _assertState(oldId, IAccessGrants.GrantStatus.Replaced, oldLock, 0, "old");
            assertFalse(grants.isGranted(owner, grantee, DATA, PURPOSE), "old still granted");
        }
        _assertState(newId, IAccessGrants.GrantStatus.Active, newLock, newExpiry, "new");
        assertGe(grants.getGrant(newId).lockedUntil, oldLock, "new lock shorter than old");
        assertTrue(grants.isGranted(owner, grantee, newDataHash, PURPOSE), "new not granted");
        if (block.timestamp < newLock) {
            vm.expectRevert(_errLocked(newId, newLock));
            vm.prank(owner);
            grants.revoke(_key(newDataHash));
        }
    }
}
