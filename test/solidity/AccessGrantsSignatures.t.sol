// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../../contracts/interfaces/IAccessGrants.sol";
import {AccessGrantsTestBase} from "./AccessGrantsTestBase.sol";
import {
    EXTEND_LOCK_TYPEHASH,
    EXTEND_EXPIRY_TYPEHASH,
    REPLACE_TYPEHASH
} from "./AccessGrantsEip712.sol";

/// @notice Fuzz tests of AccessGrants' signed requests (EIP-712 domain, nonces, deadlines, keys),
/// each with fixed-input twins for the edge cases.
/// Runs per fuzz test come from `test.solidity.fuzz.runs` in hardhat.config.ts (or a test profile).
contract AccessGrantsSignaturesTest is AccessGrantsTestBase {
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
        IAccessGrants.Authorization memory auth = _grantAuth(OWNER_PK, owner, p, 0, START);
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
        IAccessGrants.Authorization memory auth = _grantAuth(OWNER_PK, owner, p, 1, START);
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
        IAccessGrants.Authorization memory auth = _grantAuth(pk, signer, p, nonce, deadline);

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
        IAccessGrants.Authorization memory authA = _grantAuth(OWNER_PK, owner, pA, nonceA, START);
        IAccessGrants.Authorization memory authB = _grantAuth(OWNER_PK, owner, pB, nonceB, START);

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
        IAccessGrants.Authorization memory late = _grantAuth(OWNER_PK, owner, p, 4, START - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessGrants.AccessGrantsExpiredSignature.selector, START - 1)
        );
        vm.prank(relayer);
        grants.grantBySignature(owner, p, late);
        IAccessGrants.Authorization memory onTime = _grantAuth(OWNER_PK, owner, p, 4, START);
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
        IAccessGrants.Authorization memory auth = _grantAuth(OWNER_PK, owner, p, 3, deadline);
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
        grants.grantBySignature(owner, p, _grantAuth(OWNER_PK, owner, p, 1, d));

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
        IAccessGrants.Authorization memory auth = _grantAuth(OWNER_PK, owner, p, nonce, START);
        vm.prank(owner);
        grants.invalidateNonces(nonce >> 8, uint256(1) << (nonce & 0xff));
        assertTrue(grants.isNonceUsed(owner, nonce), "nonce not cancelled");
        vm.expectRevert(_errNonceUsed(owner, nonce));
        vm.prank(relayer);
        grants.grantBySignature(owner, p, auth);
    }
}
