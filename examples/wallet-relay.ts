/**
 * Gasless grants: the user signs requests (EIP-712) in the wallet, a relayer submits them as one
 * batch and pays the gas. Each request names a fresh unordered nonce and a deadline an hour after
 * the chain's latest block.
 *
 *   batch 1: Grant A (no lock, expires in 30 days), Grant B (locked 30 days, expires in a year)
 *   batch 2: ExtendExpiry B (two years), Revoke A, Revoke B (refused alone: B is locked)
 *
 * The relayer checks every request (`verifyRequest`), simulates the batch, sends it through
 * `tryMulticall` (each item succeeds or fails on its own) and reads each item's outcome from the
 * receipt; then the script reads both grants back. Exits 1 when anything differs from the above.
 *
 *   RPC_URL            JSON-RPC endpoint                        default http://127.0.0.1:8545
 *   DEPLOYMENT_RECORD  the deploy toolkit's record              default deployments/localhost.json
 *   USER_KEY           the signing user (Hardhat account #2)    default Hardhat's public dev key #2
 *   RELAYER_KEY        the relayer, pays gas (account #19)      default Hardhat's public dev key #19
 *   GRANTEE_ADDRESS    who the grants are for                   default Hardhat account #18
 */
import {
  computeGrantId,
  createDataReference,
  formatSeconds,
  getGrant,
  getRelayBatchOutcomes,
  parseRequest,
  pickNonce,
  prepareRequest,
  purposeHash,
  relayBatch,
  serializeRequest,
  signRequest,
  simulateRelayBatch,
  verifyRequest,
  type SignedRequest,
  type UnsignedRequest,
} from "@grantkit/sdk";
import { createPublicClient, createWalletClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { loadDeployment, RPC_URL, USER_KEY } from "./lib/localStack.ts";
import { runMain } from "./lib/runMain.ts";

const RELAYER_KEY = (process.env.RELAYER_KEY ??
  "0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e") as Hex;
const GRANTEE = (process.env.GRANTEE_ADDRESS ??
  "0xdD2FD4581271e230360230F9337D5c0430Bf44C0") as Address;
const DAY = 86_400n;

const address = loadDeployment().accessGrants.address;
const client = createPublicClient({ transport: http(RPC_URL) });
const user = privateKeyToAccount(USER_KEY);
const relayer = createWalletClient({
  account: privateKeyToAccount(RELAYER_KEY),
  transport: http(RPC_URL),
});

/** The wallet: signs each request and hands it over as JSON (what would travel over HTTP). */
async function sign(requests: UnsignedRequest[]): Promise<string> {
  const signed = [];
  for (const request of requests) signed.push(await signRequest({ request, signer: user }));
  return JSON.stringify(signed.map(serializeRequest));
}

/** The relayer: checks, simulates and sends one batch; returns each item's outcome. */
async function relay(label: string, body: string) {
  const requests: SignedRequest[] = (JSON.parse(body) as unknown[]).map(parseRequest);
  for (const r of requests) {
    const check = await verifyRequest(client, r);
    if (check !== "Valid") throw new Error(`${label}: a ${r.kind} request is ${check}`);
  }
  const { outcomes: simulated } = await simulateRelayBatch(relayer, { requests });
  const hash = await relayBatch(relayer, { requests });
  const receipt = await client.waitForTransactionReceipt({ hash });
  const outcomes = getRelayBatchOutcomes({ requests, logs: receipt.logs });
  console.log(`${label}: ${requests.length} requests in tx ${hash} (block ${receipt.blockNumber})`);
  for (const o of outcomes) {
    const result = o.success ? "ok" : `refused: ${o.error?.errorName} (${o.error?.hint})`;
    console.log(`  [${o.index}] ${o.request.kind.padEnd(12)} ${result}`);
    if (o.success !== simulated[o.index]?.success)
      throw new Error(`${label}: item ${o.index} did not do what the simulation said`);
  }
  return outcomes;
}

async function main(): Promise<void> {
  const now = (await client.getBlock()).timestamp; // the chain's time, not this machine's
  const purpose = purposeHash("analytics");
  const a = createDataReference({ dataId: `statement-${now}`, grantee: GRANTEE }).dataHash;
  const b = createDataReference({ dataId: `payslip-${now}`, grantee: GRANTEE }).dataHash;
  const keyA = { owner: user.address, grantee: GRANTEE, dataHash: a, purpose };
  const keyB = { owner: user.address, grantee: GRANTEE, dataHash: b, purpose };
  console.log(`user ${user.address}, relayer ${relayer.account.address}, AccessGrants ${address}`);

  // Batch 1: two grants. prepareRequest picks a free nonce; the second must avoid the first's.
  const grantA = await prepareRequest(client, {
    address,
    kind: "Grant",
    message: { ...keyA, lockedUntil: 0n, expiresAt: now + 30n * DAY },
  });
  const grantB = await prepareRequest(client, {
    address,
    kind: "Grant",
    message: { ...keyB, lockedUntil: now + 30n * DAY, expiresAt: now + 365n * DAY },
    excludeNonces: [grantA.message.nonce],
  });
  const first = await relay("batch 1", await sign([grantA, grantB]));
  if (!first.every((o) => o.success)) throw new Error("batch 1: a grant was refused");

  // Batch 2: random (unordered) nonces, as requests signed on several devices would have.
  const nonce = (exclude: bigint[]) =>
    pickNonce(client, { address, owner: user.address, strategy: "random", exclude });
  const n1 = await nonce([]);
  const n2 = await nonce([n1]);
  const n3 = await nonce([n1, n2]);
  const extendB = await prepareRequest(client, {
    address,
    kind: "ExtendExpiry",
    message: { ...keyB, expiresAt: now + 730n * DAY, nonce: n1 },
  });
  const revokeA = await prepareRequest(client, {
    address,
    kind: "Revoke",
    message: { ...keyA, nonce: n2 },
  });
  const revokeB = await prepareRequest(client, {
    address,
    kind: "Revoke",
    message: { ...keyB, nonce: n3 },
  });
  const second = await relay("batch 2", await sign([extendB, revokeA, revokeB]));
  const refused = second.map((o) => (o.success ? "ok" : (o.error?.errorName ?? "unknown")));
  if (refused.join() !== "ok,ok,AccessGrantsLocked")
    throw new Error(`batch 2: expected ok,ok,AccessGrantsLocked, got ${refused.join()}`);

  // Read the state back from the chain.
  const gA = await getGrant(client, { address, ...keyA });
  const gB = await getGrant(client, { address, ...keyB });
  console.log(`grant A ${computeGrantId(keyA)}: ${gA.status}`);
  console.log(
    `grant B ${computeGrantId(keyB)}: ${gB.status}, locked until ${formatSeconds(gB.lockedUntil)}, expires ${formatSeconds(gB.expiresAt, "never")}`,
  );
  if (gA.status !== "Revoked") throw new Error(`grant A is ${gA.status}, not Revoked`);
  if (gB.status !== "Active" || gB.expiresAt !== now + 730n * DAY)
    throw new Error(`grant B is ${gB.status} expiring ${gB.expiresAt}, not extended`);
}

runMain("wallet-relay", main);
