/** @grantkit/sdk/abi: the contracts' ABIs, generated from the Hardhat build, `as const`. */
export { accessGrantsAbi } from "./abi/accessGrantsAbi.js";
export { issuerRegistryAbi } from "./abi/issuerRegistryAbi.js";
export { grantGateAbi } from "./abi/grantGateAbi.js";
