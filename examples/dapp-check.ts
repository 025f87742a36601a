/**
 * A dApp backend that checks on-chain, before serving a user, that the user granted the dApp access
 * to a data item for a purpose, and refuses otherwise.
 *
 * To have something to check, the script first plays the user: it grants the dApp access (expiring
 * in a day), then the backend serves the user for that purpose, refuses the same user for another
 * purpose, and refuses again once the user has revoked the grant. Exits 1 when any answer differs.
 *
 *   RPC_URL            JSON-RPC endpoint                       default http://127.0.0.1:8545
 *   DEPLOYMENT_RECORD  the deploy toolkit's record             default deployments/localhost.json
 *   USER_KEY           the user's key (Hardhat account #2)     default Hardhat's public dev key #2
 *   DAPP_ADDRESS       the dApp, the grantee                   default Hardhat account #18
 */
import {
  computeGrantId,
  createDataReference,
  formatSeconds,
  getGrant,
  grant,
  isActive,
  isGranted,
  purposeHash,
  revoke,
} from "@grantkit/sdk";
import { createPublicClient, createWalletClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { loadDeployment, RPC_URL, USER_KEY } from "./lib/localStack.ts";
import { runMain } from "./lib/runMain.ts";

const DAPP = (process.env.DAPP_ADDRESS ?? "0xdD2FD4581271e230360230F9337D5c0430Bf44C0") as Address;

const address = loadDeployment().accessGrants.address;
const publicClient = createPublicClient({ transport: http(RPC_URL) });

/** The backend's check: serve only while the user's grant to this dApp is active on-chain. */
async function serve(request: {
  user: Address;
  dataHash: Hex;
  purpose: string;
}): Promise<{ served: boolean; why: string }> {
  const key = {
    address,
    owner: request.user,
    grantee: DAPP,
    dataHash: request.dataHash,
    purpose: purposeHash(request.purpose),
  };
  const granted = await isGranted(publicClient, key);
  const g = await getGrant(publicClient, key); // status, lock and expiry, for the log
  if (!granted) return { served: false, why: `no active grant (status ${g.status})` };
  // Times are bigint seconds of the chain (a local chain may run ahead of this machine's clock).
  const now = (await publicClient.getBlock()).timestamp;
  return {
    served: isActive(g, now),
    why: `grant active, expires ${formatSeconds(g.expiresAt, "never")}`,
  };
}

async function main(): Promise<void> {
  const user = privateKeyToAccount(USER_KEY);
  const wallet = createWalletClient({ account: user, transport: http(RPC_URL) });
  const chainNow = (await publicClient.getBlock()).timestamp;
  const { dataHash } = createDataReference({ dataId: `profile-${chainNow}`, grantee: DAPP });
  const purpose = "onboarding";
  const grantId = computeGrantId({
    owner: user.address,
    grantee: DAPP,
    dataHash,
    purpose: purposeHash(purpose),
  });
  console.log(`dApp ${DAPP} on AccessGrants ${address}`);

  // The user's side: grant the dApp access for a day.
  const key = { address, grantee: DAPP, dataHash, purpose: purposeHash(purpose) };
  await publicClient.waitForTransactionReceipt({
    hash: await grant(wallet, { ...key, expiresAt: chainNow + 86_400n }),
  });
  console.log(`user ${user.address} granted ${grantId}`);

  const expect = async (label: string, p: string, served: boolean) => {
    const answer = await serve({ user: user.address, dataHash, purpose: p });
    console.log(`${answer.served ? "SERVE " : "REFUSE"} ${label}: ${answer.why}`);
    if (answer.served !== served) throw new Error(`expected ${served ? "SERVE" : "REFUSE"}`);
  };
  await expect(`purpose "${purpose}"`, purpose, true);
  await expect(`purpose "marketing"`, "marketing", false);

  await publicClient.waitForTransactionReceipt({ hash: await revoke(wallet, key) });
  console.log(`user revoked ${grantId}`);
  await expect(`purpose "${purpose}" after the revoke`, purpose, false);
}

runMain("dapp-check", main);
