// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {IIssuerRegistry} from "./interfaces/IIssuerRegistry.sol";
import {SignatureValidation} from "./utils/SignatureValidation.sol";

/// @title IssuerRegistry
/// @notice Accredited credential issuers with checkpointed trust history. The admin role moves in two
/// delayed steps (`AccessControlDefaultAdminRules`); registrars manage issuers; issuers manage their
/// own metadata and key.
/// @dev Record word (uint208): status (bits 0-7) | jurisdiction (8-23) | validFrom (24-63) |
/// validUntil (64-103) | typeBits (104-207). Type word: bit index + 1 (bits 0-7) | maximum receipt
/// lifetime (8-71). A lineage is named by its first key (root); status changes of an issuer are
/// written to the lineage's current key (head), which `checkReceipt` consults for every key.
contract IssuerRegistry is IIssuerRegistry, AccessControlDefaultAdminRules, EIP712 {
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Role that adds, suspends, restores and removes issuers and sets their records.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice How many credential types fit in a record.
    uint256 public constant MAX_CREDENTIAL_TYPES = 104;

    /// @notice The maximum receipt lifetime a type gets when registered, until governance sets another.
    uint64 public constant DEFAULT_RECEIPT_LIFETIME = 365 days;

    bytes32 private constant _RECEIPT_TYPEHASH = keccak256(
        "CredentialReceipt(address issuer,address owner,address audience,bytes32 dataHash,bytes32 credentialType,uint64 issuedAt,uint64 validUntil)"
    );
    bytes32 private constant _KEY_ROTATION_TYPEHASH = keccak256(
        "KeyRotation(address oldKey,address newKey,uint256 deadline)"
    );
    uint256 private constant _LIFETIME_SHIFT = 8;

    mapping(address issuer => Checkpoints.Trace208 history) private _history;
    /// @dev Bit index + 1 (0 = not registered) and maximum receipt lifetime of each type.
    mapping(bytes32 credentialType => uint256 info) private _typeInfo;
    bytes32[] private _types;
    /// @dev The first key of a rotated-to key's lineage; zero for a lineage's first key itself.
    mapping(address key => address root) private _rootOf;
    /// @dev The current key of a lineage that rotated at least once; zero: the root is still current.
    mapping(address root => address head) private _headOf;

    /// @notice Deploys with its whole initial configuration, so the deployer never holds a role and the
    /// address (CREATE2) is a function of the configuration alone.
    /// @param adminDelay Delay of a default admin transfer (two steps: begin, then accept after it).
    /// @param admin The default admin (e.g. a multisig).
    /// @param registrars Accounts given `REGISTRAR_ROLE`.
    /// @param credentialTypes Credential types registered at bits 0, 1, 2, ...
    /// @param issuers Issuers accredited as Active, with their types among `credentialTypes`.
    constructor(
        uint48 adminDelay,
        address admin,
        address[] memory registrars,
        bytes32[] memory credentialTypes,
        IssuerInit[] memory issuers
    ) AccessControlDefaultAdminRules(adminDelay, admin) EIP712("IssuerRegistry", "1") {
        for (uint256 i = 0; i < registrars.length; ++i) {
            _grantRole(REGISTRAR_ROLE, registrars[i]);
        }
        for (uint256 i = 0; i < credentialTypes.length; ++i) {
            _registerCredentialType(credentialTypes[i]);
        }
        for (uint256 i = 0; i < issuers.length; ++i) {
            IssuerInit memory it = issuers[i];
            _addIssuer(
                it.issuer,
                _bitsOfMemory(it.credentialTypes),
                it.jurisdiction,
                it.validFrom,
                it.validUntil
            );
            emit IssuerMetadataUpdated(it.issuer, it.metadataHash);
        }
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IIssuerRegistry
    function registerCredentialType(
        bytes32 credentialType
    ) external onlyRole(REGISTRAR_ROLE) returns (uint8) {
        return _registerCredentialType(credentialType);
    }

    /// @inheritdoc IIssuerRegistry
    function addIssuer(
        address issuer,
        bytes32[] calldata credentialTypes,
        bytes2 jurisdiction,
        uint40 validFrom,
        uint40 validUntil,
        bytes32 metadataHash
    ) external onlyRole(REGISTRAR_ROLE) {
        _addIssuer(issuer, _bitsOf(credentialTypes), jurisdiction, validFrom, validUntil);
        emit IssuerMetadataUpdated(issuer, metadataHash);
    }

    /// @inheritdoc IIssuerRegistry
    function setCredentialTypeLifetime(
        bytes32 credentialType,
        uint64 maxReceiptLifetime
    ) external onlyRole(REGISTRAR_ROLE) {
        uint256 bit = _bitOf(credentialType);
        _typeInfo[credentialType] = _typeWord(bit, maxReceiptLifetime);
        emit CredentialTypeLifetimeSet(credentialType, uint8(bit), maxReceiptLifetime);
    }

    /// @inheritdoc IIssuerRegistry
    function suspendIssuer(address issuer) external onlyRole(REGISTRAR_ROLE) {
        // Any key of the lineage names it: a retired key that leaked is suspended with its successors.
        address head = _lineageHead(issuer);
        IssuerRecord memory record = _expectStatus(head, IssuerStatus.Active);
        record.status = IssuerStatus.Suspended;
        _write(head, IssuerAction.Suspended, record);
    }

    /// @inheritdoc IIssuerRegistry
    function restoreIssuer(address issuer) external onlyRole(REGISTRAR_ROLE) {
        address head = _lineageHead(issuer);
        IssuerRecord memory record = _expectStatus(head, IssuerStatus.Suspended);
        record.status = IssuerStatus.Active;
        _write(head, IssuerAction.Restored, record);
    }

    /// @inheritdoc IIssuerRegistry
    function removeIssuer(address issuer) external onlyRole(REGISTRAR_ROLE) {
        address head = _lineageHead(issuer);
        IssuerRecord memory record = _live(head);
        record.status = IssuerStatus.Removed;
        _write(head, IssuerAction.Removed, record);
    }

    /// @inheritdoc IIssuerRegistry
    function setIssuerTypes(
        address issuer,
        bytes32[] calldata credentialTypes
    ) external onlyRole(REGISTRAR_ROLE) {
        IssuerRecord memory record = _live(issuer);
        record.typeBits = _bitsOf(credentialTypes);
        _write(issuer, IssuerAction.TypesSet, record);
    }

    /// @inheritdoc IIssuerRegistry
    function setIssuerValidity(
        address issuer,
        uint40 validFrom,
        uint40 validUntil
    ) external onlyRole(REGISTRAR_ROLE) {
        IssuerRecord memory record = _live(issuer);
        _checkValidity(validFrom, validUntil);
        (record.validFrom, record.validUntil) = (validFrom, validUntil);
        _write(issuer, IssuerAction.ValiditySet, record);
    }

    /// @inheritdoc IIssuerRegistry
    function setIssuerJurisdiction(
        address issuer,
        bytes2 jurisdiction
    ) external onlyRole(REGISTRAR_ROLE) {
        IssuerRecord memory record = _live(issuer);
        _checkJurisdiction(jurisdiction);
        record.jurisdiction = jurisdiction;
        _write(issuer, IssuerAction.JurisdictionSet, record);
    }

    // ---------------------------------------------------------------- issuer's own actions

    /// @inheritdoc IIssuerRegistry
    function updateMetadata(bytes32 metadataHash) external {
        _live(msg.sender);
        emit IssuerMetadataUpdated(msg.sender, metadataHash);
    }

    /// @inheritdoc IIssuerRegistry
    function rotateKey(address newKey, uint256 deadline, bytes calldata proof) external {
        IssuerRecord memory record = _live(msg.sender);
        // A suspended key may not rotate, or a new key would escape the suspension.
        if (record.status != IssuerStatus.Active) {
            revert IssuerRegistryWrongStatus(msg.sender, record.status, IssuerStatus.Active);
        }
        if (newKey == address(0)) revert IssuerRegistryZeroAddress();
        IssuerStatus taken = _decode(_history[newKey].latest()).status;
        if (taken != IssuerStatus.None) revert IssuerRegistryKeyInUse(newKey, taken);
        // The new key proves possession: nobody can claim a key they do not hold (front-running the
        // registrar's addIssuer of it), and a mistyped address cannot strand the accreditation.
        if (block.timestamp > deadline) revert IssuerRegistryExpiredKeyProof(deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(_KEY_ROTATION_TYPEHASH, msg.sender, newKey, deadline))
        );
        if (!SignatureValidation.isValidNowCalldata(newKey, digest, proof)) {
            revert IssuerRegistryInvalidKeyProof(newKey);
        }
        address root = _rootOf[msg.sender];
        if (root == address(0)) root = msg.sender;
        _rootOf[newKey] = root;
        _headOf[root] = newKey;
        _write(newKey, IssuerAction.KeyRotatedTo, record);
        // The old key keeps its history, so receipts it signed while trusted stay verifiable for as
        // long as its lineage stays in good standing.
        record.status = IssuerStatus.Rotated;
        _write(msg.sender, IssuerAction.KeyRotatedFrom, record);
        emit IssuerKeyRotated(msg.sender, newKey, root);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IIssuerRegistry
    function isTrusted(address issuer, bytes32 credentialType) external view returns (bool) {
        uint256 bit = uint8(_typeInfo[credentialType]);
        return bit != 0 && _trusted(_history[issuer].latest(), bit - 1, block.timestamp);
    }

    /// @inheritdoc IIssuerRegistry
    function wasTrusted(
        address issuer,
        bytes32 credentialType,
        uint256 timestamp
    ) external view returns (bool) {
        uint256 bit = uint8(_typeInfo[credentialType]);
        return bit != 0 && _trusted(_recordWordAt(issuer, timestamp), bit - 1, timestamp);
    }

    /// @inheritdoc IIssuerRegistry
    function getIssuer(address issuer) external view returns (IssuerRecord memory) {
        return _decode(_history[issuer].latest());
    }

    /// @inheritdoc IIssuerRegistry
    function getIssuerAt(
        address issuer,
        uint256 timestamp
    ) external view returns (IssuerRecord memory) {
        return _decode(_recordWordAt(issuer, timestamp));
    }

    /// @inheritdoc IIssuerRegistry
    function historyLength(address issuer) external view returns (uint256) {
        return _history[issuer].length();
    }

    /// @inheritdoc IIssuerRegistry
    function issuerLineage(address issuer) external view returns (address root, address head) {
        if (_decode(_history[issuer].latest()).status == IssuerStatus.None) return (root, head);
        root = _rootOf[issuer];
        if (root == address(0)) root = issuer;
        head = _lineageHead(issuer);
    }

    /// @inheritdoc IIssuerRegistry
    function credentialTypeBit(bytes32 credentialType) external view returns (uint8) {
        return uint8(_bitOf(credentialType));
    }

    /// @inheritdoc IIssuerRegistry
    function credentialTypeLifetime(bytes32 credentialType) external view returns (uint64) {
        _bitOf(credentialType);
        return uint64(_typeInfo[credentialType] >> _LIFETIME_SHIFT);
    }

    /// @inheritdoc IIssuerRegistry
    function credentialTypesOf(uint104 typeBits) external view returns (bytes32[] memory types) {
        uint256 count = _types.length;
        types = new bytes32[](count);
        uint256 n = 0;
        for (uint256 i = 0; i < count; ++i) {
            if ((typeBits >> i) & 1 == 1) types[n++] = _types[i];
        }
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(types, n) // shrink to the types found
        }
    }

    /// @inheritdoc IIssuerRegistry
    function checkReceipt(
        CredentialReceipt calldata receipt,
        bytes calldata signature
    ) external view returns (ReceiptCheck) {
        address issuer = receipt.issuer;
        if (!SignatureValidation.isValidNowCalldata(issuer, _receiptDigest(receipt), signature)) {
            return ReceiptCheck.BadSignature;
        }
        (uint64 issuedAt, uint64 validUntil) = (receipt.issuedAt, receipt.validUntil);
        if (issuedAt > block.timestamp) return ReceiptCheck.NotYetIssued;
        if (block.timestamp >= validUntil) return ReceiptCheck.Expired;
        uint256 info = _typeInfo[receipt.credentialType];
        uint256 bit = uint8(info);
        if (bit == 0) return ReceiptCheck.UnknownType;
        // The issuer picks issuedAt: the lifetime cap is what bounds backdating past a loss of trust.
        // No underflow: issuedAt <= now < validUntil.
        if (validUntil - issuedAt > info >> _LIFETIME_SHIFT) return ReceiptCheck.LifetimeExceeded;
        // Trust is judged at issuance, so a key rotation or an accreditation that ended later does not
        // void honest receipts; a suspension or removal of the lineage now does, for every key of it.
        if (!_trusted(_recordWordAt(issuer, issuedAt), bit - 1, issuedAt)) {
            return ReceiptCheck.IssuerNotTrustedAtIssuance;
        }
        IssuerStatus statusNow = _decode(_history[_lineageHead(issuer)].latest()).status;
        if (statusNow == IssuerStatus.Suspended || statusNow == IssuerStatus.Removed)
            return ReceiptCheck.IssuerRevoked;
        return ReceiptCheck.Valid;
    }

    /// @inheritdoc IIssuerRegistry
    function receiptDigest(CredentialReceipt calldata receipt) external view returns (bytes32) {
        return _receiptDigest(receipt);
    }

    // ---------------------------------------------------------------- internals

    function _registerCredentialType(bytes32 credentialType) private returns (uint8 bit) {
        if (credentialType == bytes32(0) || _typeInfo[credentialType] != 0) {
            revert IssuerRegistryInvalidType(credentialType);
        }
        uint256 count = _types.length;
        if (count == MAX_CREDENTIAL_TYPES) revert IssuerRegistryTypesFull(MAX_CREDENTIAL_TYPES);
        _types.push(credentialType);
        _typeInfo[credentialType] = _typeWord(count, DEFAULT_RECEIPT_LIFETIME);
        bit = uint8(count);
        emit CredentialTypeRegistered(credentialType, bit, DEFAULT_RECEIPT_LIFETIME);
    }

    function _addIssuer(
        address issuer,
        uint104 typeBits,
        bytes2 jurisdiction,
        uint40 validFrom,
        uint40 validUntil
    ) private {
        if (issuer == address(0)) revert IssuerRegistryZeroAddress();
        IssuerStatus current = _decode(_history[issuer].latest()).status;
        // A key is accredited once: a removed or rotated key never comes back under the same address.
        if (current != IssuerStatus.None) revert IssuerRegistryKeyInUse(issuer, current);
        _checkJurisdiction(jurisdiction);
        _checkValidity(validFrom, validUntil);
        IssuerRecord memory record = IssuerRecord({
            status: IssuerStatus.Active,
            jurisdiction: jurisdiction,
            validFrom: validFrom,
            validUntil: validUntil,
            typeBits: typeBits
        });
        _write(issuer, IssuerAction.Added, record);
    }

    function _write(address issuer, IssuerAction action, IssuerRecord memory record) private {
        _history[issuer].push(uint48(block.timestamp), _encode(record));
        emit IssuerUpdated(issuer, action, record);
    }

    /// @dev The current key of `key`'s lineage: `key` itself unless it was rotated away.
    function _lineageHead(address key) private view returns (address) {
        if (_decode(_history[key].latest()).status != IssuerStatus.Rotated) return key;
        address root = _rootOf[key];
        return _headOf[root == address(0) ? key : root];
    }

    function _expectStatus(
        address issuer,
        IssuerStatus expected
    ) private view returns (IssuerRecord memory record) {
        record = _decode(_history[issuer].latest());
        if (record.status != expected)
            revert IssuerRegistryWrongStatus(issuer, record.status, expected);
    }

    function _live(address issuer) private view returns (IssuerRecord memory record) {
        record = _decode(_history[issuer].latest());
        if (record.status != IssuerStatus.Active && record.status != IssuerStatus.Suspended) {
            revert IssuerRegistryNotLive(issuer, record.status);
        }
    }

    function _recordWordAt(address issuer, uint256 timestamp) private view returns (uint208) {
        // Beyond uint48 every checkpoint is in the past: the latest record applies.
        if (timestamp > type(uint48).max) return _history[issuer].latest();
        return _history[issuer].upperLookupRecent(uint48(timestamp));
    }

    function _bitsOf(bytes32[] calldata credentialTypes) private view returns (uint104 bits) {
        // Bounded by the caller's own input; reading calldata in place spares a memory copy.
        for (uint256 i = 0; i < credentialTypes.length; ++i) {
            bits |= uint104(1 << _bitOf(credentialTypes[i]));
        }
    }

    function _bitsOfMemory(bytes32[] memory credentialTypes) private view returns (uint104 bits) {
        for (uint256 i = 0; i < credentialTypes.length; ++i) {
            bits |= uint104(1 << _bitOf(credentialTypes[i]));
        }
    }

    function _bitOf(bytes32 credentialType) private view returns (uint256) {
        uint256 bit = uint8(_typeInfo[credentialType]);
        if (bit == 0) revert IssuerRegistryUnknownType(credentialType);
        return bit - 1;
    }

    function _receiptDigest(CredentialReceipt calldata r) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        _RECEIPT_TYPEHASH,
                        r.issuer,
                        r.owner,
                        r.audience,
                        r.dataHash,
                        r.credentialType,
                        r.issuedAt,
                        r.validUntil
                    )
                )
            );
    }

    function _typeWord(uint256 bit, uint64 maxReceiptLifetime) private pure returns (uint256) {
        return (uint256(maxReceiptLifetime) << _LIFETIME_SHIFT) | (bit + 1);
    }

    function _checkValidity(uint40 validFrom, uint40 validUntil) private pure {
        if (validUntil != 0 && validUntil <= validFrom)
            revert IssuerRegistryInvalidValidity(validFrom, validUntil);
    }

    function _checkJurisdiction(bytes2 code) private pure {
        if (code == bytes2(0)) return;
        // ISO 3166-1 alpha-2: two upper-case ASCII letters.
        if (!_isUpper(uint8(code[0])) || !_isUpper(uint8(code[1])))
            revert IssuerRegistryInvalidJurisdiction(code);
    }

    function _isUpper(uint8 c) private pure returns (bool) {
        return c >= 0x41 && c <= 0x5a;
    }

    function _trusted(uint208 word, uint256 bit, uint256 timestamp) private pure returns (bool) {
        IssuerRecord memory r = _decode(word);
        return
            r.status == IssuerStatus.Active &&
            (r.typeBits >> bit) & 1 == 1 &&
            r.validFrom <= timestamp &&
            (r.validUntil == 0 || timestamp < r.validUntil);
    }

    function _encode(IssuerRecord memory r) private pure returns (uint208) {
        return
            uint208(uint8(r.status)) |
            (uint208(uint16(r.jurisdiction)) << 8) |
            (uint208(r.validFrom) << 24) |
            (uint208(r.validUntil) << 64) |
            (uint208(r.typeBits) << 104);
    }

    function _decode(uint208 word) private pure returns (IssuerRecord memory) {
        return
            IssuerRecord({
                status: IssuerStatus(uint8(word)),
                jurisdiction: bytes2(uint16(word >> 8)),
                validFrom: uint40(word >> 24),
                validUntil: uint40(word >> 64),
                typeBits: uint104(word >> 104)
            });
    }
}
