// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice Test smart account: accepts a signature whose first 65 bytes are its signer's ECDSA
/// signature, followed by any extra bytes (as multisig and passkey wallets send), unless told to refuse.
contract MockERC1271Wallet is IERC1271 {
    address public immutable SIGNER;
    bool public refuse;

    constructor(address signer_) {
        SIGNER = signer_;
    }

    function setRefuse(bool refuse_) external {
        refuse = refuse_;
    }

    /// @notice Lets the wallet act as an owner directly.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }

    function isValidSignature(
        bytes32 hash,
        bytes calldata signature
    ) external view returns (bytes4) {
        if (refuse || signature.length < 65) return 0xffffffff;
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(
            hash,
            signature[:65]
        );
        return
            err == ECDSA.RecoverError.NoError && recovered == SIGNER
                ? this.isValidSignature.selector
                : bytes4(0xffffffff);
    }
}
