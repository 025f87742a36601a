// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessGrants} from "../contracts/AccessGrants.sol";
import {IAccessGrants} from "../contracts/interfaces/IAccessGrants.sol";
import {TestBase} from "./utils/Vm.sol";

/// @notice Drives AccessGrants with random sequences over a small fixed universe (2 owners x 2
/// grantees x 3 data hashes x 2 purposes = 24 grant ids) and keeps a ghost model of every grant.
/// @dev Every action is attempted even when the model says it must fail (revoking a locked grant,
/// releasing an ended one, shortening a lock, replaying a nonce, signing with the wrong key...);
/// the call runs inside try/catch and its outcome (success, or the exact revert data) is compared
/// with the model. The handler itself never reverts: a disagreement is counted in `mismatches` and
/// reported by an invariant.
contract AccessGrantsHandler is TestBase {
    bytes32 private constant GRANT_TYPEHASH = keccak256(
        "Grant(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 lockedUntil,uint64 expiresAt,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant REVOKE_TYPEHASH = keccak256(
        "Revoke(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

    uint256 internal constant OWNERS = 2;
    uint256 internal constant GRANTEES = 2;
    uint256 internal constant DATA_HASHES = 3;
    uint256 internal constant PURPOSES = 2;
    uint256 internal constant OWNER_PK_BASE = 0x0A11CE00;
    uint256 internal constant GRANTEE_PK_BASE = 0x0B0B00;
    /// @dev Signed requests draw nonces from 0 .. NONCE_SPACE - 1 (two bitmap words), so replays happen.
    uint256 internal constant NONCE_SPACE = 512;
    uint256 internal constant NONCE_WORDS = 2;

    struct Key {
        address owner;
        address grantee;
        bytes32 dataHash;
        bytes32 purpose;
    }

    /// @dev The stored part of a grant as the model expects it (status is never `Expired`).
    struct Model {
        IAccessGrants.GrantStatus status;
        uint64 lockedUntil;
        uint64 expiresAt;
    }

    /// @dev A successful owner revocation: when it happened and the lock the grant had just before.
    struct RevokeRecord {
        bytes32 id;
        uint64 at;
        uint64 lockedUntil;
    }

    AccessGrants public immutable grants;
    bytes32 private immutable _domainSeparator;

    address[OWNERS] internal _owners;
    address[GRANTEES] internal _grantees;
    bytes32[DATA_HASHES] internal _dataHashes;

    bytes32[] internal _ids;
    Key[] internal _keys;
    mapping(bytes32 id => Key) internal _keyOf;
    mapping(bytes32 id => Model) internal _model;
    mapping(address owner => mapping(uint256 wordPos => uint256 bits)) public ghostNonces;

    /// @dev What the handler last observed of each grant, to catch a lock going down (or a grant
    /// vanishing) from the contract's own answers, regardless of the model.
    mapping(bytes32 id => IAccessGrants.GrantState) internal _seen;

    RevokeRecord[] internal _revokes;

    uint256 public mismatches;
    string public firstMismatch;
    uint256 public lockDecreases;
    string public firstLockDecrease;
    uint64 public lastTimestamp;

    mapping(string action => uint256) public calls;
    mapping(string action => uint256) public successes;

    constructor(AccessGrants grants_) {
        grants = grants_;
        (
            ,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifying,
            ,

        ) = grants_.eip712Domain();
        _domainSeparator = keccak256(
            abi.encode(
                DOMAIN_TYPEHASH,
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                chainId,
                verifying
            )
        );
        for (uint256 i = 0; i < OWNERS; ++i) {
            _owners[i] = vm.addr(OWNER_PK_BASE + i);
            vm.label(_owners[i], string.concat("owner", vm.toString(i)));
        }
        for (uint256 i = 0; i < GRANTEES; ++i) {
            _grantees[i] = vm.addr(GRANTEE_PK_BASE + i);
            vm.label(_grantees[i], string.concat("grantee", vm.toString(i)));
        }
        for (uint256 i = 0; i < DATA_HASHES; ++i) _dataHashes[i] = keccak256(abi.encode("data", i));
        bytes32[PURPOSES] memory purposes = [bytes32(0), keccak256("onboarding")]; // 0 = "unspecified"
        for (uint256 o = 0; o < OWNERS; ++o) {
            for (uint256 g = 0; g < GRANTEES; ++g) {
                for (uint256 d = 0; d < DATA_HASHES; ++d) {
                    for (uint256 p = 0; p < PURPOSES; ++p) {
                        Key memory k = Key(_owners[o], _grantees[g], _dataHashes[d], purposes[p]);
                        bytes32 id = keccak256(
                            abi.encode(k.owner, k.grantee, k.dataHash, k.purpose)
                        );
                        _ids.push(id);
                        _keys.push(k);
                        _keyOf[id] = k;
                    }
                }
            }
        }
        lastTimestamp = uint64(block.timestamp);
    }

    // ------------------------------------------------------------------ views for the invariants
    // Whole arrays in one call each: every external call costs the invariant runner time.

    function allIds() external view returns (bytes32[] memory) {
        return _ids;
    }

    function allKeys() external view returns (Key[] memory) {
        return _keys;
    }

    function allOwners() external view returns (address[] memory list) {
        list = new address[](OWNERS);
        for (uint256 i = 0; i < OWNERS; ++i) list[i] = _owners[i];
    }

    function nonceWords() external pure returns (uint256) {
        return NONCE_WORDS;
    }

    /// @notice The state `getGrant` must report: the model's, with `Expired` derived from time.
    function expectedState(bytes32 id) public view returns (IAccessGrants.GrantState memory) {
        Model memory m = _model[id];
        IAccessGrants.GrantStatus status = m.status;
        if (
            status == IAccessGrants.GrantStatus.Active &&
            m.expiresAt != 0 &&
            block.timestamp >= m.expiresAt
        ) {
            status = IAccessGrants.GrantStatus.Expired;
        }
        return
            IAccessGrants.GrantState({
                status: status,
                lockedUntil: m.lockedUntil,
                expiresAt: m.expiresAt
            });
    }

    function allExpectedStates() external view returns (IAccessGrants.GrantState[] memory states) {
        states = new IAccessGrants.GrantState[](_ids.length);
        for (uint256 i = 0; i < _ids.length; ++i) states[i] = expectedState(_ids[i]);
    }

    function allRevokes() external view returns (RevokeRecord[] memory) {
        return _revokes;
    }

    // ------------------------------------------------------------------ actions (fuzz targets)

    function grant(
        uint256 keySeed,
        uint256 lockSeed,
        uint256 expirySeed,
        bool neverExpires
    ) external {
        _begin("grant");
        (bytes32 id, Key memory k) = _pick(keySeed);
        (uint64 lockedUntil, uint64 expiresAt) = _terms(
            lockSeed,
            expirySeed,
            neverExpires,
            _model[id].lockedUntil
        );
        bytes memory expected = _expectGrant(id, lockedUntil, expiresAt);
        IAccessGrants.GrantParams memory p = IAccessGrants.GrantParams(
            k.grantee,
            k.dataHash,
            k.purpose,
            lockedUntil,
            expiresAt
        );

        vm.prank(k.owner);
        try grants.grant(p) returns (bytes32 returned) {
            if (returned != id) _mismatch("grant", "returned a wrong id");
            _settle("grant", true, "", expected);
        } catch (bytes memory reason) {
            _settle("grant", false, reason, expected);
        }
        if (expected.length == 0)
            _model[id] = Model(IAccessGrants.GrantStatus.Active, lockedUntil, expiresAt);
        _observe(id, expected.length == 0);
    }

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
        (uint64 lockedUntil, uint64 expiresAt) = _terms(
            lockSeed,
            expirySeed,
            neverExpires,
            _model[id].lockedUntil
        );
        uint256 nonce = nonceSeed % NONCE_SPACE;
        uint256 deadline = block.timestamp;
        IAccessGrants.GrantParams memory p = IAccessGrants.GrantParams(
            k.grantee,
            k.dataHash,
            k.purpose,
            lockedUntil,
            expiresAt
        );
        bytes32 structHash = keccak256(
            abi.encode(
                GRANT_TYPEHASH,
                k.owner,
                p.grantee,
                p.dataHash,
                p.purpose,
                p.lockedUntil,
                p.expiresAt,
                nonce,
                deadline
            )
        );
        IAccessGrants.Authorization memory auth = _authorization(
            k,
            structHash,
            nonce,
            deadline,
            foreignKey
        );
        bytes memory expected = _expectAuthorized(k.owner, nonce, foreignKey);
        if (expected.length == 0) expected = _expectGrant(id, lockedUntil, expiresAt);

        try grants.grantBySignature(k.owner, p, auth) returns (bytes32 returned) {
            if (returned != id) _mismatch("grantBySignature", "returned a wrong id");
            _settle("grantBySignature", true, "", expected);
        } catch (bytes memory reason) {
            _settle("grantBySignature", false, reason, expected);
        }
        if (expected.length == 0) {
            _model[id] = Model(IAccessGrants.GrantStatus.Active, lockedUntil, expiresAt);
            _useGhostNonce(k.owner, nonce);
        }
        _observe(id, expected.length == 0);
    }

    function revoke(uint256 keySeed) external {
        _begin("revoke");
        (bytes32 id, Key memory k) = _pickLive(keySeed);
        bytes memory expected = _expectRevoke(id);
        uint64 lockBefore = grants.getGrant(id).lockedUntil;

        vm.prank(k.owner);
        try grants.revoke(IAccessGrants.GrantKey(k.grantee, k.dataHash, k.purpose)) {
            _revokes.push(RevokeRecord(id, uint64(block.timestamp), lockBefore));
            _settle("revoke", true, "", expected);
        } catch (bytes memory reason) {
            _settle("revoke", false, reason, expected);
        }
        if (expected.length == 0) _model[id].status = IAccessGrants.GrantStatus.Revoked;
        _observe(id, false);
    }

    function revokeBySignature(uint256 keySeed, uint256 nonceSeed, bool foreignKey) external {
        _begin("revokeBySignature");
        (bytes32 id, Key memory k) = _pickLive(keySeed);
        uint256 nonce = nonceSeed % NONCE_SPACE;
        uint256 deadline = block.timestamp;
        bytes32 structHash = keccak256(
            abi.encode(REVOKE_TYPEHASH, k.owner, k.grantee, k.dataHash, k.purpose, nonce, deadline)
        );
        IAccessGrants.Authorization memory auth = _authorization(
            k,
            structHash,
            nonce,
            deadline,
            foreignKey
        );
        bytes memory expected = _expectAuthorized(k.owner, nonce, foreignKey);
        if (expected.length == 0) expected = _expectRevoke(id);
        uint64 lockBefore = grants.getGrant(id).lockedUntil;

        try
            grants.revokeBySignature(
                k.owner,
                IAccessGrants.GrantKey(k.grantee, k.dataHash, k.purpose),
                auth
            )
        {
            _revokes.push(RevokeRecord(id, uint64(block.timestamp), lockBefore));
            _settle("revokeBySignature", true, "", expected);
        } catch (bytes memory reason) {
            _settle("revokeBySignature", false, reason, expected);
        }
        if (expected.length == 0) {
            _model[id].status = IAccessGrants.GrantStatus.Revoked;
            _useGhostNonce(k.owner, nonce);
        }
        _observe(id, false);
    }

    function release(uint256 keySeed) external {
        _begin("release");
        (bytes32 id, Key memory k) = _pickLive(keySeed);
        bytes memory expected = _isLive(id) ? bytes("") : _errNotActive(id);

        vm.prank(k.grantee);
        try grants.release(k.owner, k.dataHash, k.purpose) {
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
        Model memory m = _model[id];
        uint64 requested;
        if (deltaSeed % 8 == 0) {
            requested = m.lockedUntil > 1 days ? m.lockedUntil - 1 days : 0; // try to shorten
        } else {
            uint256 base = m.lockedUntil > block.timestamp ? m.lockedUntil : block.timestamp;
            requested = uint64(base + bound(deltaSeed, 0, 45 days));
        }
        bytes memory expected;
        if (!_isLive(id)) {
            expected = _errNotActive(id);
        } else if (requested <= m.lockedUntil) {
            expected = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsLockNotExtended.selector,
                id,
                m.lockedUntil,
                requested
            );
        } else if (m.expiresAt != 0 && requested > m.expiresAt) {
            expected = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsLockAfterExpiry.selector,
                id,
                requested,
                m.expiresAt
            );
        }

        vm.prank(k.owner);
        try grants.extendLock(IAccessGrants.GrantKey(k.grantee, k.dataHash, k.purpose), requested) {
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
        Model memory m = _model[id];
        uint64 requested;
        if (toNever) {
            requested = 0;
        } else if (deltaSeed % 8 == 0) {
            requested = m.expiresAt > 1 days ? m.expiresAt - 1 days : 1; // try to shorten
        } else {
            uint256 base = m.expiresAt != 0 ? m.expiresAt : block.timestamp;
            requested = uint64(base + bound(deltaSeed, 0, 60 days));
        }
        bytes memory expected;
        if (!_isLive(id)) {
            expected = _errNotActive(id);
        } else if (m.expiresAt == 0 || (requested != 0 && requested <= m.expiresAt)) {
            expected = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsExpiryNotExtended.selector,
                id,
                m.expiresAt,
                requested
            );
        }

        vm.prank(k.owner);
        try
            grants.extendExpiry(IAccessGrants.GrantKey(k.grantee, k.dataHash, k.purpose), requested)
        {
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
        bytes32 newId = keccak256(abi.encode(k.owner, k.grantee, newDataHash, k.purpose));
        Model memory old = _model[oldId];
        uint64 newLock;
        if (lockSeed % 6 == 0 && old.lockedUntil > 0) {
            newLock = old.lockedUntil - 1; // try to escape the lock
        } else {
            newLock = uint64(uint256(old.lockedUntil) + bound(lockSeed, 0, 30 days));
        }
        uint64 minimumExpiry = newLock > block.timestamp ? newLock : uint64(block.timestamp + 1);
        uint64 newExpiry;
        if (!neverExpires) {
            // 1 in 11: `now`, always refused.
            newExpiry =
                expirySeed % 11 == 0
                    ? uint64(block.timestamp)
                    : uint64(minimumExpiry + bound(expirySeed, 0, 90 days));
        }

        bytes memory expected;
        if (!_isLive(oldId)) {
            expected = _errNotActive(oldId);
        } else if (newLock < old.lockedUntil) {
            expected = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsLockShortened.selector,
                oldId,
                old.lockedUntil,
                newLock
            );
        } else if (newExpiry != 0 && newExpiry < minimumExpiry) {
            expected = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsInvalidExpiry.selector,
                newExpiry,
                minimumExpiry
            );
        } else if (_isLive(newId)) {
            // Includes newId == oldId: "replacing" a grant with the same data.
            expected = abi.encodeWithSelector(
                IAccessGrants.AccessGrantsAlreadyActive.selector,
                newId
            );
        }
        uint64 oldLockStored = grants.getGrant(oldId).lockedUntil;

        vm.prank(k.owner);
        try
            grants.replace(
                IAccessGrants.GrantKey(k.grantee, k.dataHash, k.purpose),
                newDataHash,
                newLock,
                newExpiry
            )
        returns (bytes32 returned) {
            if (returned != newId) _mismatch("replace", "returned a wrong id");
            if (grants.getGrant(returned).lockedUntil < oldLockStored) {
                _lockDecrease(returned, "replace shortened the lock");
            }
            _settle("replace", true, "", expected);
        } catch (bytes memory reason) {
            _settle("replace", false, reason, expected);
        }
        if (expected.length == 0) {
            _model[oldId].status = IAccessGrants.GrantStatus.Replaced;
            _model[newId] = Model(IAccessGrants.GrantStatus.Active, newLock, newExpiry);
        }
        _observe(oldId, false);
        if (newId != oldId) _observe(newId, expected.length == 0);
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

    function _expectRevoke(bytes32 id) internal view returns (bytes memory) {
        if (!_isLive(id)) return _errNotActive(id);
        uint64 lockedUntil = _model[id].lockedUntil;
        if (block.timestamp < lockedUntil) {
            return
                abi.encodeWithSelector(IAccessGrants.AccessGrantsLocked.selector, id, lockedUntil);
        }
        return "";
    }

    /// @dev `_authorize` checks the nonce before the signature; the deadline is always `now` here.
    function _expectAuthorized(
        address signer,
        uint256 nonce,
        bool foreignKey
    ) internal view returns (bytes memory) {
        if (ghostNonces[signer][nonce >> 8] & (uint256(1) << (nonce & 0xff)) != 0) {
            return
                abi.encodeWithSelector(IAccessGrants.AccessGrantsNonceUsed.selector, signer, nonce);
        }
        if (foreignKey)
            return
                abi.encodeWithSelector(IAccessGrants.AccessGrantsInvalidSignature.selector, signer);
        return "";
    }

    function _useGhostNonce(address signer, uint256 nonce) internal {
        ghostNonces[signer][nonce >> 8] |= uint256(1) << (nonce & 0xff);
    }

    function _errNotActive(bytes32 id) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessGrants.AccessGrantsNotActive.selector, id);
    }

    /// @dev Grant terms that are mostly valid: no lock (1 in 5), the id's previous lock (1 in 5), or
    /// a lock from 5 days ago to 60 days ahead; no expiry, `now` (1 in 13, always refused), or one
    /// from the earliest allowed value up to 90 days after it.
    function _terms(
        uint256 lockSeed,
        uint256 expirySeed,
        bool neverExpires,
        uint64 previousLock
    ) internal view returns (uint64 lockedUntil, uint64 expiresAt) {
        if (lockSeed % 5 == 0) {
            lockedUntil = 0;
        } else if (lockSeed % 5 == 1) {
            lockedUntil = previousLock;
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

    /// @dev The owner's signature, or (`foreignKey`) one by the grantee's key over the same request.
    function _authorization(
        Key memory k,
        bytes32 structHash,
        uint256 nonce,
        uint256 deadline,
        bool foreignKey
    ) internal view returns (IAccessGrants.Authorization memory) {
        uint256 pk =
            foreignKey
                ? _pkOf(k.grantee, GRANTEE_PK_BASE, GRANTEES)
                : _pkOf(k.owner, OWNER_PK_BASE, OWNERS);
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", _domainSeparator, structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return IAccessGrants.Authorization(nonce, deadline, abi.encodePacked(r, s, v));
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
/// forge-config: default.invariant.depth = 64
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
        bytes4[] memory selectors = new bytes4[](10);
        selectors[0] = AccessGrantsHandler.grant.selector;
        selectors[1] = AccessGrantsHandler.grantBySignature.selector;
        selectors[2] = AccessGrantsHandler.revoke.selector;
        selectors[3] = AccessGrantsHandler.revokeBySignature.selector;
        selectors[4] = AccessGrantsHandler.release.selector;
        selectors[5] = AccessGrantsHandler.extendLock.selector;
        selectors[6] = AccessGrantsHandler.extendExpiry.selector;
        selectors[7] = AccessGrantsHandler.replace.selector;
        selectors[8] = AccessGrantsHandler.warp.selector;
        selectors[9] = AccessGrantsHandler.warpToEdge.selector;
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
