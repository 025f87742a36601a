// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessGrants} from "../../contracts/AccessGrants.sol";
import {IAccessGrants} from "../../contracts/interfaces/IAccessGrants.sol";
import {TestBase} from "../utils/Vm.sol";
import {domainSeparatorOf} from "./AccessGrantsEip712.sol";

/// @notice The invariant handler's universe, ghost model storage and observed counters, and the views
/// the invariants read (the handler: AccessGrantsHandler.sol).
abstract contract AccessGrantsHandlerState is TestBase {
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
    bytes32 internal immutable _domainSeparator;
    address internal immutable _relayer;

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
        _domainSeparator = domainSeparatorOf(grants_);
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

    function _idOf(
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(owner, grantee, dataHash, purpose));
    }
}
