/** @grantkit/sdk/ethers: the same actions for dApps on ethers v6 (a transport and a ready client). */
export {
  createGrantKitClient,
  ethersTransport,
  type EthersProviderLike,
  type EthersSignerLike,
} from "./ethers/adapter.js";
