// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IAccessGrants
/// @notice Hashed, purpose-bound access grants: an owner lets a grantee use one off-chain data item
/// for one purpose. The chain keeps one packed word per grant and never a data id.
/// @dev A grant is keyed by `grantId = keccak256(abi.encode(owner, grantee, dataHash, purpose))`.
/// `dataHash` is an opaque reference the client derives from the off-chain data id with a secret salt;
/// `purpose` is the hash of a purpose label, zero meaning "unspecified". Every event carries the
/// full key and every state field after the change, so an indexer never reads state or calldata.
/// A grant id can live several lives (granted, ended, granted again); its `generation` counts them.
/// Every signed request names the generation it was made for, so a signature never acts on a later life.
interface IAccessGrants {
    /// @notice The stored life-cycle of a grant. `Expired` is never stored: views derive it from time.
    enum GrantStatus {
        None,
        Active,
        Revoked,
        Released,
        Replaced,
        Expired
    }

    /// @notice What an owner grants: to whom, which data item, for which purpose and for how long.
    /// @param lockedUntil The owner cannot end the grant before this time (the grantee's retention duty); 0 = no lock.
    /// @param expiresAt The grant stops being active at this time; 0 = never. Not before `lockedUntil`.
    struct GrantParams {
        address grantee;
        bytes32 dataHash;
        bytes32 purpose;
        uint64 lockedUntil;
        uint64 expiresAt;
    }

    /// @notice The owner-relative key of an existing grant (the owner is the caller or the signer).
    struct GrantKey {
        address grantee;
        bytes32 dataHash;
        bytes32 purpose;
    }

    /// @notice The state of a grant as a view returns it.
    /// @param status The effective status: `Expired` when an active grant is past `expiresAt`.
    /// @param generation How many lives the grant id has had: 0 = never granted, 1 = the first grant...
    struct GrantState {
        GrantStatus status;
        uint64 lockedUntil;
        uint64 expiresAt;
        uint64 generation;
    }

    /// @notice An owner's EIP-712 signature over a request, so a relayer can submit it and pay the gas.
    /// Every request type also signs the grant's `generation` (`getGrant(id).generation` when signing;
    /// for a `Grant` the life before the one it starts, 0 for a grant never made). It is not passed
    /// here: the contract hashes the stored generation, so a signature made for another life of the
    /// grant fails as `AccessGrantsInvalidSignature`.
    /// @param nonce Any unused nonce of the owner (unordered: bit `nonce & 255` of word `nonce >> 8`).
    /// @param deadline The last timestamp at which the signature is accepted.
    /// @param signature 65-byte ECDSA signature, or any-length ERC-1271 signature for a smart account.
    struct Authorization {
        uint256 nonce;
        uint256 deadline;
        bytes signature;
    }

    /// @notice The outcome of one item of `tryMulticall`: its success and its return or revert data.
    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Emitted when `owner` grants `grantee` access to `dataHash` for `purpose`: life `generation` starts.
    event GrantCreated(
        bytes32 indexed grantId,
        address indexed owner,
        address indexed grantee,
        bytes32 dataHash,
        bytes32 purpose,
        uint64 lockedUntil,
        uint64 expiresAt,
        uint64 generation
    );

    /// @notice Emitted when the owner revokes a grant (right of deletion). Lock and expiry are unchanged.
    event GrantRevoked(
        bytes32 indexed grantId,
        address indexed owner,
        address indexed grantee,
        bytes32 dataHash,
        bytes32 purpose,
        uint64 lockedUntil,
        uint64 expiresAt,
        uint64 generation
    );

    /// @notice Emitted when the grantee gives a grant up. Lock and expiry are unchanged.
    event GrantReleased(
        bytes32 indexed grantId,
        address indexed owner,
        address indexed grantee,
        bytes32 dataHash,
        bytes32 purpose,
        uint64 lockedUntil,
        uint64 expiresAt,
        uint64 generation
    );

    /// @notice Emitted when the owner lengthens the lock of an active grant.
    event GrantLockExtended(
        bytes32 indexed grantId,
        address indexed owner,
        address indexed grantee,
        bytes32 dataHash,
        bytes32 purpose,
        uint64 lockedUntil,
        uint64 expiresAt,
        uint64 generation
    );

    /// @notice Emitted when the owner lengthens the expiry of an active grant (`expiresAt` 0 = never).
    event GrantExpiryExtended(
        bytes32 indexed grantId,
        address indexed owner,
        address indexed grantee,
        bytes32 dataHash,
        bytes32 purpose,
        uint64 lockedUntil,
        uint64 expiresAt,
        uint64 generation
    );

