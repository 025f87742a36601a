// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../../contracts/interfaces/IAccessGrants.sol";
import {AccessGrantsTestBase} from "./AccessGrantsTestBase.sol";

/// @notice Tests of the review findings of issue 11 on AccessGrants (R3, R4, R5), with fuzz twins.
/// Runs per fuzz test come from `test.solidity.fuzz.runs` in hardhat.config.ts (or a test profile).
contract AccessGrantsFindingsTest is AccessGrantsTestBase {
    // ------------------------------------------------------------------ review findings (issue 11)

    /// @dev R3: while a grant is locked, `replace` with any data (nothing on-chain tells corrected data
    /// from junk) must not end it: the original stays granted until its lock, so the owner cannot then
    /// re-grant it without a lock and revoke it. (On the contracts before the fix, isGranted turned false.)
    function test_R3_replaceDoesNotEndLockedGrantEarly() public {
        bytes32 id = _grant(START + 365 days, 0);
        vm.prank(owner);
        grants.replace(_key(DATA), keccak256("junk"), START + 365 days, 0);
        assertTrue(
            grants.isGranted(owner, grantee, DATA, PURPOSE),
            "locked grant ended by replace"
        );
        // The owner's follow-up of the attack: re-grant without a lock, then revoke. Both refused.
        vm.expectRevert(
            abi.encodeWithSelector(IAccessGrants.AccessGrantsAlreadyActive.selector, id)
        );
        vm.prank(owner);
        grants.grant(_params(DATA, 0, 0));
        vm.expectRevert(_errLocked(id, START + 365 days));
        vm.prank(owner);
        grants.revoke(_key(DATA));
        vm.warp(START + 365 days - 1);
        assertTrue(grants.isGranted(owner, grantee, DATA, PURPOSE), "ended before its lock");
        vm.warp(START + 365 days);
        assertFalse(grants.isGranted(owner, grantee, DATA, PURPOSE), "in force after its lock");
    }

    /// @dev R3, rectification still works: the grantee, having the corrected data, may end the old
    /// grant at once (its consent), and the new grant carries the lock.
    function test_R3_granteeMayReleaseReplacedLockedGrant() public {
        bytes32 id = _grant(START + 30 days, 0);
        vm.prank(owner);
        bytes32 newId = grants.replace(_key(DATA), DATA2, START + 30 days, 0);
        vm.prank(grantee);
        grants.release(owner, DATA, PURPOSE);
        _assertState(
            id,
            IAccessGrants.GrantStatus.Released,
            START + 30 days,
            START + 30 days,
            "old"
        );
        _assertState(newId, IAccessGrants.GrantStatus.Active, START + 30 days, 0, "new");
    }

    /// @dev R4: the owner signs a Grant for a relayer, then grants directly; the relayer's submission
    /// reverts (before the fix: AlreadyActive) and leaves its nonce unspent while the signature sits in
    /// public calldata. After the owner revokes, anyone re-submitting it must fail: it was made for
    /// generation 0, and the grant is in generation 1.
    function test_R4_revertedGrantSignatureCannotReviveRevokedGrant() public {
        IAccessGrants.GrantParams memory p = _params(DATA, 0, 0);
        IAccessGrants.Authorization memory auth = _grantAuth(OWNER_PK, owner, p, 1, START + 1 days);
        bytes32 id = _grant(0, 0);
        vm.expectRevert(_errInvalidSignature(owner));
        vm.prank(relayer);
        grants.grantBySignature(owner, p, auth);
        assertFalse(grants.isNonceUsed(owner, 1), "nonce spent by a reverted call");
        vm.prank(owner);
        grants.revoke(_key(DATA));
        vm.expectRevert(_errInvalidSignature(owner));
        vm.prank(relayer);
        grants.grantBySignature(owner, p, auth);
        assertFalse(grants.isGranted(owner, grantee, DATA, PURPOSE), "revoked grant revived");
        assertEq(grants.getGrant(id).generation, 1, "generation");
    }

    /// @dev R4: an ExtendLock signed for one life of the grant must not lock a later grant that the
    /// owner made on purpose without a lock.
    function test_R4_staleExtendLockCannotLockLaterGrant() public {
        bytes32 id = _grant(0, 0);
        IAccessGrants.Authorization memory auth = _auth(
            OWNER_PK,
            _extendLockDigest(_key(DATA), START + 365 days, 1, 5, START + 1 days),
            5,
            START + 1 days
        );
        vm.startPrank(owner);
        grants.revoke(_key(DATA));
        grants.grant(_params(DATA, 0, 0));
        vm.stopPrank();
        vm.expectRevert(_errInvalidSignature(owner));
        vm.prank(relayer);
        grants.extendLockBySignature(owner, _key(DATA), START + 365 days, auth);
        _assertState(id, IAccessGrants.GrantStatus.Active, 0, 0, "later grant");
        assertEq(grants.getGrant(id).generation, 2, "generation");
    }

    /// @dev R4, for any number of lives and any life a Grant request was signed for: it is accepted
    /// exactly when the grant is still in that life (and ended), and never on a later one.
    function testFuzz_R4_grantSignatureOnlyForItsLife(uint8 livesSeed, uint8 signedSeed) public {
        uint64 lives = uint64(bound(livesSeed, 0, 6));
        uint64 signedFor = uint64(bound(signedSeed, 0, 7));
        IAccessGrants.GrantParams memory p = _params(DATA, 0, 0);
        IAccessGrants.Authorization memory auth = _auth(
            OWNER_PK,
            _grantDigestAt(owner, p, signedFor, 9, START + 1 days),
            9,
            START + 1 days
        );
        vm.startPrank(owner);
        for (uint64 i = 0; i < lives; ++i) {
            grants.grant(p);
            grants.revoke(_key(DATA));
        }
        vm.stopPrank();
        assertEq(grants.getGrant(_id(DATA)).generation, lives, "lives");
        if (signedFor != lives) vm.expectRevert(_errInvalidSignature(owner));
        vm.prank(relayer);
        grants.grantBySignature(owner, p, auth);
        assertEq(grants.isGranted(owner, grantee, DATA, PURPOSE), signedFor == lives, "granted");
    }

    function test_getGrant_generationCountsLives() public {
        assertEq(grants.getGrant(_id(DATA)).generation, 0, "never granted");
        _grant(0, 0);
        assertEq(grants.getGrant(_id(DATA)).generation, 1, "first life");
        vm.startPrank(owner);
        grants.revoke(_key(DATA));
        assertEq(grants.getGrant(_id(DATA)).generation, 1, "ending keeps the generation");
        grants.grant(_params(DATA, 0, 0));
        assertEq(grants.getGrant(_id(DATA)).generation, 2, "second life");
        grants.replace(_key(DATA), DATA2, 0, 0);
        grants.replace(_key(DATA2), DATA, 0, 0);
        vm.stopPrank();
        assertEq(grants.getGrant(_id(DATA)).generation, 3, "replace target starts a life");
        assertEq(grants.getGrant(_id(DATA2)).generation, 1, "other id");
    }

    /// @dev R5: a request someone copied from the mempool and landed first fails alone in the
    /// relayer's batch; the other owners' requests go through, and the failure is reported.
    function test_R5_tryMulticall_frontRunItemFailsAlone() public {
        IAccessGrants.GrantParams memory p1 = _params(DATA, 0, 0);
        IAccessGrants.GrantParams memory p2 = _params(DATA2, 0, 0);
        IAccessGrants.Authorization memory a1 = _grantAuth(OWNER_PK, owner, p1, 1, START);
        IAccessGrants.Authorization memory a2 = _grantAuth(OWNER_PK, owner, p2, 2, START);
        bytes[] memory calls = new bytes[](2);
        calls[0] = abi.encodeCall(IAccessGrants.grantBySignature, (owner, p1, a1));
        calls[1] = abi.encodeCall(IAccessGrants.grantBySignature, (owner, p2, a2));
        vm.prank(grantee); // the front-runner
        grants.grantBySignature(owner, p1, a1);

        bytes memory reason = _errNonceUsed(owner, 1);
        vm.expectEmit(true, true, true, true, address(grants));
        emit IAccessGrants.BatchItemFailed(relayer, 0, reason);
        vm.prank(relayer);
        IAccessGrants.Result[] memory results = grants.tryMulticall(calls);
        assertFalse(results[0].success, "front-run item succeeded");
        assertEq(keccak256(results[0].returnData), keccak256(reason), "revert data");
        assertTrue(results[1].success, "other item failed");
        assertEq(abi.decode(results[1].returnData, (bytes32)), _id(DATA2), "returned id");
        assertTrue(grants.isGranted(owner, grantee, DATA2, PURPOSE), "second request lost");
    }

    /// @dev R5: a failing item's own state changes are undone (its nonce stays unspent).
    function test_R5_tryMulticall_failedItemChangesNothing() public {
        bytes32 id = _grant(START + 10 days, 0);
        IAccessGrants.Authorization memory auth = _auth(
            OWNER_PK,
            _revokeDigest(owner, _key(DATA), 3, START + 20 days),
            3,
            START + 20 days
        );
        bytes[] memory calls = new bytes[](1);
        calls[0] = abi.encodeCall(IAccessGrants.revokeBySignature, (owner, _key(DATA), auth));
        vm.prank(relayer);
        IAccessGrants.Result[] memory results = grants.tryMulticall(calls);
        assertFalse(results[0].success, "revoke of a locked grant succeeded");
        assertEq(
            keccak256(results[0].returnData),
            keccak256(_errLocked(id, START + 10 days)),
            "revert data"
        );
        assertFalse(grants.isNonceUsed(owner, 3), "failed item spent its nonce");
        _assertState(id, IAccessGrants.GrantStatus.Active, START + 10 days, 0, "grant");
    }

    /// @dev Owner calls through tryMulticall act as the caller (delegatecall keeps msg.sender).
    function test_tryMulticall_actsAsCaller() public {
        bytes[] memory calls = new bytes[](2);
        calls[0] = abi.encodeCall(IAccessGrants.grant, (_params(DATA, 0, 0)));
        calls[1] = abi.encodeCall(IAccessGrants.grant, (_params(DATA2, 0, 0)));
        vm.prank(owner);
        IAccessGrants.Result[] memory results = grants.tryMulticall(calls);
        assertTrue(results[0].success && results[1].success, "owner calls failed");
        assertTrue(grants.isGranted(owner, grantee, DATA, PURPOSE), "not granted as the caller");
        assertTrue(grants.grantIsActive(_id(DATA2)), "grantIsActive");
    }
}
