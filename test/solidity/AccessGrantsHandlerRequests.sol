// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../../contracts/interfaces/IAccessGrants.sol";
import {AccessGrantsHandlerModel} from "./AccessGrantsHandlerModel.sol";
import {
    GRANT_TYPEHASH,
    REVOKE_TYPEHASH,
    EXTEND_LOCK_TYPEHASH,
    EXTEND_EXPIRY_TYPEHASH,
    REPLACE_TYPEHASH
} from "./AccessGrantsEip712.sol";

/// @notice The invariant handler's signed requests: made, signed, kept and submitted by a relayer.
abstract contract AccessGrantsHandlerRequests is AccessGrantsHandlerModel {
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
        // The request's own fields, between the key and the nonce, with the lives it signs.
        bytes32 typehash;
        bytes memory fields;
        if (r.kind == KIND_GRANT) {
            (typehash, fields) = (GRANT_TYPEHASH, abi.encode(r.a, r.b, r.life));
        } else if (r.kind == KIND_REVOKE) {
            (typehash, fields) = (REVOKE_TYPEHASH, abi.encode(r.life));
        } else if (r.kind == KIND_EXTEND_LOCK) {
            (typehash, fields) = (EXTEND_LOCK_TYPEHASH, abi.encode(r.a, r.life));
        } else if (r.kind == KIND_EXTEND_EXPIRY) {
            (typehash, fields) = (EXTEND_EXPIRY_TYPEHASH, abi.encode(r.a, r.life));
        } else {
            fields = abi.encode(r.newDataHash, r.a, r.b, r.life, r.newLife);
            typehash = REPLACE_TYPEHASH;
        }
        bytes32 structHash = keccak256(
            bytes.concat(abi.encode(typehash), head, fields, abi.encode(nonce, deadline))
        );
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

    /// @dev True when `r`, if it succeeds, starts a new life on `id`.
    function _starts(Request memory r, bytes32 id) internal pure returns (bool) {
        return (r.kind == KIND_GRANT && r.id == id) || (r.kind == KIND_REPLACE && r.newId == id);
    }
}
