/**
 * Public chains GrantKit deploys to: one entry per chain, turned into Hardhat networks and explorer
 * settings by `hardhat.config.ts`. Adding a chain is one entry here (see docs/deploy.md, "Adding a
 * chain"). Secrets are never here: each entry's RPC URL and deployer key are configuration variables
 * named after its `env` prefix (`<env>_RPC_URL`, `<env>_DEPLOYER_PRIVATE_KEY`), read from the
 * encrypted Hardhat keystore or the environment.
 */
import { configVariable } from "hardhat/config";
import type {
  ChainDescriptorsUserConfig,
  HttpNetworkUserConfig,
  NetworkUserConfig,
} from "hardhat/types/config";

export interface ChainPreset {
  /** The chain id the network's node must answer with; a deploy to any other chain is refused. */
  chainId: number;
  /** Human name, as explorers show it. */
  name: string;
  /** Hardhat's chain type: "l1" (Ethereum), "op" (OP Stack: OP Mainnet, Base) or "generic". */
  chainType: "l1" | "op" | "generic";
  /** Prefix of the configuration variables `<env>_RPC_URL` and `<env>_DEPLOYER_PRIVATE_KEY`. */
  env: string;
  /** True for test networks. */
  testnet: boolean;
  /** The native currency gas is paid in. */
  currency: "ETH" | "POL";
  /** The Etherscan-family browser (API: Etherscan's v2 multichain endpoint, one for every chain). */
  etherscan: { name: string; url: string };
  /** The chain's Blockscout instance, when it has one (its API needs no key). */
  blockscout?: { url: string; apiUrl: string };
  /** Confirmations Hardhat Ignition waits for after each deploy transaction. */
  confirmations: number;
  /** Blocks after which the indexer may treat a block as final (the deepest reorg it expects). */
  finalityBlocks: number;
}

/** Etherscan's v2 API: one endpoint for every chain it supports, told apart by `chainid`. */
export const ETHERSCAN_V2_API_URL = "https://api.etherscan.io/v2/api";

/** A chain's explorer on blockscout.com: its site and, below it, its Etherscan-compatible API. */
function blockscoutAt(name: string): { url: string; apiUrl: string } {
  const url = `https://${name}.blockscout.com`;
  return { url, apiUrl: `${url}/api` };
}

