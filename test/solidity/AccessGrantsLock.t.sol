// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../../contracts/interfaces/IAccessGrants.sol";
import {AccessGrantsTestBase} from "./AccessGrantsTestBase.sol";

/// @notice Fuzz tests of AccessGrants' lock: revoke, who can end a locked grant, extendLock, each
/// with fixed-input twins for the edge cases.
/// Runs per fuzz test come from `test.solidity.fuzz.runs` in hardhat.config.ts (or a test profile).
contract AccessGrantsLockTest is AccessGrantsTestBase {
    // ------------------------------------------------------------------ revoke and lock

    function test_revoke_revertsOneSecondBeforeLock() public {
        bytes32 id = _grant(START + 1 days, 0);
        vm.warp(START + 1 days - 1);
        vm.expectRevert(_errLocked(id, START + 1 days));
        vm.prank(owner);
        grants.revoke(_key(DATA));
        assertTrue(grants.isGranted(owner, grantee, DATA, PURPOSE), "still granted");
    }

    function test_revoke_succeedsAtLock() public {
        bytes32 id = _grant(START + 1 days, 0);
        vm.warp(START + 1 days);
        vm.prank(owner);
        grants.revoke(_key(DATA));
        _assertState(id, IAccessGrants.GrantStatus.Revoked, START + 1 days, 0, "revoked");
        assertFalse(grants.isGranted(owner, grantee, DATA, PURPOSE), "granted after revoke");
    }

    /// @dev For any lock and any time before it the owner's revoke reverts with AccessGrantsLocked;
    /// at any time from the lock on it succeeds.
    function testFuzz_revoke_lockedUntilRespected(
        uint64 lockSeed,
        uint64 beforeSeed,
        uint64 afterSeed
    ) public {
        uint64 lockedUntil = uint64(bound(lockSeed, uint256(START) + 1, type(uint64).max - 1));
        bytes32 id = _grant(lockedUntil, 0);

        vm.warp(bound(beforeSeed, START, lockedUntil - 1));
        vm.expectRevert(_errLocked(id, lockedUntil));
        vm.prank(owner);
        grants.revoke(_key(DATA));
        _assertState(id, IAccessGrants.GrantStatus.Active, lockedUntil, 0, "after refused revoke");

        vm.warp(bound(afterSeed, lockedUntil, type(uint64).max - 1));
        vm.prank(owner);
        grants.revoke(_key(DATA));
        _assertState(id, IAccessGrants.GrantStatus.Revoked, lockedUntil, 0, "after revoke");
        assertFalse(grants.isGranted(owner, grantee, DATA, PURPOSE), "granted after revoke");
    }

    function test_revokeBySignature_respectsLock() public {
        bytes32 id = _grant(START + 1 days, 0);
        uint256 deadline = START + 2 days;
        IAccessGrants.Authorization memory auth = _auth(
            OWNER_PK,
            _revokeDigest(owner, _key(DATA), 7, deadline),
            7,
            deadline
        );
        vm.expectRevert(_errLocked(id, START + 1 days));
        vm.prank(relayer);
        grants.revokeBySignature(owner, _key(DATA), auth);
        // The refused call spent nothing: the same signature works once the lock has passed.
        assertFalse(grants.isNonceUsed(owner, 7), "nonce spent by a reverted call");
        vm.warp(START + 1 days);
        vm.prank(relayer);
        grants.revokeBySignature(owner, _key(DATA), auth);
        _assertState(
            id,
            IAccessGrants.GrantStatus.Revoked,
            START + 1 days,
            0,
            "revoked by signature"
        );
    }

    // ------------------------------------------------------------------ who can end a locked grant

    function test_release_granteeEndsLockedGrant() public {
        bytes32 id = _grant(START + 365 days, 0);
        vm.prank(grantee);
        grants.release(owner, DATA, PURPOSE);
        _assertState(id, IAccessGrants.GrantStatus.Released, START + 365 days, 0, "released");
        assertFalse(grants.isGranted(owner, grantee, DATA, PURPOSE), "granted after release");
    }

    /// @dev Any caller but the owner addresses its own (inactive) grant id with the owner's key, so
    /// revoke, extendLock, extendExpiry and replace all revert NotActive; any caller but the grantee
    /// releases someone else's grant id. The grant stays unchanged until the grantee releases it.
    function testFuzz_endLockedGrant_onlyGranteeCanBeforeLock(
        address caller,
        uint32 elapsed
    ) public {
        vm.assume(caller != owner);
        uint64 lockedUntil = START + 30 days;
        bytes32 id = _grant(lockedUntil, START + 60 days);
        vm.warp(uint256(START) + bound(elapsed, 0, 30 days - 1));

        bytes32 callerId = keccak256(abi.encode(caller, grantee, DATA, PURPOSE));
        vm.startPrank(caller);
        vm.expectRevert(_errNotActive(callerId));
        grants.revoke(_key(DATA));
        vm.expectRevert(_errNotActive(callerId));
        grants.extendLock(_key(DATA), START + 31 days);
        vm.expectRevert(_errNotActive(callerId));
        grants.extendExpiry(_key(DATA), 0);
        vm.expectRevert(_errNotActive(callerId));
        grants.replace(_key(DATA), DATA2, lockedUntil, 0);
        if (caller != grantee) {
            vm.expectRevert(_errNotActive(keccak256(abi.encode(owner, caller, DATA, PURPOSE))));
            grants.release(owner, DATA, PURPOSE);
        }
        vm.stopPrank();
        _assertState(
            id,
            IAccessGrants.GrantStatus.Active,
            lockedUntil,
            START + 60 days,
            "after others' calls"
        );

        // The owner still cannot end it...
        vm.expectRevert(_errLocked(id, lockedUntil));
        vm.prank(owner);
        grants.revoke(_key(DATA));
        // ...but the grantee can, at any time.
        vm.prank(grantee);
        grants.release(owner, DATA, PURPOSE);
        _assertState(
            id,
            IAccessGrants.GrantStatus.Released,
            lockedUntil,
            START + 60 days,
            "released"
        );
        assertFalse(grants.isGranted(owner, grantee, DATA, PURPOSE), "granted after release");
    }

    // ------------------------------------------------------------------ extendLock

    function test_extendLock_equalLockReverts() public {
        bytes32 id = _grant(START + 10, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessGrants.AccessGrantsLockNotExtended.selector,
                id,
                START + 10,
                START + 10
            )
        );
        vm.prank(owner);
        grants.extendLock(_key(DATA), START + 10);
    }

    function test_extendLock_pastExpiryReverts() public {
        bytes32 id = _grant(START + 10, START + 20);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessGrants.AccessGrantsLockAfterExpiry.selector,
                id,
                START + 21,
                START + 20
            )
        );
        vm.prank(owner);
        grants.extendLock(_key(DATA), START + 21);
    }

    function test_extendLock_upToExpirySucceeds() public {
        bytes32 id = _grant(START + 10, START + 20);
        vm.prank(owner);
        grants.extendLock(_key(DATA), START + 20);
        _assertState(id, IAccessGrants.GrantStatus.Active, START + 20, START + 20, "extended");
    }

    function test_extendLock_toMaxWithoutExpiry() public {
        bytes32 id = _grant(0, 0);
        vm.prank(owner);
        grants.extendLock(_key(DATA), type(uint64).max);
        _assertState(id, IAccessGrants.GrantStatus.Active, type(uint64).max, 0, "extended");
    }

    /// @dev For any requested lock: either the call reverts with the error the rules name
    /// (not later than the current lock, or after the expiry), or the new lock is the requested
    /// one, strictly later than the old, and the expiry is untouched.
    function testFuzz_extendLock_neverShortens(
        TermSeeds memory seeds,
        uint64 requestedSeed,
        bool rawRequest
    ) public {
        (bytes32 id, uint64 lockedUntil, uint64 expiresAt) = _grantValid(seeds);
        // Mostly near the interesting boundaries; sometimes any uint64 at all.
        uint64 requested =
            rawRequest
                ? requestedSeed
                : uint64(
                    bound(
                        requestedSeed,
                        lockedUntil > 10 days ? lockedUntil - 10 days : 0,
                        uint256(expiresAt == 0 ? lockedUntil : expiresAt) + 10 days
                    )
                );

        bytes memory err;
        if (requested <= lockedUntil) {
            err = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsLockNotExtended.selector,
                id,
                lockedUntil,
                requested
            );
        } else if (expiresAt != 0 && requested > expiresAt) {
            err = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsLockAfterExpiry.selector,
                id,
                requested,
                expiresAt
            );
        }
        if (err.length != 0) vm.expectRevert(err);
        vm.prank(owner);
        grants.extendLock(_key(DATA), requested);

        IAccessGrants.GrantState memory s = grants.getGrant(id);
        if (err.length == 0) {
            assertGt(s.lockedUntil, lockedUntil, "lock not lengthened");
            assertEq(s.lockedUntil, requested, "lock");
        } else {
            assertEq(s.lockedUntil, lockedUntil, "lock changed by a refused call");
        }
        assertEq(s.expiresAt, expiresAt, "expiry changed by extendLock");
        assertEq(uint256(s.status), uint256(IAccessGrants.GrantStatus.Active), "status");
    }
}
