/**
 * The deploy path's plan (part of ./deploy.ts): the addresses AccessGrants and IssuerRegistry get
 * from the CreateX salt, whether they are already deployed, and the preflight of what deploying the
 * missing ones costs against the deployer's balance.
 */
import type { NetworkConnection } from "hardhat/types/network";
import { Interface, formatEther, formatUnits } from "ethers";

import type { NetworkDeployConfig } from "../../deploy.config.js";
import { presetOf } from "../../networks.config.js";
import {
  CREATEX_ADDRESS,
  predictAddress,
  registryConstructorArgs,
  saltOf,
  type ContractName,
} from "./deployment.js";

export type Connection = NetworkConnection<"generic">;

export interface PlannedContract {
  name: ContractName;
  address: string;
  initCode: string;
  constructorArgs: string;
  deployed: boolean;
}

const createXInterface = new Interface([
  "function deployCreate2(bytes32 salt, bytes initCode) payable returns (address)",
]);

/** What a deployment would create, with addresses predicted from the CreateX salt. */
export async function planDeployment(
  connection: Connection,
  config: NetworkDeployConfig,
): Promise<PlannedContract[]> {
  const { ethers } = connection;
  const salt = saltOf(config);
  const entries: [ContractName, readonly unknown[]][] = [
    ["AccessGrants", []],
    ["IssuerRegistry", registryConstructorArgs(config)],
  ];
  const planned: PlannedContract[] = [];
  for (const [name, args] of entries) {
    const factory = await ethers.getContractFactory(name);
    const tx = await factory.getDeployTransaction(...args);
    const initCode = tx.data;
    const address = predictAddress(salt, initCode);
    planned.push({
      name,
      address,
      initCode,
      constructorArgs: "0x" + initCode.slice(factory.bytecode.length),
      deployed: (await ethers.provider.getCode(address)) !== "0x",
    });
  }
  return planned;
}
/**
 * Gas, its price and the deployer's balance for the contracts still missing. Estimates the exact
 * CreateX calls when CreateX is there; without it (a dry run on a fresh development node), plain
 * creations, which cost a little less.
 */
export async function preflight(
  connection: Connection,
  config: NetworkDeployConfig,
  salt: string,
  missing: PlannedContract[],
  throughCreateX: boolean,
): Promise<{ lines: string[]; problem?: string }> {
  const { ethers } = connection;
  const lines: string[] = [];
  const unit = presetOf(connection.networkName)?.currency ?? "ETH";
  const eth = (wei: bigint) => `${formatEther(wei)} ${unit}`;
  const [signer] = await ethers.getSigners();
  if (signer === undefined) {
    return { lines, problem: `network "${connection.networkName}" has no deployer account` };
  }
  const deployer = signer.address;
  const roles = [];
  if (deployer.toLowerCase() === config.admin.toLowerCase()) roles.push("admin");
  if (config.registrars.some((r) => r.toLowerCase() === deployer.toLowerCase()))
    roles.push("registrar");
  lines.push(
    `deployer ${deployer}: ${roles.length === 0 ? "no role" : roles.join(", ") + " (as configured)"}; roles come only from the configuration`,
  );
  const balance = await ethers.provider.getBalance(deployer);
  if (missing.length === 0) {
    lines.push(`balance ${eth(balance)} (nothing to pay for)`);
    return { lines };
  }
  let total = 0n;
  const parts = [];
  for (const p of missing) {
    const gas = await ethers.provider.estimateGas(
      throughCreateX
        ? {
            from: deployer,
            to: CREATEX_ADDRESS,
            data: createXInterface.encodeFunctionData("deployCreate2", [salt, p.initCode]),
          }
        : { from: deployer, data: p.initCode },
    );
    total += gas;
    parts.push(`${p.name} ${gas.toLocaleString("en-US")}`);
  }
  lines.push(
    `gas ${total.toLocaleString("en-US")} (${parts.join(", ")}${throughCreateX ? "" : "; plain creations, CreateX not yet there"})`,
  );
  const fee = await ethers.provider.getFeeData();
  const price = fee.gasPrice ?? fee.maxFeePerGas ?? 0n;
  const cap = fee.maxFeePerGas ?? price;
  const cost = total * price;
  const most = total * (cap > price ? cap : price);
  lines.push(
    `cost ${eth(cost)} at the current gas price of ${formatUnits(price, "gwei")} gwei` +
      (most > cost
        ? ` (at most ${eth(most)} at the fee cap of ${formatUnits(cap, "gwei")} gwei)`
        : ""),
  );
  const enough = balance >= most;
  lines.push(`balance ${eth(balance)}: ${enough ? "enough" : "NOT enough"}`);
  return enough
    ? { lines }
    : {
        lines,
        problem: `the deployer ${deployer} has ${eth(balance)}, the deploy needs up to ${eth(most)}`,
      };
}
