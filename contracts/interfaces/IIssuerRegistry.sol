// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IIssuerRegistry
/// @notice Governance-accredited credential issuers (KYC / identity-verification providers), with
/// their full trust history: "is this issuer trusted for this credential type now?" and "was it at T?".
/// @dev An issuer is identified by the address of its signing key. Its whole record is one checkpointed
/// word per key (OpenZeppelin `Checkpoints.Trace208`, keyed by timestamp), so every change is one
/// push and `wasTrusted` is a binary search. Credential types are a registered vocabulary of at most
/// 104 type ids, each mapped to one bit of the record, each with a maximum receipt lifetime. Only
/// hashes and codes are on-chain. Keys form lineages: `rotateKey` links a new key to the old one's
/// lineage, and suspending, restoring or removing any key of a lineage acts on the whole lineage.
interface IIssuerRegistry {
    /// @notice Life-cycle of an issuer key. `Rotated`: retired by a key rotation, in good standing.
    enum IssuerStatus {
        None,
        Active,
        Suspended,
        Removed,
        Rotated
    }

    /// @notice What changed in an `IssuerUpdated` event.
    enum IssuerAction {
        Added,
        Suspended,
        Restored,
        Removed,
        TypesSet,
        ValiditySet,
        JurisdictionSet,
        KeyRotatedFrom,
        KeyRotatedTo
    }

    /// @notice Why `checkReceipt` accepts or refuses a credential receipt.
    enum ReceiptCheck {
        Valid,
        BadSignature,
        NotYetIssued,
        Expired,
        UnknownType,
        IssuerNotTrustedAtIssuance,
        IssuerRevoked,
        LifetimeExceeded
    }

    /// @notice An issuer key's record as stored (one word) and emitted after every change.
    /// @param jurisdiction ISO 3166-1 alpha-2 code as two ASCII bytes (e.g. "CH"), zero when none.
    /// @param validFrom Trusted from this time on (0 = from accreditation).
    /// @param validUntil Trusted until this time, exclusive (0 = no end).
    /// @param typeBits Bit `i` set: accredited for the credential type registered at bit `i`.
    struct IssuerRecord {
        IssuerStatus status;
        bytes2 jurisdiction;
        uint40 validFrom;
        uint40 validUntil;
        uint104 typeBits;
    }

    /// @notice An issuer accredited at deployment (the constructor's configuration).
    /// @dev Constructor input only, never stored: slot packing does not apply.
    // solhint-disable-next-line gas-struct-packing
    struct IssuerInit {
        address issuer;
        bytes32[] credentialTypes;
        bytes2 jurisdiction;
        uint40 validFrom;
        uint40 validUntil;
        bytes32 metadataHash;
    }

    /// @notice An issuer's EIP-712 statement: the data item `dataHash` is a credential of
    /// `credentialType` about `owner`, issued at `issuedAt` and valid until `validUntil` (exclusive).
    /// Receipts always expire: `validUntil` 0 is in the past, not "no end"; and `validUntil - issuedAt`
    /// may not exceed the type's maximum receipt lifetime, which bounds how far a key can backdate.
    /// @param audience The grantee the receipt is for (a dApp's `GrantGate` accepts it only if it is
    /// its own grantee), or zero for any: a receipt per grantee lets the owner use a fresh data hash
    /// per grantee, so that grants to different grantees are not linkable.
    struct CredentialReceipt {
        address issuer;
        address owner;
        address audience;
        bytes32 dataHash;
        bytes32 credentialType;
        uint64 issuedAt;
        uint64 validUntil;
    }

    /// @notice Emitted when governance registers a credential type id at bit `bit`.
    event CredentialTypeRegistered(
        bytes32 indexed credentialType,
        uint8 bit,
        uint64 maxReceiptLifetime
    );

    /// @notice Emitted when governance sets a credential type's maximum receipt lifetime.
    event CredentialTypeLifetimeSet(
        bytes32 indexed credentialType,
        uint8 bit,
        uint64 maxReceiptLifetime
    );

    /// @notice Emitted after every change of an issuer key's record, with the whole record.
    event IssuerUpdated(address indexed issuer, IssuerAction indexed action, IssuerRecord record);

    /// @notice Emitted when an issuer's off-chain metadata document (legal name, jurisdiction,
    /// accreditation evidence) changes; only its hash is on-chain, and only in events.
    event IssuerMetadataUpdated(address indexed issuer, bytes32 metadataHash);

    /// @notice Emitted when an issuer moves to a new signing key that proved possession; the history of
    /// both keys stays, and both belong to `lineage` (the issuer's first key).
    event IssuerKeyRotated(address indexed oldKey, address indexed newKey, address indexed lineage);

    /// @notice Thrown when an issuer key is the zero address.
    error IssuerRegistryZeroAddress();

    /// @notice Thrown when adding, or rotating to, a key that already has a record.
    error IssuerRegistryKeyInUse(address key, IssuerStatus status);

    /// @notice Thrown when an action needs the issuer in `expected` status.
    error IssuerRegistryWrongStatus(address issuer, IssuerStatus status, IssuerStatus expected);

    /// @notice Thrown when an action needs an issuer that exists and is not removed or rotated.
    error IssuerRegistryNotLive(address issuer, IssuerStatus status);

    /// @notice Thrown when a credential type was never registered.
    error IssuerRegistryUnknownType(bytes32 credentialType);

    /// @notice Thrown when registering a type twice or the zero type.
    error IssuerRegistryInvalidType(bytes32 credentialType);

    /// @notice Thrown when all 104 type bits are taken.
    error IssuerRegistryTypesFull(uint256 max);

    /// @notice Thrown when `validUntil` is set and not after `validFrom`.
    error IssuerRegistryInvalidValidity(uint40 validFrom, uint40 validUntil);

