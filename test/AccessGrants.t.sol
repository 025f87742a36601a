// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessGrants} from "../contracts/AccessGrants.sol";
import {IAccessGrants} from "../contracts/interfaces/IAccessGrants.sol";
import {TestBase} from "./utils/Vm.sol";

/// @notice Fuzz tests of AccessGrants' rules, each with fixed-input twins for the edge cases.
/// Runs per fuzz test come from `test.solidity.fuzz.runs` in hardhat.config.ts (or a test profile).
contract AccessGrantsTest is TestBase {
    bytes32 private constant GRANT_TYPEHASH = keccak256(
        "Grant(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 lockedUntil,uint64 expiresAt,uint64 generation,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant EXTEND_LOCK_TYPEHASH = keccak256(
        "ExtendLock(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 lockedUntil,uint64 generation,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant EXTEND_EXPIRY_TYPEHASH = keccak256(
        "ExtendExpiry(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 expiresAt,uint64 generation,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant REPLACE_TYPEHASH = keccak256(
        "Replace(address owner,address grantee,bytes32 dataHash,bytes32 purpose,bytes32 newDataHash,uint64 lockedUntil,uint64 expiresAt,uint64 generation,uint64 newGeneration,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant REVOKE_TYPEHASH = keccak256(
        "Revoke(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 generation,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

    uint64 internal constant START = 1_700_000_000;
    uint256 internal constant OWNER_PK = 0xA11CE;
    uint256 internal constant GRANTEE_PK = 0xB0B;
    uint256 internal constant RELAYER_PK = 0xCAFE;

    bytes32 internal constant DATA = keccak256("data-1");
    bytes32 internal constant DATA2 = keccak256("data-2");
    bytes32 internal constant PURPOSE = keccak256("onboarding");

    AccessGrants internal grants;
    address internal owner;
    address internal grantee;
    address internal relayer;

    function setUp() public {
        vm.warp(START);
        grants = new AccessGrants();
        owner = vm.addr(OWNER_PK);
        grantee = vm.addr(GRANTEE_PK);
        relayer = vm.addr(RELAYER_PK);
        vm.label(address(grants), "AccessGrants");
        vm.label(owner, "owner");
        vm.label(grantee, "grantee");
        vm.label(relayer, "relayer");
    }

    // ------------------------------------------------------------------ helpers

    function _params(
        bytes32 dataHash,
        uint64 lockedUntil,
        uint64 expiresAt
    ) internal view returns (IAccessGrants.GrantParams memory) {
        return
            IAccessGrants.GrantParams({
                grantee: grantee,
                dataHash: dataHash,
                purpose: PURPOSE,
                lockedUntil: lockedUntil,
                expiresAt: expiresAt
            });
    }

    function _key(bytes32 dataHash) internal view returns (IAccessGrants.GrantKey memory) {
        return IAccessGrants.GrantKey({grantee: grantee, dataHash: dataHash, purpose: PURPOSE});
    }

    function _id(bytes32 dataHash) internal view returns (bytes32) {
        return keccak256(abi.encode(owner, grantee, dataHash, PURPOSE));
    }

    /// @dev The owner grants `DATA` to the grantee with the given lock and expiry.
    function _grant(uint64 lockedUntil, uint64 expiresAt) internal returns (bytes32 id) {
        vm.prank(owner);
        id = grants.grant(_params(DATA, lockedUntil, expiresAt));
        assertEq(id, _id(DATA), "grant id");
    }

    function _now() internal view returns (uint64) {
        return uint64(block.timestamp);
    }

    function _max(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a : b;
    }

    /// @dev A valid (lock, expiry) pair for a grant made now: any lock up to a year ahead (0, past
    /// and future), and either no expiry or one between the earliest allowed value and two years on.
    function _validTerms(
        uint256 lockSeed,
        uint256 expirySeed,
        bool neverExpires
    ) internal view returns (uint64 lockedUntil, uint64 expiresAt) {
        lockedUntil = uint64(bound(lockSeed, 0, uint256(_now()) + 365 days));
        if (neverExpires) return (lockedUntil, 0);
        uint256 minimum = lockedUntil > _now() ? lockedUntil : uint256(_now()) + 1;
        expiresAt = uint64(bound(expirySeed, minimum, uint256(_now()) + 730 days));
    }

    function _assertState(
        bytes32 id,
        IAccessGrants.GrantStatus status,
        uint64 lockedUntil,
        uint64 expiresAt,
        string memory what
    ) internal view {
        IAccessGrants.GrantState memory s = grants.getGrant(id);
        assertEq(uint256(s.status), uint256(status), string.concat(what, ": status"));
        assertEq(s.lockedUntil, lockedUntil, string.concat(what, ": lockedUntil"));
        assertEq(s.expiresAt, expiresAt, string.concat(what, ": expiresAt"));
    }

    function _domainSeparator() internal view returns (bytes32) {
        (
            ,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifying,
            ,

        ) = grants.eip712Domain();
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

    /// @dev The generation a client signs: the grant id's current one, read from the contract.
    function _generation(address signer, bytes32 dataHash) internal view returns (uint64) {
        return
            grants.getGrant(keccak256(abi.encode(signer, grantee, dataHash, PURPOSE))).generation;
    }

    function _grantDigest(
        address signer,
        IAccessGrants.GrantParams memory p,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes32) {
        return _grantDigestAt(signer, p, _generation(signer, p.dataHash), nonce, deadline);
    }

    function _grantDigestAt(
        address signer,
        IAccessGrants.GrantParams memory p,
        uint64 generation,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                GRANT_TYPEHASH,
                signer,
                p.grantee,
                p.dataHash,
                p.purpose,
                p.lockedUntil,
                p.expiresAt,
                generation,
                nonce,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), structHash));
    }

    function _revokeDigest(
        address signer,
        IAccessGrants.GrantKey memory k,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                REVOKE_TYPEHASH,
                signer,
                k.grantee,
                k.dataHash,
                k.purpose,
                _generation(signer, k.dataHash),
                nonce,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), structHash));
    }

    function _extendLockDigest(
        IAccessGrants.GrantKey memory k,
        uint64 lockedUntil,
        uint64 generation,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes32) {
        return
            _digest(
                keccak256(
                    abi.encode(
                        EXTEND_LOCK_TYPEHASH,
                        owner,
                        k.grantee,
                        k.dataHash,
                        k.purpose,
                        lockedUntil,
                        generation,
                        nonce,
                        deadline
                    )
                )
            );
    }

    function _digest(bytes32 structHash) internal view returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), structHash));
    }

    function _sign(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    function _auth(
        uint256 pk,
        bytes32 digest,
        uint256 nonce,
        uint256 deadline
    ) internal pure returns (IAccessGrants.Authorization memory) {
        return
            IAccessGrants.Authorization({
                nonce: nonce,
                deadline: deadline,
                signature: _sign(pk, digest)
            });
    }

    function _errNotActive(bytes32 id) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessGrants.AccessGrantsNotActive.selector, id);
    }

    function _errLocked(bytes32 id, uint64 lockedUntil) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessGrants.AccessGrantsLocked.selector, id, lockedUntil);
    }

    function _errNonceUsed(address signer, uint256 nonce) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessGrants.AccessGrantsNonceUsed.selector, signer, nonce);
    }

    function _errInvalidSignature(address signer) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessGrants.AccessGrantsInvalidSignature.selector, signer);
    }

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
        uint64 lockSeed,
        uint64 expirySeed,
        bool neverExpires,
        uint32 elapsed
    ) public {
        (uint64 lockedUntil, uint64 expiresAt) = _validTerms(lockSeed, expirySeed, neverExpires);
        bytes32 id = _grant(lockedUntil, expiresAt);
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
        uint64 lockSeed,
        uint64 expirySeed,
        bool neverExpires,
        uint64 requestedSeed,
        bool rawRequest
    ) public {
        (uint64 lockedUntil, uint64 expiresAt) = _validTerms(lockSeed, expirySeed, neverExpires);
        bytes32 id = _grant(lockedUntil, expiresAt);
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
        uint64 lockSeed,
        uint64 expirySeed,
        bool neverExpires,
        uint64 requestedSeed,
        uint8 mode
    ) public {
        (uint64 lockedUntil, uint64 expiresAt) = _validTerms(lockSeed, expirySeed, neverExpires);
        bytes32 id = _grant(lockedUntil, expiresAt);
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

    // ------------------------------------------------------------------ events

    function test_replace_emitsGrantReplaced() public {
        bytes32 oldId = _grant(START + 30 days, 0);
        vm.expectEmit(true, true, true, true, address(grants));
        emit IAccessGrants.GrantReplaced(
            oldId,
            _id(DATA2),
            owner,
            grantee,
            DATA,
            DATA2,
            PURPOSE,
            IAccessGrants.GrantStatus.Active,
            START + 30 days,
            START + 30 days,
            1,
            START + 31 days,
            START + 40 days,
            1
        );
        vm.prank(owner);
        grants.replace(_key(DATA), DATA2, START + 31 days, START + 40 days);
    }

    function test_replace_afterLockEmitsReplacedStatus() public {
        bytes32 oldId = _grant(START + 30 days, START + 90 days);
        vm.warp(START + 30 days);
        vm.expectEmit(true, true, true, true, address(grants));
        emit IAccessGrants.GrantReplaced(
            oldId,
            _id(DATA2),
            owner,
            grantee,
            DATA,
            DATA2,
            PURPOSE,
            IAccessGrants.GrantStatus.Replaced,
            START + 30 days,
            START + 90 days,
            1,
            START + 30 days,
            0,
            1
        );
        vm.prank(owner);
        grants.replace(_key(DATA), DATA2, START + 30 days, 0);
    }

    /// @dev For any terms, the events of a grant's life carry its full key and its state after the
    /// change: GrantCreated with the terms, then GrantRevoked (at the lock) or GrantReleased with
    /// the same, unchanged lock and expiry, so an indexer never needs to read state.
    function testFuzz_events_carryKeyAndTerms(
        uint64 lockSeed,
        uint64 expirySeed,
        bool neverExpires,
        bool byGrantee
    ) public {
        (uint64 lockedUntil, uint64 expiresAt) = _validTerms(lockSeed, expirySeed, neverExpires);
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

    // ------------------------------------------------------------------ signed requests

    function test_eip712Domain_isAccessGrantsV1() public view {
        (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifying,
            bytes32 salt,
            uint256[] memory extensions
        ) = grants.eip712Domain();
        assertEq(uint256(uint8(fields)), 0x0f, "fields");
        assertEq(name, "AccessGrants", "name");
        assertEq(version, "1", "version");
        assertEq(chainId, block.chainid, "chainId");
        assertEq(verifying, address(grants), "verifyingContract");
        assertEq(salt, bytes32(0), "salt");
        assertEq(extensions.length, 0, "extensions");
    }

    function test_grantBySignature_worksOnceThenReplayReverts() public {
        IAccessGrants.GrantParams memory p = _params(DATA, 0, 0);
        IAccessGrants.Authorization memory auth = _auth(
            OWNER_PK,
            _grantDigest(owner, p, 0, START),
            0,
            START
        );
        vm.prank(relayer);
        bytes32 id = grants.grantBySignature(owner, p, auth);
        assertEq(id, _id(DATA), "id");
        assertTrue(grants.isGranted(owner, grantee, DATA, PURPOSE), "granted");
        vm.expectRevert(_errNonceUsed(owner, 0));
        vm.prank(relayer);
        grants.grantBySignature(owner, p, auth);
    }

    function test_grantBySignature_tamperedTermsRevert() public {
        IAccessGrants.GrantParams memory p = _params(DATA, START + 30 days, 0);
        IAccessGrants.Authorization memory auth = _auth(
            OWNER_PK,
            _grantDigest(owner, p, 1, START),
            1,
            START
        );
        p.lockedUntil = 0; // the relayer drops the lock the owner signed
        vm.expectRevert(_errInvalidSignature(owner));
        vm.prank(relayer);
        grants.grantBySignature(owner, p, auth);
    }

    /// @dev For any key and nonce: a relayer can submit the owner's signed grant exactly once; the
    /// nonce is then used, and a replay reverts NonceUsed, even after the grant has ended.
    function testFuzz_grantBySignature_worksOnceThenReplayReverts(
        uint256 pkSeed,
        uint256 nonce,
        uint32 deadlineOffset
    ) public {
        uint256 pk = bound(pkSeed, 1, SECP256K1_N - 1);
        address signer = vm.addr(pk);
        vm.assume(signer != grantee);
        uint256 deadline = uint256(START) + deadlineOffset;
        IAccessGrants.GrantParams memory p = _params(DATA, 0, 0);
        IAccessGrants.Authorization memory auth = _auth(
            pk,
            _grantDigest(signer, p, nonce, deadline),
            nonce,
            deadline
        );

        assertFalse(grants.isNonceUsed(signer, nonce), "nonce used before");
        vm.prank(relayer);
        bytes32 id = grants.grantBySignature(signer, p, auth);
        assertEq(id, keccak256(abi.encode(signer, grantee, DATA, PURPOSE)), "id");
        assertTrue(grants.isGranted(signer, grantee, DATA, PURPOSE), "granted");
        assertTrue(grants.isNonceUsed(signer, nonce), "nonce not used");
        assertTrue(
            grants.nonceBitmap(signer, nonce >> 8) & (uint256(1) << (nonce & 0xff)) != 0,
            "nonce bit not set"
        );

        vm.expectRevert(_errNonceUsed(signer, nonce));
        vm.prank(relayer);
        grants.grantBySignature(signer, p, auth);

        // After the grant ends the same signature still cannot re-grant it.
        vm.prank(signer);
        grants.revoke(IAccessGrants.GrantKey({grantee: grantee, dataHash: DATA, purpose: PURPOSE}));
        vm.expectRevert(_errNonceUsed(signer, nonce));
        vm.prank(relayer);
        grants.grantBySignature(signer, p, auth);
    }

    /// @dev Any two different nonces are independent: each works exactly once, in either order, and
    /// using one sets exactly its own bit.
    function testFuzz_grantBySignature_eachNonceOnce(uint256 nonceA, uint256 nonceB) public {
        vm.assume(nonceA != nonceB);
        IAccessGrants.GrantParams memory pA = _params(DATA, 0, 0);
        IAccessGrants.GrantParams memory pB = _params(DATA2, 0, 0);
        IAccessGrants.Authorization memory authA = _auth(
            OWNER_PK,
            _grantDigest(owner, pA, nonceA, START),
            nonceA,
            START
        );
        IAccessGrants.Authorization memory authB = _auth(
            OWNER_PK,
            _grantDigest(owner, pB, nonceB, START),
            nonceB,
            START
        );

        uint256 wordA = grants.nonceBitmap(owner, nonceA >> 8);
        vm.prank(relayer);
        grants.grantBySignature(owner, pA, authA);
        assertEq(
            grants.nonceBitmap(owner, nonceA >> 8),
            wordA | (uint256(1) << (nonceA & 0xff)),
            "exactly nonce A's bit set"
        );
        assertFalse(grants.isNonceUsed(owner, nonceB), "nonce B used by nonce A");

        vm.prank(relayer);
        grants.grantBySignature(owner, pB, authB);
        assertTrue(
            grants.isNonceUsed(owner, nonceA) && grants.isNonceUsed(owner, nonceB),
            "nonces used"
        );

        vm.expectRevert(_errNonceUsed(owner, nonceA));
        vm.prank(relayer);
        grants.grantBySignature(owner, pA, authA);
        vm.expectRevert(_errNonceUsed(owner, nonceB));
        vm.prank(relayer);
        grants.grantBySignature(owner, pB, authB);
    }

    /// @dev A signature by any other key reverts InvalidSignature(owner) and spends nothing: the
    /// owner's own signature with the same nonce still works afterwards.
    function testFuzz_grantBySignature_otherKeyReverts(uint256 otherPkSeed, uint256 nonce) public {
        uint256 otherPk = bound(otherPkSeed, 1, SECP256K1_N - 1);
        vm.assume(otherPk != OWNER_PK);
        IAccessGrants.GrantParams memory p = _params(DATA, 0, 0);
        bytes32 digest = _grantDigest(owner, p, nonce, START);

        vm.expectRevert(_errInvalidSignature(owner));
        vm.prank(relayer);
        grants.grantBySignature(owner, p, _auth(otherPk, digest, nonce, START));
        assertFalse(grants.isNonceUsed(owner, nonce), "nonce spent by a refused signature");
        assertFalse(
            grants.isGranted(owner, grantee, DATA, PURPOSE),
            "granted by a foreign signature"
        );

        vm.prank(relayer);
        grants.grantBySignature(owner, p, _auth(OWNER_PK, digest, nonce, START));
        assertTrue(grants.isGranted(owner, grantee, DATA, PURPOSE), "owner's signature refused");
    }

    function test_grantBySignature_deadlineInclusive() public {
        IAccessGrants.GrantParams memory p = _params(DATA, 0, 0);
        IAccessGrants.Authorization memory late = _auth(
            OWNER_PK,
            _grantDigest(owner, p, 4, START - 1),
            4,
            START - 1
        );
        vm.expectRevert(
            abi.encodeWithSelector(IAccessGrants.AccessGrantsExpiredSignature.selector, START - 1)
        );
        vm.prank(relayer);
        grants.grantBySignature(owner, p, late);
        IAccessGrants.Authorization memory onTime = _auth(
            OWNER_PK,
            _grantDigest(owner, p, 4, START),
            4,
            START
        );
        vm.prank(relayer);
        grants.grantBySignature(owner, p, onTime);
        assertTrue(grants.isGranted(owner, grantee, DATA, PURPOSE), "refused at its deadline");
    }

    /// @dev The deadline is inclusive: accepted up to and including it, refused one second later.
    /// 3 runs in 4 put the deadline within 2 s of now, so the boundary is hit; the rest anywhere.
    function testFuzz_grantBySignature_deadline(uint256 deadlineSeed) public {
        uint256 deadline =
            deadlineSeed % 4 == 0 ? deadlineSeed : uint256(START) - 2 + (deadlineSeed % 5);
        IAccessGrants.GrantParams memory p = _params(DATA, 0, 0);
        IAccessGrants.Authorization memory auth = _auth(
            OWNER_PK,
            _grantDigest(owner, p, 3, deadline),
            3,
            deadline
        );
        if (block.timestamp > deadline) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessGrants.AccessGrantsExpiredSignature.selector,
                    deadline
                )
            );
        }
        vm.prank(relayer);
        grants.grantBySignature(owner, p, auth);
        assertEq(
            grants.isGranted(owner, grantee, DATA, PURPOSE),
            block.timestamp <= deadline,
            "granted"
        );
    }

    /// @dev Each signed request type works once through a relayer; all types share one nonce
    /// space, and a signature for one type is refused by another (the type hash differs).
    function test_signedRequests_allTypesShareNonces() public {
        uint256 d = START + 100 days;
        IAccessGrants.GrantKey memory k = _key(DATA);
        IAccessGrants.GrantParams memory p = _params(DATA, START + 10 days, START + 20 days);
        vm.startPrank(relayer);
        grants.grantBySignature(owner, p, _auth(OWNER_PK, _grantDigest(owner, p, 1, d), 1, d));

        bytes32 lockHash = keccak256(
            abi.encode(
                EXTEND_LOCK_TYPEHASH,
                owner,
                grantee,
                DATA,
                PURPOSE,
                START + 15 days,
                uint64(1),
                2,
                d
            )
        );
        // (Authorizations are built before `expectRevert`: the digest reads eip712Domain().)
        IAccessGrants.Authorization memory lockAuth = _auth(OWNER_PK, _digest(lockHash), 2, d);
        // An ExtendLock signature presented as ExtendExpiry is not the owner's.
        vm.expectRevert(_errInvalidSignature(owner));
        grants.extendExpiryBySignature(owner, k, START + 15 days, lockAuth);
        grants.extendLockBySignature(owner, k, START + 15 days, lockAuth);

        bytes32 expiryHash = keccak256(
            abi.encode(
                EXTEND_EXPIRY_TYPEHASH,
                owner,
                grantee,
                DATA,
                PURPOSE,
                START + 30 days,
                uint64(1),
                3,
                d
            )
        );
        grants.extendExpiryBySignature(
            owner,
            k,
            START + 30 days,
            _auth(OWNER_PK, _digest(expiryHash), 3, d)
        );
        _assertState(
            _id(DATA),
            IAccessGrants.GrantStatus.Active,
            START + 15 days,
            START + 30 days,
            "extended"
        );

        bytes32 replaceHash = keccak256(
            abi.encode(
                REPLACE_TYPEHASH,
                owner,
                grantee,
                DATA,
                PURPOSE,
                DATA2,
                START + 15 days,
                uint64(0),
                uint64(1),
                uint64(0),
                4,
                d
            )
        );
        bytes32 newId = grants.replaceBySignature(
            owner,
            k,
            DATA2,
            START + 15 days,
            0,
            _auth(OWNER_PK, _digest(replaceHash), 4, d)
        );
        _assertState(newId, IAccessGrants.GrantStatus.Active, START + 15 days, 0, "replacement");

        // Nonce 1 was spent by a Grant request: a Revoke request with nonce 1 is refused.
        IAccessGrants.GrantKey memory k2 = _key(DATA2);
        vm.warp(START + 15 days);
        IAccessGrants.Authorization memory reused = _auth(
            OWNER_PK,
            _revokeDigest(owner, k2, 1, d),
            1,
            d
        );
        vm.expectRevert(_errNonceUsed(owner, 1));
        grants.revokeBySignature(owner, k2, reused);
        grants.revokeBySignature(owner, k2, _auth(OWNER_PK, _revokeDigest(owner, k2, 5, d), 5, d));
        _assertState(newId, IAccessGrants.GrantStatus.Revoked, START + 15 days, 0, "revoked");
        vm.stopPrank();
        assertEq(grants.nonceBitmap(owner, 0), 0x3e, "nonces 1 to 5 spent");
    }

    /// @dev An owner can cancel any unused nonce; a signature over it is then refused.
    function testFuzz_invalidateNonces_blocksSignature(uint256 nonce) public {
        IAccessGrants.GrantParams memory p = _params(DATA, 0, 0);
        IAccessGrants.Authorization memory auth = _auth(
            OWNER_PK,
            _grantDigest(owner, p, nonce, START),
            nonce,
            START
        );
        vm.prank(owner);
        grants.invalidateNonces(nonce >> 8, uint256(1) << (nonce & 0xff));
        assertTrue(grants.isNonceUsed(owner, nonce), "nonce not cancelled");
        vm.expectRevert(_errNonceUsed(owner, nonce));
        vm.prank(relayer);
        grants.grantBySignature(owner, p, auth);
    }

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
        IAccessGrants.Authorization memory auth = _auth(
            OWNER_PK,
            _grantDigest(owner, p, 1, START + 1 days),
            1,
            START + 1 days
        );
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
        IAccessGrants.Authorization memory a1 = _auth(
            OWNER_PK,
            _grantDigest(owner, p1, 1, START),
            1,
            START
        );
        IAccessGrants.Authorization memory a2 = _auth(
            OWNER_PK,
            _grantDigest(owner, p2, 2, START),
            2,
            START
        );
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