    /// @notice Emitted when the owner re-points a grant at corrected data (rectification), with the
    /// state of both grants after it. The new grant is active with `lockedUntil`, `expiresAt` and
    /// `generation`. The old grant ends now (`oldStatus` Replaced) or, while its lock is in force,
    /// stays Active until its lock ends (`oldStatus` Active, `oldExpiresAt` = `oldLockedUntil`).
    event GrantReplaced(
        bytes32 indexed oldGrantId,
        bytes32 indexed newGrantId,
        address indexed owner,
        address grantee,
        bytes32 oldDataHash,
        bytes32 newDataHash,
        bytes32 purpose,
        GrantStatus oldStatus,
        uint64 oldLockedUntil,
        uint64 oldExpiresAt,
        uint64 oldGeneration,
        uint64 lockedUntil,
        uint64 expiresAt,
        uint64 generation
    );

    /// @notice Emitted when an owner cancels unused signatures: every set bit of `mask` in nonce word `wordPos`.
    event NoncesInvalidated(address indexed owner, uint256 indexed wordPos, uint256 mask);

    /// @notice Emitted by `tryMulticall` for each item that reverted, with its index and revert data.
    /// Items that succeed are reported by their own events.
    event BatchItemFailed(address indexed sender, uint256 index, bytes reason);

    /// @notice Thrown when the grantee is the zero address or the owner itself.
    error AccessGrantsInvalidGrantee(address grantee);

    /// @notice Thrown when the signing owner of a request is the zero address.
    error AccessGrantsInvalidOwner(address owner);

    /// @notice Thrown when a data hash is zero (a zero hash is never a salted reference).
    error AccessGrantsInvalidDataHash(bytes32 dataHash);

    /// @notice Thrown when `expiresAt` is set but earlier than `minimum` (the lock, or the next second).
    error AccessGrantsInvalidExpiry(uint64 expiresAt, uint64 minimum);

    /// @notice Thrown when granting a grant that is already active.
    error AccessGrantsAlreadyActive(bytes32 grantId);

    /// @notice Thrown when acting on a grant that is not active (never granted, ended or expired).
    error AccessGrantsNotActive(bytes32 grantId);

    /// @notice Thrown when the owner revokes a grant whose lock is still in force.
    error AccessGrantsLocked(bytes32 grantId, uint64 lockedUntil);

    /// @notice Thrown when `extendLock` asks for a lock that is not later than the current one.
    error AccessGrantsLockNotExtended(bytes32 grantId, uint64 lockedUntil, uint64 requested);

    /// @notice Thrown when `replace` asks for a lock earlier than the one of the grant it replaces.
    error AccessGrantsLockShortened(bytes32 grantId, uint64 lockedUntil, uint64 requested);

    /// @notice Thrown when `extendLock` asks for a lock after the grant's expiry.
    error AccessGrantsLockAfterExpiry(bytes32 grantId, uint64 requested, uint64 expiresAt);

    /// @notice Thrown when `extendExpiry` asks for an expiry that does not lengthen the grant.
    error AccessGrantsExpiryNotExtended(bytes32 grantId, uint64 expiresAt, uint64 requested);

    /// @notice Thrown when a signed request is submitted after its deadline.
    error AccessGrantsExpiredSignature(uint256 deadline);

    /// @notice Thrown when a signed request's nonce was used or cancelled already.
    error AccessGrantsNonceUsed(address owner, uint256 nonce);

    /// @notice Thrown when a signature is not the owner's (ECDSA) nor accepted by the owner (ERC-1271).
    error AccessGrantsInvalidSignature(address owner);

    /// @notice Grants `params.grantee` access to `params.dataHash` for `params.purpose`, as the caller.
    /// @dev Re-granting works after a revoke, release, replace or expiry; an active grant is an error.
    function grant(GrantParams calldata params) external returns (bytes32 grantId);

    /// @notice Grants many at once, as the caller. Each item follows `grant`'s rules; one failure reverts all.
    function grantBatch(GrantParams[] calldata params) external;

    /// @notice Revokes one of the caller's grants (right of deletion). Refused while the lock is in force.
    function revoke(GrantKey calldata key) external;

    /// @notice Revokes many of the caller's grants at once; one failure reverts all.
    function revokeBatch(GrantKey[] calldata keys) external;

