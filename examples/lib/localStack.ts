/**
 * Where the examples find the chain, the deployment and the user, by default the local stack that
 * `npm start` runs; each is overridden by the environment variable the examples' headers name.
 */
import { readFileSync } from "node:fs";

import { deploymentFromRecord } from "@grantkit/sdk";
import type { Hex } from "viem";

export const RPC_URL = process.env.RPC_URL ?? "http://127.0.0.1:8545";

/** The user who grants and signs: Hardhat's public development key #2 by default. */
export const USER_KEY = (process.env.USER_KEY ??
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a") as Hex;

/** The deployment in the deploy toolkit's record (`DEPLOYMENT_RECORD`, default the local one). */
export function loadDeployment() {
  const record =
    process.env.DEPLOYMENT_RECORD ??
    new URL("../../deployments/localhost.json", import.meta.url).pathname;
  return deploymentFromRecord(JSON.parse(readFileSync(record, "utf8")));
}
