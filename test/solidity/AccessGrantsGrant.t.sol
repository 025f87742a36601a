// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../../contracts/interfaces/IAccessGrants.sol";
import {AccessGrantsTestBase} from "./AccessGrantsTestBase.sol";

/// @notice Fuzz tests of AccessGrants' grant id, grant terms, activity and expiry, and events, each
/// with fixed-input twins for the edge cases.
/// Runs per fuzz test come from `test.solidity.fuzz.runs` in hardhat.config.ts (or a test profile).
contract AccessGrantsGrantTest is AccessGrantsTestBase {
    // ------------------------------------------------------------------ grant id

    function test_computeGrantId_matchesAbiEncode() public view {
        assertEq(
            grants.computeGrantId(owner, grantee, DATA, PURPOSE),
            keccak256(abi.encode(owner, grantee, DATA, PURPOSE)),
            "computeGrantId"
        );
        assertEq(
            grants.computeGrantId(address(0), address(0), bytes32(0), bytes32(0)),
            keccak256(new bytes(128)),
            "computeGrantId of zeros"
        );
    }

    function testFuzz_computeGrantId_matchesAbiEncode(
        address o,
        address g,
        bytes32 dataHash,
        bytes32 purpose
    ) public view {
        assertEq(
            grants.computeGrantId(o, g, dataHash, purpose),
            keccak256(abi.encode(o, g, dataHash, purpose)),
            "computeGrantId"
        );
    }

    /// @dev The id is hashed in assembly from the raw words: an address argument with dirty upper
    /// bits must be rejected by the ABI decoder, not hashed into a second id for the same address.
    function testFuzz_computeGrantId_dirtyAddressRejected(
        uint256 dirtyOwner,
        uint256 dirtyGrantee
    ) public view {
        vm.assume(dirtyOwner >> 160 != 0 || dirtyGrantee >> 160 != 0);
        (bool ok, ) = address(grants).staticcall(
            abi.encodeWithSelector(
                grants.computeGrantId.selector,
                dirtyOwner,
                dirtyGrantee,
                DATA,
                PURPOSE
            )
        );
        assertFalse(ok, "computeGrantId accepted a dirty address");
        (ok, ) = address(grants).staticcall(
            abi.encodeWithSelector(
                grants.isGranted.selector,
                dirtyOwner,
                dirtyGrantee,
                DATA,
                PURPOSE
            )
        );
        assertFalse(ok, "isGranted accepted a dirty address");
    }

    // ------------------------------------------------------------------ grant terms

    function test_grant_expiryEqualToLockSucceeds() public {
        bytes32 id = _grant(START + 100, START + 100);
        _assertState(id, IAccessGrants.GrantStatus.Active, START + 100, START + 100, "grant");
    }

    function test_grant_expiryNowReverts() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessGrants.AccessGrantsInvalidExpiry.selector,
                START,
                START + 1
            )
        );
        vm.prank(owner);
        grants.grant(_params(DATA, 0, START));
    }

    /// @dev For any grantee and data hash: a grant to nobody or to oneself reverts
    /// InvalidGrantee, a zero data hash InvalidDataHash, anything else is granted.
    function testFuzz_grant_granteeAndDataHashRules(address to, bytes32 dataHash) public {
        // The fuzzer rarely finds the owner or a zero hash by itself.
        if (uint160(to) % 4 == 0) to = owner;
        if (uint256(dataHash) % 4 == 1) dataHash = bytes32(0);
        bytes memory err;
        if (to == address(0) || to == owner) {
            err = abi.encodeWithSelector(IAccessGrants.AccessGrantsInvalidGrantee.selector, to);
        } else if (dataHash == bytes32(0)) {
            err = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsInvalidDataHash.selector,
                dataHash
            );
        }
        if (err.length != 0) vm.expectRevert(err);
        vm.prank(owner);
        grants.grant(
            IAccessGrants.GrantParams({
                grantee: to,
                dataHash: dataHash,
                purpose: PURPOSE,
                lockedUntil: 0,
                expiresAt: 0
            })
        );
        assertEq(grants.isGranted(owner, to, dataHash, PURPOSE), err.length == 0, "granted");
    }

    /// @dev For any lock and expiry: the grant succeeds iff the expiry is 0 or at least
    /// max(lock, now + 1), and then stores both exactly.
    function testFuzz_grant_expiryRule(uint64 lockedUntil, uint64 expiresAt) public {
        uint64 minimum = lockedUntil > _now() ? lockedUntil : _now() + 1;
        bool valid = expiresAt == 0 || expiresAt >= minimum;
        if (!valid) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessGrants.AccessGrantsInvalidExpiry.selector,
                    expiresAt,
                    minimum
                )
            );
        }
        vm.prank(owner);
        grants.grant(_params(DATA, lockedUntil, expiresAt));
        if (valid) {
            _assertState(
                _id(DATA),
                IAccessGrants.GrantStatus.Active,
                lockedUntil,
                expiresAt,
                "grant"
            );
            assertTrue(grants.isGranted(owner, grantee, DATA, PURPOSE), "granted");
        } else {
            _assertState(_id(DATA), IAccessGrants.GrantStatus.None, 0, 0, "refused grant");
        }
    }

    // ------------------------------------------------------------------ activity and expiry

    function test_isGranted_falseFromExpiryOn() public {
        bytes32 id = _grant(0, START + 100);
        vm.warp(START + 99);
        assertTrue(
            grants.isGranted(owner, grantee, DATA, PURPOSE),
            "granted one second before expiry"
        );
        _assertState(id, IAccessGrants.GrantStatus.Active, 0, START + 100, "before expiry");
        vm.warp(START + 100);
        assertFalse(grants.isGranted(owner, grantee, DATA, PURPOSE), "granted at expiry");
        _assertState(id, IAccessGrants.GrantStatus.Expired, 0, START + 100, "at expiry");
        // An expired grant can neither be revoked nor released, and can be granted again.
        vm.expectRevert(_errNotActive(id));
        vm.prank(owner);
        grants.revoke(_key(DATA));
        vm.expectRevert(_errNotActive(id));
        vm.prank(grantee);
        grants.release(owner, DATA, PURPOSE);
        _grant(0, 0);
        _assertState(id, IAccessGrants.GrantStatus.Active, 0, 0, "re-granted");
    }

    /// @dev For any terms and any later time: isGranted iff stored Active and (no expiry or now <
    /// expiresAt); getGrant says Expired exactly when it is not; lock and expiry never change.
    function testFuzz_isGranted_iffActiveAndBeforeExpiry(
        TermSeeds memory seeds,
        uint32 elapsed
    ) public {
        (bytes32 id, uint64 lockedUntil, uint64 expiresAt) = _grantValid(seeds);
        vm.warp(uint256(START) + elapsed);
        bool expected = expiresAt == 0 || block.timestamp < expiresAt;
        assertEq(grants.isGranted(owner, grantee, DATA, PURPOSE), expected, "isGranted");
        _assertState(
            id,
            expected ? IAccessGrants.GrantStatus.Active : IAccessGrants.GrantStatus.Expired,
            lockedUntil,
            expiresAt,
            "after warp"
        );
        if (expiresAt != 0) {
            vm.warp(expiresAt);
            assertFalse(grants.isGranted(owner, grantee, DATA, PURPOSE), "granted at expiry");
            _assertState(
                id,
                IAccessGrants.GrantStatus.Expired,
                lockedUntil,
                expiresAt,
                "at expiry"
            );
        }
    }

    // ------------------------------------------------------------------ events

    function test_replace_emitsGrantReplaced() public {
        _grant(START + 30 days, 0);
        _replaceExpectingEvent(true, START + 30 days, START + 31 days, START + 40 days);
    }

    function test_replace_afterLockEmitsReplacedStatus() public {
        _grant(START + 30 days, START + 90 days);
        vm.warp(START + 30 days);
        _replaceExpectingEvent(false, START + 90 days, START + 30 days, 0);
    }

    /// @dev Replaces DATA's grant (first life, locked until START + 30 days) with DATA2 on the given
    /// terms, expecting GrantReplaced with the old grant's state after it: still Active (its lock
    /// in force) or Replaced, with `oldExpiresAt`.
    function _replaceExpectingEvent(
        bool oldStaysActive,
        uint64 oldExpiresAt,
        uint64 lockedUntil,
        uint64 expiresAt
    ) internal {
        vm.expectEmit(true, true, true, true, address(grants));
        emit IAccessGrants.GrantReplaced(
            _id(DATA),
            _id(DATA2),
            owner,
            grantee,
            DATA,
            DATA2,
            PURPOSE,
            oldStaysActive ? IAccessGrants.GrantStatus.Active : IAccessGrants.GrantStatus.Replaced,
            START + 30 days,
            oldExpiresAt,
            1,
            lockedUntil,
            expiresAt,
            1
        );
        vm.prank(owner);
        grants.replace(_key(DATA), DATA2, lockedUntil, expiresAt);
    }

    /// @dev For any terms, the events of a grant's life carry its full key and its state after the
    /// change: GrantCreated with the terms, then GrantRevoked (at the lock) or GrantReleased with
    /// the same, unchanged lock and expiry, so an indexer never needs to read state.
    function testFuzz_events_carryKeyAndTerms(TermSeeds memory seeds, bool byGrantee) public {
        (uint64 lockedUntil, uint64 expiresAt) = _validTerms(seeds);
        bytes32 id = _id(DATA);
        vm.expectEmit(true, true, true, true, address(grants));
        emit IAccessGrants.GrantCreated(
            id,
            owner,
            grantee,
            DATA,
            PURPOSE,
            lockedUntil,
            expiresAt,
            1
        );
        _grant(lockedUntil, expiresAt);

        // The owner can revoke once the lock has passed, unless the grant expires at that moment.
        if (!byGrantee && (expiresAt == 0 || expiresAt > lockedUntil)) {
            if (lockedUntil > block.timestamp) vm.warp(lockedUntil);
            vm.expectEmit(true, true, true, true, address(grants));
            emit IAccessGrants.GrantRevoked(
                id,
                owner,
                grantee,
                DATA,
                PURPOSE,
                lockedUntil,
                expiresAt,
                1
            );
            vm.prank(owner);
            grants.revoke(_key(DATA));
        } else {
            vm.expectEmit(true, true, true, true, address(grants));
            emit IAccessGrants.GrantReleased(
                id,
                owner,
                grantee,
                DATA,
                PURPOSE,
                lockedUntil,
                expiresAt,
                1
            );
            vm.prank(grantee);
            grants.release(owner, DATA, PURPOSE);
        }
    }
}
