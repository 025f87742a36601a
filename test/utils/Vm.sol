// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The few cheatcodes these tests use, served by Hardhat 3's Solidity test runner (EDR) at
/// the Foundry cheatcode address. forge-std is not installable here, so this is a minimal stand-in
/// with the same signatures as Foundry's `Vm` interface.
interface Vm {
    function warp(uint256 newTimestamp) external;

    function prank(address msgSender) external;

    function startPrank(address msgSender) external;

    function stopPrank() external;

    function expectRevert(bytes calldata revertData) external;

    function expectRevert(bytes4 revertSelector) external;

    function expectEmit(
        bool checkTopic1,
        bool checkTopic2,
        bool checkTopic3,
        bool checkData,
        address emitter
    ) external;

    function addr(uint256 privateKey) external pure returns (address keyAddr);

    function sign(
        uint256 privateKey,
        bytes32 digest
    ) external pure returns (uint8 v, bytes32 r, bytes32 s);

    function assume(bool condition) external pure;

    function label(address account, string calldata newLabel) external;

    function toString(uint256 value) external pure returns (string memory);

    function toString(address value) external pure returns (string memory);

    function toString(bytes32 value) external pure returns (string memory);

    function toString(bool value) external pure returns (string memory);

    function toString(bytes calldata value) external pure returns (string memory);
}

/// @notice Base for Solidity tests: the cheatcode handle, `bound`, and assertions that revert with a
/// message naming both values (Hardhat reports the revert reason of a failing test).
abstract contract TestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev Order of the secp256k1 group: valid private keys are 1 .. N - 1.
    uint256 internal constant SECP256K1_N =
        0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141;

    /// @dev Maps any `x` into `[min, max]` (inclusive) without discarding the run, keeping small
    /// values as they are so the fuzzer's edge cases (0, 1, max) stay edge cases.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert(string.concat("assertTrue failed: ", message));
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) revert(string.concat("assertFalse failed: ", message));
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) {
            revert(
                string.concat(
                    "assertEq failed: ",
                    message,
                    ": ",
                    vm.toString(a),
                    " != ",
                    vm.toString(b)
                )
            );
        }
    }

    function assertEq(bool a, bool b, string memory message) internal pure {
        if (a != b) {
            revert(
                string.concat(
                    "assertEq failed: ",
                    message,
                    ": ",
                    vm.toString(a),
                    " != ",
                    vm.toString(b)
                )
            );
        }
    }

    function assertEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a != b) {
            revert(
                string.concat(
                    "assertEq failed: ",
                    message,
                    ": ",
                    vm.toString(a),
                    " != ",
                    vm.toString(b)
                )
            );
        }
    }

    function assertEq(address a, address b, string memory message) internal pure {
        if (a != b) {
            revert(
                string.concat(
                    "assertEq failed: ",
                    message,
                    ": ",
                    vm.toString(a),
                    " != ",
                    vm.toString(b)
                )
            );
        }
    }

    function assertEq(string memory a, string memory b, string memory message) internal pure {
        if (keccak256(bytes(a)) != keccak256(bytes(b))) {
            revert(string.concat("assertEq failed: ", message, ': "', a, '" != "', b, '"'));
        }
    }

    function assertGe(uint256 a, uint256 b, string memory message) internal pure {
        if (a < b) {
            revert(
                string.concat(
                    "assertGe failed: ",
                    message,
                    ": ",
                    vm.toString(a),
                    " < ",
                    vm.toString(b)
                )
            );
        }
    }

    function assertGt(uint256 a, uint256 b, string memory message) internal pure {
        if (a <= b) {
            revert(
                string.concat(
                    "assertGt failed: ",
                    message,
                    ": ",
                    vm.toString(a),
                    " <= ",
                    vm.toString(b)
                )
            );
        }
    }
}
