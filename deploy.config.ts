/**
 * Deployment configuration, one entry per Hardhat network name. Everything that decides the
 * contracts' constructor arguments lives here, so the same entry gives the same addresses on every
 * chain (CREATE2 through CreateX; see docs/deploy.md). Secrets never go here: deployer keys and RPC
 * URLs come from Hardhat configuration variables (see .env.example).
 */
import { keccak256, toUtf8Bytes } from "ethers";

export interface IssuerConfig {
  /** The issuer's signing-key address. */
  address: string;
  /** Credential type labels, each listed in `credentialTypes`. */
  types: string[];
  /** ISO 3166-1 alpha-2 code, e.g. "CH"; "" for none. */
  jurisdiction: string;
  /** Trusted from / until (unix seconds, 0 = unbounded). */
  validFrom?: number;
  validUntil?: number;
  /** keccak256 of the issuer's off-chain metadata document. */
  metadataHash: string;
}

export interface NetworkDeployConfig {
  /** The IssuerRegistry default admin, e.g. a multisig. */
  admin: string;
  /** Delay of a default admin transfer, in seconds. */
  adminDelaySeconds: number;
  /** Accounts given REGISTRAR_ROLE at deployment. */
  registrars: string[];
  /** Credential type labels registered at deployment; the type id is keccak256(label). */
  credentialTypes: string[];
  /** Issuers accredited at deployment. */
  issuers: IssuerConfig[];
  /** CreateX salt label; the salt is keccak256(label). Change it to get fresh addresses. */
  saltLabel: string;
}

/** The first three of Hardhat's and anvil's well-known development accounts (public test keys). */
const DEV = {
  account0: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  account1: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  account2: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
};

const local: NetworkDeployConfig = {
  admin: DEV.account0,
  adminDelaySeconds: 3 * 24 * 3600,
  registrars: [DEV.account1],
  credentialTypes: ["kyc.basic", "kyc.enhanced", "aml.screening"],
  issuers: [
    {
      address: DEV.account2,
      types: ["kyc.basic", "aml.screening"],
      jurisdiction: "CH",
      metadataHash: keccak256(toUtf8Bytes("demo issuer metadata v1")),
    },
  ],
  saltLabel: "grantkit.v1",
};

export const deployConfig: Record<string, NetworkDeployConfig> = {
  default: local,
  otherchain: local,
  localhost: local,
};
