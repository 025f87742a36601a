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
/// reported by an invariant. Besides the model, two properties are tracked from observed outcomes
/// alone: the lock each grant's owner agreed to (`protectedUntil`), and how many lives each grant id
/// has had (`lives`), against which every signed request that succeeds is checked.
contract AccessGrantsHandler is TestBase {
    bytes32 private constant GRANT_TYPEHASH = keccak256(
        "Grant(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 lockedUntil,uint64 expiresAt,uint64 generation,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant REVOKE_TYPEHASH = keccak256(
        "Revoke(address owner,address grantee,bytes32 dataHash,bytes32 purpose,uint64 generation,uint256 nonce,uint256 deadline)"
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
    /// @dev At most this many stored requests (the oldest are overwritten), so lookups stay cheap.
    uint256 internal constant MAX_REQUESTS = 32;

    uint8 internal constant KIND_GRANT = 0;
    uint8 internal constant KIND_REVOKE = 1;
    uint8 internal constant KIND_EXTEND_LOCK = 2;
    uint8 internal constant KIND_EXTEND_EXPIRY = 3;
    uint8 internal constant KIND_REPLACE = 4;

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
        uint64 generation;
    }

    /// @dev A successful owner revocation: when it happened and the lock the grant had just before.
    struct RevokeRecord {
        bytes32 id;
        uint64 at;
        uint64 lockedUntil;
    }

    /// @dev A signed request kept for later submission (by anyone, as a relayer or a front-runner).
    /// `a`/`b`: lock and expiry (Grant, Replace), the requested lock (ExtendLock) or expiry
    /// (ExtendExpiry). `life`/`newLife`: the lives of `id`/`newId` it was signed for.
    struct Request {
        uint8 kind;
        bool foreign;
        bytes32 id;
        bytes32 newId;
        Key k;
        bytes32 newDataHash;
        uint64 a;
        uint64 b;
        uint64 life;
        uint64 newLife;
        IAccessGrants.Authorization auth;
    }

    AccessGrants public immutable grants;
    bytes32 private immutable _domainSeparator;
    address private immutable _relayer;

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

    /// @dev From observed successes only: how many lives each id has had, the lock its owner agreed to
    /// for the current life, and whether its grantee released that life.
    mapping(bytes32 id => uint64) public lives;
    mapping(bytes32 id => uint64) public protectedUntil;
    mapping(bytes32 id => bool) public releasedByGrantee;

    RevokeRecord[] internal _revokes;
    Request[] internal _requests;
    uint256 internal _requestCursor;

    uint256 public mismatches;
    string public firstMismatch;
    uint256 public lockDecreases;
    string public firstLockDecrease;
    uint256 public staleSuccesses;
    string public firstStaleSuccess;
    uint64 public lastTimestamp;

    mapping(string action => uint256) public calls;
    mapping(string action => uint256) public successes;

    constructor(AccessGrants grants_) {
        grants = grants_;
        _relayer = vm.addr(0xCAFE);
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
                        bytes32 id = _idOf(k.owner, k.grantee, k.dataHash, k.purpose);
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
                expiresAt: m.expiresAt,
                generation: m.generation
            });
    }

    function allExpectedStates() external view returns (IAccessGrants.GrantState[] memory states) {
        states = new IAccessGrants.GrantState[](_ids.length);
        for (uint256 i = 0; i < _ids.length; ++i) states[i] = expectedState(_ids[i]);
    }

    /// @notice Per id: the lock its owner agreed to, whether the grantee released it, and its lives.
    function allProtections()
        external
        view
        returns (uint64[] memory until, bool[] memory released, uint64[] memory lifeCounts)
    {
        uint256 n = _ids.length;
        (until, released, lifeCounts) = (new uint64[](n), new bool[](n), new uint64[](n));
        for (uint256 i = 0; i < n; ++i) {
            bytes32 id = _ids[i];
            (until[i], released[i], lifeCounts[i]) = (
                protectedUntil[id],
                releasedByGrantee[id],
                lives[id]
            );
        }
    }

    function allRevokes() external view returns (RevokeRecord[] memory) {
        return _revokes;
    }

    // ------------------------------------------------------------------ owner and grantee actions

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
        vm.prank(k.owner);
        try grants.grant(_grantParams(k, lockedUntil, expiresAt)) returns (bytes32 returned) {
            if (returned != id) _mismatch("grant", "returned a wrong id");
            _observedGrant(id, lockedUntil);
            _settle("grant", true, "", expected);
        } catch (bytes memory reason) {
            _settle("grant", false, reason, expected);
        }
        if (expected.length == 0) _applyGrant(id, lockedUntil, expiresAt);
        _observe(id, expected.length == 0);
    }

    function revoke(uint256 keySeed) external {
        _begin("revoke");
        (bytes32 id, Key memory k) = _pickLive(keySeed);
        bytes memory expected = _expectRevoke(id);
        uint64 lockBefore = grants.getGrant(id).lockedUntil;
        vm.prank(k.owner);
        try grants.revoke(_grantKey(k)) {
            _revokes.push(RevokeRecord(id, uint64(block.timestamp), lockBefore));
            _settle("revoke", true, "", expected);
        } catch (bytes memory reason) {
            _settle("revoke", false, reason, expected);
        }
        if (expected.length == 0) _model[id].status = IAccessGrants.GrantStatus.Revoked;
        _observe(id, false);
    }

    function release(uint256 keySeed) external {
        _begin("release");
        (bytes32 id, Key memory k) = _pickLive(keySeed);
        bytes memory expected = _isLive(id) ? bytes("") : _errNotActive(id);
        vm.prank(k.grantee);
        try grants.release(k.owner, k.dataHash, k.purpose) {
            releasedByGrantee[id] = true;
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
        uint64 requested = _requestedLock(id, deltaSeed);
        bytes memory expected = _expectExtendLock(id, requested);
        vm.prank(k.owner);
        try grants.extendLock(_grantKey(k), requested) {
            protectedUntil[id] = requested;
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
        uint64 requested = _requestedExpiry(id, deltaSeed, toNever);
        bytes memory expected = _expectExtendExpiry(id, requested);
        vm.prank(k.owner);
        try grants.extendExpiry(_grantKey(k), requested) {
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
        bytes32 newId = _idOf(k.owner, k.grantee, newDataHash, k.purpose);
        (uint64 newLock, uint64 newExpiry) = _replaceTerms(
            oldId,
            lockSeed,
            expirySeed,
            neverExpires
        );
        bytes memory expected = _expectReplace(oldId, newId, newLock, newExpiry);
        uint64 oldLockStored = grants.getGrant(oldId).lockedUntil;
        vm.prank(k.owner);
        try grants.replace(_grantKey(k), newDataHash, newLock, newExpiry) returns (bytes32 r) {
            if (r != newId) _mismatch("replace", "returned a wrong id");
            if (grants.getGrant(r).lockedUntil < oldLockStored) {
                _lockDecrease(r, "replace shortened the lock");
            }
            _observedGrant(newId, newLock);
            _settle("replace", true, "", expected);
        } catch (bytes memory reason) {
            _settle("replace", false, reason, expected);
        }
        if (expected.length == 0) _applyReplace(oldId, newId, newLock, newExpiry);
        _observe(oldId, false);
        if (newId != oldId) _observe(newId, expected.length == 0);
    }

    // ------------------------------------------------------------------ signed requests

    /// @notice The owner signs a Grant for the id's current life and a relayer submits it at once.
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
        Request memory r = _newRequest(KIND_GRANT, id, k, bytes32(0), lockedUntil, expiresAt);
        r.foreign = foreignKey;
        _sign(r, nonceSeed % NONCE_SPACE, block.timestamp);
        _submit(r, "grantBySignature");
    }

    /// @notice The owner signs a Revoke for the id's current life and a relayer submits it at once.
    function revokeBySignature(uint256 keySeed, uint256 nonceSeed, bool foreignKey) external {
        _begin("revokeBySignature");
        (bytes32 id, Key memory k) = _pickLive(keySeed);
        Request memory r = _newRequest(KIND_REVOKE, id, k, bytes32(0), 0, 0);
        r.foreign = foreignKey;
        _sign(r, nonceSeed % NONCE_SPACE, block.timestamp);
        _submit(r, "revokeBySignature");
    }

    /// @notice The owner signs a request of any kind for the id's current life (1 in 6: for the next
    /// life, which must never pass) and keeps it: it may be submitted much later, by anyone, after
    /// revokes and re-grants, or twice, or inside a relayer's batch.
    function signRequest(
        uint8 kindSeed,
        uint256 keySeed,
        uint256 aSeed,
        uint256 bSeed,
        uint256 nonceSeed,
        uint8 skew
    ) external {
        _begin("signRequest");
        uint8 kind = kindSeed % 5;
        (bytes32 id, Key memory k) = kind == KIND_GRANT ? _pick(keySeed) : _pickLive(keySeed);
        Request memory r;
        if (kind == KIND_GRANT) {
            (uint64 lock, uint64 expiry) = _terms(
                aSeed,
                bSeed,
                bSeed % 3 == 0,
                _model[id].lockedUntil
            );
            r = _newRequest(kind, id, k, bytes32(0), lock, expiry);
        } else if (kind == KIND_REVOKE) {
            r = _newRequest(kind, id, k, bytes32(0), 0, 0);
        } else if (kind == KIND_EXTEND_LOCK) {
            r = _newRequest(kind, id, k, bytes32(0), _requestedLock(id, aSeed), 0);
        } else if (kind == KIND_EXTEND_EXPIRY) {
            r = _newRequest(
                kind,
                id,
                k,
                bytes32(0),
                _requestedExpiry(id, aSeed, bSeed % 5 == 0),
                0
            );
        } else {
            (uint64 lock, uint64 expiry) = _replaceTerms(id, aSeed, bSeed, bSeed % 3 == 0);
            r = _newRequest(kind, id, k, _dataHashes[(aSeed >> 8) % DATA_HASHES], lock, expiry);
        }
        if (skew % 6 == 0) ++r.life; // a request for a life that has not started yet
        r.foreign = skew % 11 == 1;
        _sign(r, nonceSeed % NONCE_SPACE, type(uint256).max);
        if (_requests.length < MAX_REQUESTS) {
            _requests.push(r);
        } else {
            _requests[_requestCursor++ % MAX_REQUESTS] = r;
        }
        successes["signRequest"] += 1;
    }

    /// @notice Anyone submits a stored signed request through its `...BySignature` function.
    function submitRequest(uint256 indexSeed) external {
        _begin("submitRequest");
        if (_requests.length == 0) return;
        _submit(_requests[indexSeed % _requests.length], "submitRequest");
    }

    /// @notice A relayer submits two stored requests in one `tryMulticall`; each must succeed or fail
    /// on its own, exactly as the model says for it at its turn.
    function tryMulticallRequests(uint256 seedA, uint256 seedB) external {
        _begin("tryMulticall");
        if (_requests.length == 0) return;
        Request memory ra = _requests[seedA % _requests.length];
        Request memory rb = _requests[seedB % _requests.length];
        bytes[] memory data = new bytes[](2);
        data[0] = _calldataOf(ra);
        data[1] = _calldataOf(rb);
        IAccessGrants.Result[] memory results = _tryMulticall(data);
        if (results.length != 2) return;
        // The model's expectation of each item at its turn: the second is judged after the first.
        bool okA = _settleItem(ra, results[0]);
        bool okB = _settleItem(rb, results[1]);
        bytes32[4] memory touched = [ra.id, ra.newId, rb.id, rb.newId];
        for (uint256 i = 0; i < 4; ++i) {
            bytes32 id = touched[i];
            if (id == bytes32(0) || (i > 0 && id == touched[i - 1])) continue;
            _observe(id, (okA && _starts(ra, id)) || (okB && _starts(rb, id)));
        }
    }

    function _tryMulticall(
        bytes[] memory data
    ) internal returns (IAccessGrants.Result[] memory results) {
        vm.prank(_relayer);
        try grants.tryMulticall(data) returns (IAccessGrants.Result[] memory r) {
            results = r;
        } catch (bytes memory reason) {
            _mismatch("tryMulticall", string.concat("reverted as a whole: ", vm.toString(reason)));
        }
    }

    /// @dev Judges one item of a batch (the model's expectation before applying it) and applies it.
    function _settleItem(
        Request memory r,
        IAccessGrants.Result memory result
    ) internal returns (bool) {
        bytes memory expected = _expectRequest(r);
        if (result.success) _observedRequest(r, [lives[r.id], lives[r.newId]]);
        _settle("tryMulticall", result.success, result.returnData, expected);
        if (expected.length == 0) _applyRequest(r);
        return result.success;
    }

    /// @dev True when `r`, if it succeeds, starts a new life on `id`.
    function _starts(Request memory r, bytes32 id) internal pure returns (bool) {
        return (r.kind == KIND_GRANT && r.id == id) || (r.kind == KIND_REPLACE && r.newId == id);
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

    // ------------------------------------------------------------------ requests

    function _newRequest(
        uint8 kind,
        bytes32 id,
        Key memory k,
        bytes32 newDataHash,
        uint64 a,
        uint64 b
    ) internal view returns (Request memory r) {
        r.kind = kind;
        r.id = id;
        r.k = k;
        r.a = a;
        r.b = b;
        // The life a client reads before signing: the one the handler counted.
        r.life = lives[id];
        if (kind == KIND_REPLACE) {
            r.newDataHash = newDataHash;
            r.newId = _idOf(k.owner, k.grantee, newDataHash, k.purpose);
            r.newLife = lives[r.newId];
        }
    }

    /// @dev Signs `r` (the owner's key, or the grantee's when `r.foreign`) for `r.life`/`r.newLife`.
    function _sign(Request memory r, uint256 nonce, uint256 deadline) internal view {
        Key memory k = r.k;
        bytes memory head = abi.encode(k.owner, k.grantee, k.dataHash, k.purpose);
        bytes32 structHash;
        if (r.kind == KIND_GRANT) {
            structHash = keccak256(
                bytes.concat(
                    abi.encode(GRANT_TYPEHASH),
                    head,
                    abi.encode(r.a, r.b, r.life, nonce, deadline)
                )
            );
        } else if (r.kind == KIND_REVOKE) {
            structHash = keccak256(
                bytes.concat(abi.encode(REVOKE_TYPEHASH), head, abi.encode(r.life, nonce, deadline))
            );
        } else if (r.kind == KIND_EXTEND_LOCK) {
            structHash = keccak256(
                bytes.concat(
                    abi.encode(EXTEND_LOCK_TYPEHASH),
                    head,
                    abi.encode(r.a, r.life, nonce, deadline)
                )
            );
        } else if (r.kind == KIND_EXTEND_EXPIRY) {
            structHash = keccak256(
                bytes.concat(
                    abi.encode(EXTEND_EXPIRY_TYPEHASH),
                    head,
                    abi.encode(r.a, r.life, nonce, deadline)
                )
            );
        } else {
            structHash = keccak256(
                bytes.concat(
                    abi.encode(REPLACE_TYPEHASH),
                    head,
                    abi.encode(r.newDataHash, r.a, r.b, r.life, r.newLife, nonce, deadline)
                )
            );
        }
        uint256 pk =
            r.foreign
                ? _pkOf(k.grantee, GRANTEE_PK_BASE, GRANTEES)
                : _pkOf(k.owner, OWNER_PK_BASE, OWNERS);
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(
            pk,
            keccak256(abi.encodePacked("\x19\x01", _domainSeparator, structHash))
        );
        r.auth = IAccessGrants.Authorization(nonce, deadline, abi.encodePacked(rr, s, v));
    }

    function _calldataOf(Request memory r) internal pure returns (bytes memory) {
        IAccessGrants.GrantKey memory key = _grantKey(r.k);
        if (r.kind == KIND_GRANT)
            return
                abi.encodeCall(
                    IAccessGrants.grantBySignature,
                    (r.k.owner, _grantParams(r.k, r.a, r.b), r.auth)
                );
        if (r.kind == KIND_REVOKE)
            return abi.encodeCall(IAccessGrants.revokeBySignature, (r.k.owner, key, r.auth));
        if (r.kind == KIND_EXTEND_LOCK)
            return
                abi.encodeCall(IAccessGrants.extendLockBySignature, (r.k.owner, key, r.a, r.auth));
        if (r.kind == KIND_EXTEND_EXPIRY)
            return
                abi.encodeCall(
                    IAccessGrants.extendExpiryBySignature,
                    (r.k.owner, key, r.a, r.auth)
                );
        return
            abi.encodeCall(
                IAccessGrants.replaceBySignature,
                (r.k.owner, key, r.newDataHash, r.a, r.b, r.auth)
            );
    }

    /// @dev Submits `r` as the relayer and compares the outcome with the model.
    function _submit(Request memory r, string memory action) internal {
        bytes memory expected = _expectRequest(r);
        uint64[2] memory livesBefore = [lives[r.id], lives[r.newId]];
        uint64 lockBefore = grants.getGrant(r.id).lockedUntil;
        vm.prank(_relayer);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = address(grants).call(_calldataOf(r));
        if (ok) {
            _observedRequest(r, livesBefore);
            if (r.kind == KIND_REVOKE) {
                _revokes.push(RevokeRecord(r.id, uint64(block.timestamp), lockBefore));
            }
        }
        _settle(action, ok, ok ? bytes("") : ret, expected);
        if (expected.length == 0) _applyRequest(r);
        _observe(r.id, ok && _starts(r, r.id));
        if (r.kind == KIND_REPLACE && r.newId != r.id) _observe(r.newId, ok);
    }

    /// @dev A signed request succeeded: it must have been made for the lives its ids are in now.
    function _observedRequest(Request memory r, uint64[2] memory livesBefore) internal {
        if (r.life != livesBefore[0] || (r.kind == KIND_REPLACE && r.newLife != livesBefore[1])) {
            if (staleSuccesses == 0) {
                firstStaleSuccess = string.concat(
                    "kind ",
                    vm.toString(uint256(r.kind)),
                    " signed for life ",
                    vm.toString(uint256(r.life)),
                    " acted on life ",
                    vm.toString(uint256(livesBefore[0]))
                );
            }
            staleSuccesses += 1;
        }
        if (r.kind == KIND_GRANT) _observedGrant(r.id, r.a);
        else if (r.kind == KIND_EXTEND_LOCK) protectedUntil[r.id] = r.a;
        else if (r.kind == KIND_REPLACE) _observedGrant(r.newId, r.a);
    }

    /// @dev A life started on `id` (a grant, or the new side of a replace) with lock `lockedUntil`.
    function _observedGrant(bytes32 id, uint64 lockedUntil) internal {
        lives[id] += 1;
        protectedUntil[id] = lockedUntil;
        releasedByGrantee[id] = false;
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
        uint64 minimumExpiry = newLock > block.timestamp ? newLock : uint64(block.timestamp + 1);
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
        if (newExpiry != 0 && newExpiry < minimumExpiry) {
            return
                abi.encodeWithSelector(
                    IAccessGrants.AccessGrantsInvalidExpiry.selector,
                    newExpiry,
                    minimumExpiry
                );
        }
        // Includes newId == oldId: "replacing" a grant with the same data.
        if (_isLive(newId))
            return abi.encodeWithSelector(IAccessGrants.AccessGrantsAlreadyActive.selector, newId);
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

    function _idOf(
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(owner, grantee, dataHash, purpose));
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