export const presets = {
  ethereum: {
    chainId: 1,
    name: "Ethereum",
    chainType: "l1",
    env: "ETHEREUM",
    testnet: false,
    currency: "ETH",
    etherscan: { name: "Etherscan", url: "https://etherscan.io" },
    blockscout: blockscoutAt("eth"),
    confirmations: 3,
    finalityBlocks: 65,
  },
  base: {
    chainId: 8453,
    name: "Base",
    chainType: "op",
    env: "BASE",
    testnet: false,
    currency: "ETH",
    etherscan: { name: "Basescan", url: "https://basescan.org" },
    blockscout: blockscoutAt("base"),
    confirmations: 5,
    finalityBlocks: 30,
  },
  optimism: {
    chainId: 10,
    name: "OP Mainnet",
    chainType: "op",
    env: "OPTIMISM",
    testnet: false,
    currency: "ETH",
    etherscan: { name: "Optimistic Etherscan", url: "https://optimistic.etherscan.io" },
    blockscout: blockscoutAt("optimism"),
    confirmations: 5,
    finalityBlocks: 30,
  },
  arbitrum: {
    chainId: 42161,
    name: "Arbitrum One",
    chainType: "generic",
    env: "ARBITRUM",
    testnet: false,
    currency: "ETH",
    etherscan: { name: "Arbiscan", url: "https://arbiscan.io" },
    blockscout: blockscoutAt("arbitrum"),
    confirmations: 10,
    finalityBlocks: 240,
  },
  linea: {
    chainId: 59144,
    name: "Linea",
    chainType: "generic",
    env: "LINEA",
    testnet: false,
    currency: "ETH",
    etherscan: { name: "LineaScan", url: "https://lineascan.build" },
    blockscout: {
      url: "https://explorer.linea.build",
      apiUrl: "https://api-explorer.linea.build/api",
    },
    confirmations: 5,
    finalityBlocks: 30,
  },
  polygon: {
    chainId: 137,
    name: "Polygon PoS",
    chainType: "generic",
    env: "POLYGON",
    testnet: false,
    currency: "POL",
    etherscan: { name: "PolygonScan", url: "https://polygonscan.com" },
    blockscout: blockscoutAt("polygon"),
    confirmations: 10,
    finalityBlocks: 200,
  },
  sepolia: {
    chainId: 11155111,
    name: "Sepolia",
    chainType: "l1",
    env: "SEPOLIA",
    testnet: true,
    currency: "ETH",
    etherscan: { name: "Etherscan", url: "https://sepolia.etherscan.io" },
    blockscout: blockscoutAt("eth-sepolia"),
    confirmations: 2,
    finalityBlocks: 65,
  },
  baseSepolia: {
    chainId: 84532,
    name: "Base Sepolia",
    chainType: "op",
    env: "BASE_SEPOLIA",
    testnet: true,
    currency: "ETH",
    etherscan: { name: "Basescan", url: "https://sepolia.basescan.org" },
    blockscout: blockscoutAt("base-sepolia"),
    confirmations: 5,
    finalityBlocks: 30,
  },
  optimismSepolia: {
    chainId: 11155420,
    name: "OP Sepolia",
    chainType: "op",
    env: "OPTIMISM_SEPOLIA",
    testnet: true,
    currency: "ETH",
    etherscan: { name: "Optimistic Etherscan", url: "https://sepolia-optimism.etherscan.io" },
    blockscout: blockscoutAt("optimism-sepolia"),
    confirmations: 5,
    finalityBlocks: 30,
  },
  arbitrumSepolia: {
    chainId: 421614,
    name: "Arbitrum Sepolia",
    chainType: "generic",
    env: "ARBITRUM_SEPOLIA",
    testnet: true,
    currency: "ETH",
    etherscan: { name: "Arbiscan", url: "https://sepolia.arbiscan.io" },
    blockscout: blockscoutAt("arbitrum-sepolia"),
    confirmations: 10,
    finalityBlocks: 240,
  },
  lineaSepolia: {
    chainId: 59141,
    name: "Linea Sepolia",
    chainType: "generic",
    env: "LINEA_SEPOLIA",
    testnet: true,
    currency: "ETH",
    etherscan: { name: "LineaScan", url: "https://sepolia.lineascan.build" },
    blockscout: {
      url: "https://explorer.sepolia.linea.build",
      apiUrl: "https://api-explorer.sepolia.linea.build/api",
    },
    confirmations: 5,
    finalityBlocks: 30,
  },
  polygonAmoy: {
    chainId: 80002,
    name: "Polygon Amoy",
    chainType: "generic",
    env: "POLYGON_AMOY",
    testnet: true,
    currency: "POL",
    etherscan: { name: "PolygonScan", url: "https://amoy.polygonscan.com" },
    confirmations: 5,
    finalityBlocks: 200,
  },
} as const satisfies Record<string, ChainPreset>;

export type PresetName = keyof typeof presets;

/** The preset of a Hardhat network name, or undefined (local and development networks). */
export function presetOf(network: string): ChainPreset | undefined {
  return Object.hasOwn(presets, network) ? presets[network as PresetName] : undefined;
}

/** One HTTP network per preset: chain id pinned, URL and key as configuration variables. */
export function presetNetworks(): Record<string, NetworkUserConfig> {
  const networks: Record<string, HttpNetworkUserConfig> = {};
  for (const [name, p] of Object.entries(presets)) {
    networks[name] = {
      type: "http",
      chainType: p.chainType,
      chainId: p.chainId,
      url: configVariable(`${p.env}_RPC_URL`),
      accounts: [configVariable(`${p.env}_DEPLOYER_PRIVATE_KEY`)],
    };
  }
  return networks;
}

/**
 * The explorers of every preset, as Hardhat chain descriptors (read by hardhat-verify).
 * `ETHERSCAN_API_URL` and `BLOCKSCOUT_API_URL` replace the API endpoints, e.g. by a self-hosted
 * Etherscan-compatible explorer or a test's stand-in; unset, the public ones are used.
 */
export function presetChainDescriptors(
  env: NodeJS.ProcessEnv = process.env,
): ChainDescriptorsUserConfig {
  const descriptors: ChainDescriptorsUserConfig = {};
  for (const p of Object.values(presets) as ChainPreset[]) {
    descriptors[p.chainId] = {
      name: p.name,
      chainType: p.chainType,
      blockExplorers: {
        etherscan: { ...p.etherscan, apiUrl: env.ETHERSCAN_API_URL || ETHERSCAN_V2_API_URL },
        ...(p.blockscout
          ? {
              blockscout: {
                name: "Blockscout",
                url: p.blockscout.url,
                apiUrl: env.BLOCKSCOUT_API_URL || p.blockscout.apiUrl,
              },
            }
          : {}),
      },
    };
  }
  return descriptors;
}
