// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessGrants} from "../interfaces/IAccessGrants.sol";
import {IIssuerRegistry} from "../interfaces/IIssuerRegistry.sol";
import {GrantGate} from "../gate/GrantGate.sol";

/// @title KycVault
/// @notice Example dApp: an ether vault that accepts deposits only from users who granted the vault's
/// compliance address access to a KYC credential for the purpose "onboarding", backed by a receipt
/// from an issuer trusted for "kyc.basic". Withdrawals are never gated: the user's money stays theirs.
contract KycVault is GrantGate {
    /// @notice The credential type the vault requires.
    bytes32 public constant KYC_BASIC = keccak256("kyc.basic");

    /// @notice Ether held for each depositor.
    mapping(address depositor => uint256 amount) public balanceOf;

    /// @notice Emitted on each accepted deposit.
    event Deposited(address indexed depositor, uint256 amount, bytes32 dataHash);
    /// @notice Emitted on each withdrawal.
    event Withdrawn(address indexed depositor, uint256 amount);

    /// @notice Thrown when a withdrawal asks for more than the balance.
    error KycVaultInsufficientBalance(uint256 balance, uint256 requested);
    /// @notice Thrown when sending ether to the depositor fails.
    error KycVaultTransferFailed(address to, uint256 amount);

    constructor(
        IAccessGrants accessGrants,
        IIssuerRegistry issuerRegistry,
        address complianceAddress
    ) GrantGate(accessGrants, issuerRegistry, complianceAddress, keccak256("onboarding")) {}

    /// @notice Deposits ether, proving a granted KYC credential with an issuer's receipt.
    function deposit(
        bytes32 dataHash,
        IIssuerRegistry.CredentialReceipt calldata receipt,
        bytes calldata signature
    ) external payable {
        _requireCredential(msg.sender, dataHash, KYC_BASIC, receipt, signature);
        balanceOf[msg.sender] += msg.value;
        emit Deposited(msg.sender, msg.value, dataHash);
    }

    /// @notice Deposits ether with a grant only (the vault checks the credential off-chain).
    function depositGrantOnly(bytes32 dataHash) external payable {
        _requireGrant(msg.sender, dataHash);
        balanceOf[msg.sender] += msg.value;
        emit Deposited(msg.sender, msg.value, dataHash);
    }

    /// @notice Withdraws ether; never gated.
    function withdraw(uint256 amount) external {
        uint256 balance = balanceOf[msg.sender];
        if (amount > balance) revert KycVaultInsufficientBalance(balance, amount);
        balanceOf[msg.sender] = balance - amount;
        emit Withdrawn(msg.sender, amount);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, ) = msg.sender.call{value: amount}("");
        if (!ok) revert KycVaultTransferFailed(msg.sender, amount);
    }
}
