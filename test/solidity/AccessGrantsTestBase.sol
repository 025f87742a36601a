// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessGrants} from "../../contracts/AccessGrants.sol";
import {IAccessGrants} from "../../contracts/interfaces/IAccessGrants.sol";
import {TestBase} from "../utils/Vm.sol";
import {
    GRANT_TYPEHASH,
    REVOKE_TYPEHASH,
    EXTEND_LOCK_TYPEHASH,
    domainSeparatorOf
} from "./AccessGrantsEip712.sol";

/// @notice The shared setup of AccessGrants' Solidity tests (test/solidity/AccessGrants*.t.sol): a
/// fresh AccessGrants, three known keys, and helpers to build grants, EIP-712 digests, signatures
/// and the expected revert data.
abstract contract AccessGrantsTestBase is TestBase {
    uint64 internal constant START = 1_700_000_000;
    uint256 internal constant OWNER_PK = 0xA11CE;
    uint256 internal constant GRANTEE_PK = 0xB0B;
    uint256 internal constant RELAYER_PK = 0xCAFE;

    bytes32 internal constant DATA = keccak256("data-1");
    bytes32 internal constant DATA2 = keccak256("data-2");
    bytes32 internal constant PURPOSE = keccak256("onboarding");

    /// @dev A fuzz test's seeds for a grant's terms, which `_validTerms` makes valid.
    struct TermSeeds {
        uint64 lock;
        uint64 expiry;
        bool neverExpires;
    }

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
        TermSeeds memory seeds
    ) internal view returns (uint64 lockedUntil, uint64 expiresAt) {
        lockedUntil = uint64(bound(seeds.lock, 0, uint256(_now()) + 365 days));
        if (seeds.neverExpires) return (lockedUntil, 0);
        uint256 minimum = lockedUntil > _now() ? lockedUntil : uint256(_now()) + 1;
        expiresAt = uint64(bound(seeds.expiry, minimum, uint256(_now()) + 730 days));
    }

    /// @dev The owner grants `DATA` on the valid terms `seeds` give.
    function _grantValid(
        TermSeeds memory seeds
    ) internal returns (bytes32 id, uint64 lockedUntil, uint64 expiresAt) {
        (lockedUntil, expiresAt) = _validTerms(seeds);
        id = _grant(lockedUntil, expiresAt);
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
        return domainSeparatorOf(grants);
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
        return _digest(structHash);
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
        return _digest(structHash);
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

    /// @dev An authorization carrying `pk`'s 65-byte ECDSA signature (r, s, v) of `digest`.
    function _auth(
        uint256 pk,
        bytes32 digest,
        uint256 nonce,
        uint256 deadline
    ) internal pure returns (IAccessGrants.Authorization memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return IAccessGrants.Authorization(nonce, deadline, abi.encodePacked(r, s, v));
    }

    /// @dev `signer`'s authorization, signed with `pk`, of a Grant request for the id's current life.
    function _grantAuth(
        uint256 pk,
        address signer,
        IAccessGrants.GrantParams memory p,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (IAccessGrants.Authorization memory) {
        return _auth(pk, _grantDigest(signer, p, nonce, deadline), nonce, deadline);
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
}
