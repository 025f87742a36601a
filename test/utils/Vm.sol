// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The few cheatcodes these tests use, served by Hardhat 3's Solidity test runner (EDR) at
/// the Foundry cheatcode address. forge-std is not installable here, so this is a minimal stand-in
/// with the same signatures as Foundry's `Vm` interface; add a signature here before using another.
interface Vm {
    function warp(uint256 newTimestamp) external;

    function prank(address msgSender) external;

    function startPrank(address msgSender) external;

    function stopPrank() external;

    function expectRevert(bytes calldata revertData) external;

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

    function toString(bytes32 value) external pure returns (string memory);

    function toString(bytes calldata value) external pure returns (string memory);
}

/// @notice Base for Solidity tests: the cheatcode handle, `bound`, and assertions. A failed
/// assertion reverts with a custom error carrying the message and both values; Hardhat prints it
/// decoded (e.g. `AssertEqUint("lockedUntil", 5, 6)`) with a stack trace into the test.
abstract contract TestBase {
    error AssertTrueFailed(string message);
    error AssertFalseFailed(string message);
    error AssertEqUintFailed(string message, uint256 left, uint256 right);
    error AssertEqBoolFailed(string message, bool left, bool right);
    error AssertEqBytes32Failed(string message, bytes32 left, bytes32 right);
    error AssertEqAddressFailed(string message, address left, address right);
    error AssertEqStringFailed(string message, string left, string right);
    error AssertGeFailed(string message, uint256 left, uint256 right);
    error AssertGtFailed(string message, uint256 left, uint256 right);

    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev Order of the secp256k1 group: valid private keys are 1 .. N - 1.
    uint256 internal constant SECP256K1_N =
        0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141;

    /// @dev Maps any `x` into `[min, max]` (inclusive) without discarding the run; values already
    /// inside stay as they are, so the fuzzer's edge cases inside the range stay edge cases.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert AssertTrueFailed(message);
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) revert AssertFalseFailed(message);
    }

    function assertEq(uint256 left, uint256 right, string memory message) internal pure {
        if (left != right) revert AssertEqUintFailed(message, left, right);
    }

    function assertEq(bool left, bool right, string memory message) internal pure {
        if (left != right) revert AssertEqBoolFailed(message, left, right);
    }

    function assertEq(bytes32 left, bytes32 right, string memory message) internal pure {
        if (left != right) revert AssertEqBytes32Failed(message, left, right);
    }

    function assertEq(address left, address right, string memory message) internal pure {
        if (left != right) revert AssertEqAddressFailed(message, left, right);
    }

    function assertEq(
        string memory left,
        string memory right,
        string memory message
    ) internal pure {
        if (keccak256(bytes(left)) != keccak256(bytes(right))) {
            revert AssertEqStringFailed(message, left, right);
        }
    }

    function assertGe(uint256 left, uint256 right, string memory message) internal pure {
        if (left < right) revert AssertGeFailed(message, left, right);
    }

    function assertGt(uint256 left, uint256 right, string memory message) internal pure {
        if (left <= right) revert AssertGtFailed(message, left, right);
    }
}