    /// @notice Thrown when a jurisdiction is not two upper-case ASCII letters (or zero).
    error IssuerRegistryInvalidJurisdiction(bytes2 jurisdiction);

    /// @notice Thrown when the new key's proof of possession is submitted after its deadline.
    error IssuerRegistryExpiredKeyProof(uint256 deadline);

    /// @notice Thrown when the new key's proof of possession is not its signature of the rotation.
    error IssuerRegistryInvalidKeyProof(address newKey);

    /// @notice Registers a credential type id (e.g. keccak256("kyc.basic")) at the next free bit, with
    /// the default maximum receipt lifetime. Bits are never reused, so that history stays exact: once
    /// 104 types are registered the registry takes no more (see docs/issuer-registry.md).
    function registerCredentialType(bytes32 credentialType) external returns (uint8 bit);

    /// @notice Sets the longest `validUntil - issuedAt` a receipt of the type may state; 0 refuses every
    /// receipt of the type. This bounds backdating: a key that lost its trust at time T can sign no
    /// receipt valid after T + lifetime.
    function setCredentialTypeLifetime(bytes32 credentialType, uint64 maxReceiptLifetime) external;

    /// @notice Accredits a new issuer key as Active with its types, jurisdiction and validity window.
    function addIssuer(
        address issuer,
        bytes32[] calldata credentialTypes,
        bytes2 jurisdiction,
        uint40 validFrom,
        uint40 validUntil,
        bytes32 metadataHash
    ) external;

    /// @notice Suspends an issuer's lineage: `issuer` may be any of its keys, current or rotated; the
    /// current key must be Active. No receipt of any key of the lineage passes `checkReceipt` until restored.
    function suspendIssuer(address issuer) external;

    /// @notice Restores a suspended lineage (named by any of its keys): its current key is Active again.
    function restoreIssuer(address issuer) external;

    /// @notice Removes an issuer's lineage for good (named by any of its keys): its current key becomes
    /// Removed, and the receipts of every key of the lineage are refused from now on.
    function removeIssuer(address issuer) external;

    /// @notice Replaces the set of credential types a live issuer is accredited for.
    function setIssuerTypes(address issuer, bytes32[] calldata credentialTypes) external;

    /// @notice Sets a live issuer's validity window.
    function setIssuerValidity(address issuer, uint40 validFrom, uint40 validUntil) external;

    /// @notice Sets a live issuer's jurisdiction code.
    function setIssuerJurisdiction(address issuer, bytes2 jurisdiction) external;

    /// @notice Called by a live issuer's key: publishes the hash of its new metadata document.
    function updateMetadata(bytes32 metadataHash) external;

    /// @notice Called by an Active issuer's key: moves the record to `newKey`, which joins the lineage;
    /// the old key becomes Rotated. `proof` is `newKey`'s EIP-712 signature of
    /// `KeyRotation(address oldKey,address newKey,uint256 deadline)` (ECDSA, or ERC-1271 for a contract),
    /// so a key cannot be claimed by someone who does not hold it, and a typo cannot strand the record.
    /// @dev A Suspended key cannot rotate, or it could turn its suspended receipts valid again.
    function rotateKey(address newKey, uint256 deadline, bytes calldata proof) external;

    /// @notice True when `issuer` is Active, inside its validity window and accredited for the type now.
    function isTrusted(address issuer, bytes32 credentialType) external view returns (bool);

    /// @notice True when `issuer` was trusted for the type at `timestamp` (logarithmic in its history).
    function wasTrusted(
        address issuer,
        bytes32 credentialType,
        uint256 timestamp
    ) external view returns (bool);

    /// @notice The record of an issuer key now (all zero when unknown).
    function getIssuer(address issuer) external view returns (IssuerRecord memory);

    /// @notice The record of an issuer key as it was at `timestamp`.
    function getIssuerAt(
        address issuer,
        uint256 timestamp
    ) external view returns (IssuerRecord memory);

    /// @notice The number of checkpoints of an issuer key: one per block timestamp in which it changed
    /// (several changes in one block keep the last state; each still emits its event).
    function historyLength(address issuer) external view returns (uint256);

    /// @notice The first key and the current key of `issuer`'s lineage (both `issuer` for a key never
    /// rotated; both zero for a key never accredited).
    function issuerLineage(address issuer) external view returns (address root, address head);

    /// @notice The bit of a registered credential type; reverts with `IssuerRegistryUnknownType` otherwise.
    function credentialTypeBit(bytes32 credentialType) external view returns (uint8);

    /// @notice The maximum receipt lifetime of a registered type; reverts `IssuerRegistryUnknownType` otherwise.
    function credentialTypeLifetime(bytes32 credentialType) external view returns (uint64);

    /// @notice The credential type ids a record's `typeBits` stand for.
    function credentialTypesOf(uint104 typeBits) external view returns (bytes32[] memory);

    /// @notice Checks an issuer-signed credential receipt: a valid signature by `receipt.issuer`
    /// (ECDSA or ERC-1271), `issuedAt <= now < validUntil`, a registered type, `validUntil - issuedAt`
    /// within the type's maximum lifetime, the issuer key trusted for the type at `issuedAt`, and the
    /// issuer's lineage (every key it rotated through) neither suspended nor removed now.
    /// `audience` is not checked here: the gate that consumes the receipt does.
    function checkReceipt(
        CredentialReceipt calldata receipt,
        bytes calldata signature
    ) external view returns (ReceiptCheck);

    /// @notice The EIP-712 digest an issuer signs for `receipt` (domain "IssuerRegistry", version "1").
    function receiptDigest(CredentialReceipt calldata receipt) external view returns (bytes32);
}