    /// @notice Ends a grant made to the caller, at any time: a grantee may waive its own lock.
    function release(address owner, bytes32 dataHash, bytes32 purpose) external;

    /// @notice Lengthens the lock of one of the caller's active grants; never shortens it.
    /// @dev `lockedUntil` must be later than the current lock and not after the expiry (if any).
    function extendLock(GrantKey calldata key, uint64 lockedUntil) external;

    /// @notice Lengthens the expiry of one of the caller's active grants; 0 means "never expires".
    /// @dev A grant that never expires cannot be extended further.
    function extendExpiry(GrantKey calldata key, uint64 expiresAt) external;

    /// @notice Re-points one of the caller's active grants at corrected data (rectification), even while
    /// locked. The new grant keeps grantee and purpose and starts active. The old grant ends now, unless
    /// its lock is in force: then it stays active until its lock ends (its expiry becomes its lock), so
    /// the owner alone never ends a locked grant early. The grantee may `release` it sooner.
    /// @dev `lockedUntil` must be at least the old grant's lock; `expiresAt` follows `grant`'s rules.
    function replace(
        GrantKey calldata key,
        bytes32 newDataHash,
        uint64 lockedUntil,
        uint64 expiresAt
    ) external returns (bytes32 newGrantId);

    /// @notice `grant` on behalf of `owner`, authorised by the owner's signature over a `Grant` request.
    /// @dev The request signs the grant id's generation before this grant (0 if never granted).
    function grantBySignature(
        address owner,
        GrantParams calldata params,
        Authorization calldata auth
    ) external returns (bytes32 grantId);

    /// @notice `revoke` on behalf of `owner`, authorised by the owner's signature over a `Revoke` request.
    function revokeBySignature(
        address owner,
        GrantKey calldata key,
        Authorization calldata auth
    ) external;

    /// @notice `extendLock` on behalf of `owner`, authorised by an `ExtendLock` request.
    function extendLockBySignature(
        address owner,
        GrantKey calldata key,
        uint64 lockedUntil,
        Authorization calldata auth
    ) external;

    /// @notice `extendExpiry` on behalf of `owner`, authorised by an `ExtendExpiry` request.
    function extendExpiryBySignature(
        address owner,
        GrantKey calldata key,
        uint64 expiresAt,
        Authorization calldata auth
    ) external;

    /// @notice `replace` on behalf of `owner`, authorised by a `Replace` request.
    /// @dev The request signs the old grant's `generation` and the new grant id's `newGeneration`
    /// before the replacement (0 if never granted): both must still hold.
    function replaceBySignature(
        address owner,
        GrantKey calldata key,
        bytes32 newDataHash,
        uint64 lockedUntil,
        uint64 expiresAt,
        Authorization calldata auth
    ) external returns (bytes32 newGrantId);

    /// @notice Cancels unused signatures of the caller: marks every set bit of `mask` in word `wordPos` used.
    function invalidateNonces(uint256 wordPos, uint256 mask) external;

    /// @notice Runs each call of `data` on this contract (as `multicall` does, with the caller as
    /// `msg.sender`), but an item that reverts does not revert the others: its state changes are undone,
    /// `BatchItemFailed` is emitted and its result says so. For relayers: a request someone else
    /// submitted first, or that became invalid, costs only its own item.
    function tryMulticall(bytes[] calldata data) external returns (Result[] memory results);

    /// @notice True when the grant exists, is neither ended nor expired. Costs one storage read.
    function isGranted(
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) external view returns (bool);

    /// @notice `isGranted` by grant id (`computeGrantId`): the cheapest check for a contract, which can
    /// hash the id itself; its selector comes first in the contract's dispatch.
    function grantIsActive(bytes32 grantId) external view returns (bool);

    /// @notice The state of a grant by id; `status` is `None` for an id never granted.
    function getGrant(bytes32 grantId) external view returns (GrantState memory);

    /// @notice True when `owner` has used or cancelled `nonce`.
    function isNonceUsed(address owner, uint256 nonce) external view returns (bool);

    /// @notice The owner's nonce word `wordPos`: bit `i` set means nonce `wordPos * 256 + i` is spent.
    function nonceBitmap(address owner, uint256 wordPos) external view returns (uint256);

    /// @notice The grant id: `keccak256(abi.encode(owner, grantee, dataHash, purpose))`.
    function computeGrantId(
        address owner,
        address grantee,
        bytes32 dataHash,
        bytes32 purpose
    ) external pure returns (bytes32);

    /// @notice The contract's semantic version.
    function version() external pure returns (string memory);
}
