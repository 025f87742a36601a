// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title SignatureValidation
/// @notice The one signature rule of AccessGrants and IssuerRegistry: the signer's ECDSA signature, or,
/// for a signer with code, its ERC-1271 answer.
/// @dev ECDSA goes first so that an EOA pays no EXTCODESIZE (OpenZeppelin's `isValidSignatureNow`
/// checks the code first). The order changes nothing for smart accounts: a recovered address equals
/// the signer only if someone holds the signer's key, and such a key (an EIP-7702 account's own) can
/// act for the account anyway. `tryRecoverCalldata` takes 65-byte low-s signatures only.
library SignatureValidation {
    /// @dev True when `signature` over `digest` is `signer`'s (ECDSA) or accepted by `signer` (ERC-1271).
    function isValidNowCalldata(
        address signer,
        bytes32 digest,
        bytes calldata signature
    ) internal view returns (bool) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return
            signer.code.length != 0 &&
            SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature);
    }
}
