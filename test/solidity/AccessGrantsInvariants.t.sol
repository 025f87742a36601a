// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessGrants} from "../../contracts/AccessGrants.sol";
import {IAccessGrants} from "../../contracts/interfaces/IAccessGrants.sol";
import {TestBase} from "../utils/Vm.sol";
import {AccessGrantsHandler} from "./AccessGrantsHandler.sol";

/// @notice Invariants of AccessGrants under random sequences of the handler's actions.
/// @dev Hardhat 3 (EDR) selects invariant targets the Foundry way, by calling these functions of the
/// test contract: `targetContracts()`, `targetSelectors()` (also `targetSenders`, `targetArtifacts`,
/// `targetInterfaces`, `excludeContracts`, `excludeSenders`, `excludeSelectors`...). Without them
/// every contract deployed in `setUp` is called at random, the contract under test included.
/// Runs and depth come from `test.solidity.invariant` in hardhat.config.ts (defaults 256 x 500,
/// far too slow for `npm test`); the inline directives below cap them for the `default` test profile
/// only, so a deeper profile (e.g. `test.solidity.profiles.deep.invariant = {runs: 256, depth: 500}`,
/// run with `--test-profile deep`) uses its own values. Inline directives win over the config.
/// forge-config: default.invariant.runs = 64
/// forge-config: default.invariant.depth = 96
contract AccessGrantsInvariantTest is TestBase {
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    uint64 internal constant START = 1_700_000_000;

    AccessGrants internal grants;
    AccessGrantsHandler internal handler;

    function setUp() public {
        vm.warp(START);
        grants = new AccessGrants();
        handler = new AccessGrantsHandler(grants);
        vm.label(address(grants), "AccessGrants");
        vm.label(address(handler), "AccessGrantsHandler");
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](13);
        selectors[0] = AccessGrantsHandler.grant.selector;
        selectors[1] = AccessGrantsHandler.grantBySignature.selector;
        selectors[2] = AccessGrantsHandler.revoke.selector;
        selectors[3] = AccessGrantsHandler.revokeBySignature.selector;
        selectors[4] = AccessGrantsHandler.release.selector;
        selectors[5] = AccessGrantsHandler.extendLock.selector;
        selectors[6] = AccessGrantsHandler.extendExpiry.selector;
        selectors[7] = AccessGrantsHandler.replace.selector;
        selectors[8] = AccessGrantsHandler.signRequest.selector;
        selectors[9] = AccessGrantsHandler.submitRequest.selector;
        selectors[10] = AccessGrantsHandler.tryMulticallRequests.selector;
        selectors[11] = AccessGrantsHandler.warp.selector;
        selectors[12] = AccessGrantsHandler.warpToEdge.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }

    /// @notice Every call's outcome (success, or the exact custom error) was the one the model predicted.
    function invariant_callOutcomesMatchModel() public view {
        assertEq(handler.mismatches(), 0, handler.firstMismatch());
    }

    /// @notice For every grant id, getGrant equals the ghost model (status with Expired derived, lock, expiry).
    function invariant_stateMatchesGhostModel() public view {
        bytes32[] memory ids = handler.allIds();
        IAccessGrants.GrantState[] memory expected = handler.allExpectedStates();
        for (uint256 i = 0; i < ids.length; ++i) {
            IAccessGrants.GrantState memory actual = grants.getGrant(ids[i]);
            assertEq(
                uint256(actual.status),
                uint256(expected[i].status),
                "status differs from the model"
            );
            assertEq(
                actual.lockedUntil,
                expected[i].lockedUntil,
                "lockedUntil differs from the model"
            );
            assertEq(actual.expiresAt, expected[i].expiresAt, "expiresAt differs from the model");
            assertEq(
                actual.generation,
                expected[i].generation,
                "generation differs from the model"
            );
        }
    }

    /// @notice R3 of the review: no sequence of actions of owners alone (grant, revoke, extend,
    /// replace, directly or signed, alone or batched) makes a grant stop being granted before the lock
    /// its owner agreed to; only its grantee can end it sooner. Judged from observed outcomes only:
    /// `protectedUntil` is the lock of the life as granted or extended, whatever the model says.
    function invariant_noOwnerActionEndsLockedGrantEarly() public view {
        bytes32[] memory ids = handler.allIds();
        AccessGrantsHandler.Key[] memory keys = handler.allKeys();
        (uint64[] memory until, bool[] memory released, ) = handler.allProtections();
        for (uint256 i = 0; i < ids.length; ++i) {
            if (released[i] || block.timestamp >= until[i]) continue;
            AccessGrantsHandler.Key memory k = keys[i];
            assertTrue(
                grants.isGranted(k.owner, k.grantee, k.dataHash, k.purpose),
                "a locked grant ended before its lock, without its grantee"
            );
        }
    }

    /// @notice R4 of the review: every signed request that succeeded was made for the life its grant
    /// (and, for Replace, the new grant id) was in, counted from observed successes; and the contract's
    /// generation of each id is that count of lives.
    function invariant_noSignatureActsOnLaterLife() public view {
        assertEq(handler.staleSuccesses(), 0, handler.firstStaleSuccess());
        bytes32[] memory ids = handler.allIds();
        (, , uint64[] memory lifeCounts) = handler.allProtections();
        for (uint256 i = 0; i < ids.length; ++i) {
            assertEq(grants.getGrant(ids[i]).generation, lifeCounts[i], "generation != lives");
        }
    }

    /// @notice isGranted is true exactly for grants getGrant reports Active, and never for a grant the
    /// model has as revoked, released, replaced, expired or never made.
    function invariant_endedOrExpiredNeverGranted() public view {
        bytes32[] memory ids = handler.allIds();
        AccessGrantsHandler.Key[] memory keys = handler.allKeys();
        IAccessGrants.GrantState[] memory expected = handler.allExpectedStates();
        for (uint256 i = 0; i < ids.length; ++i) {
            AccessGrantsHandler.Key memory k = keys[i];
            bool granted = grants.isGranted(k.owner, k.grantee, k.dataHash, k.purpose);
            IAccessGrants.GrantStatus status = grants.getGrant(ids[i]).status;
            assertEq(
                granted,
                status == IAccessGrants.GrantStatus.Active,
                "isGranted disagrees with getGrant"
            );
            if (expected[i].status != IAccessGrants.GrantStatus.Active) {
                assertFalse(granted, "an ended or expired grant is granted");
            }
        }
    }

    /// @notice No owner revocation (direct or signed) ever succeeded before the grant's lockedUntil.
    function invariant_noRevokeBeforeLock() public view {
        AccessGrantsHandler.RevokeRecord[] memory revokes = handler.allRevokes();
        for (uint256 i = 0; i < revokes.length; ++i) {
            assertGe(revokes[i].at, revokes[i].lockedUntil, "revoked before lockedUntil");
        }
    }

    /// @notice The lock of a grant never goes down while it is the same grant (only a new grant on an
    /// ended or expired id starts afresh), and a replacement's lock is never shorter than the old one.
    function invariant_lockNeverDecreases() public view {
        assertEq(handler.lockDecreases(), 0, handler.firstLockDecrease());
    }

    /// @notice Every grant ever made or extended has expiresAt == 0 or expiresAt >= lockedUntil.
    function invariant_expiryNeverBeforeLock() public view {
        bytes32[] memory ids = handler.allIds();
        for (uint256 i = 0; i < ids.length; ++i) {
            IAccessGrants.GrantState memory s = grants.getGrant(ids[i]);
            if (s.status == IAccessGrants.GrantStatus.None) continue;
            assertTrue(
                s.expiresAt == 0 || s.expiresAt >= s.lockedUntil,
                "expiresAt before lockedUntil"
            );
        }
    }

    /// @notice The nonce bitmaps equal the model: a nonce is spent exactly by a successful signed call.
    function invariant_noncesMatchGhostModel() public view {
        address[] memory owners = handler.allOwners();
        uint256 words = handler.nonceWords();
        for (uint256 i = 0; i < owners.length; ++i) {
            for (uint256 w = 0; w < words; ++w) {
                assertEq(
                    grants.nonceBitmap(owners[i], w),
                    handler.ghostNonces(owners[i], w),
                    "nonce bitmap differs"
                );
            }
        }
    }
}
