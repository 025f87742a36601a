/**
 * `npm start`: a local walk-through on the in-process Hardhat network. Deploys AccessGrants, then
 * plays the life of one grant: a relayed signed grant with a retention lock, a refused early revoke,
 * a rectification, and the revoke after the lock. Prints what happens at each step.
 */
import { network } from "hardhat";

import {
  computeGrantId,
  deriveDataHash,
  grantsDomain,
  newSalt,
  purposeHash,
  signRequest,
} from "./lib/grants.js";

const { ethers, networkHelpers } = await network.create();
const [user, exchange, relayer] = await ethers.getSigners();
if (!user || !exchange || !relayer) throw new Error("the demo needs three accounts");

const grants = await ethers.deployContract("AccessGrants");
const address = await grants.getAddress();
console.log(
  `AccessGrants deployed at ${address} (chain ${(await ethers.provider.getNetwork()).chainId})`,
);

const salt = newSalt();
const dataHash = deriveDataHash({ dataId: "kyc-credential-0001", salt });
const purpose = purposeHash("onboarding");
const now = BigInt(await networkHelpers.time.latest());
const year = 365n * 86_400n;
const params = {
  grantee: exchange.address,
  dataHash,
  purpose,
  lockedUntil: now + 5n * year,
  expiresAt: 0n,
};
console.log(
  `user ${user.address} shares data ${dataHash.slice(0, 10)}… with exchange ${exchange.address}`,
);

const deadline = now + 3_600n;
const signature = await signRequest(
  user,
  grantsDomain((await ethers.provider.getNetwork()).chainId, address),
  "Grant",
  {
    owner: user.address,
    ...params,
    generation: 0n, // the grant's life before this one: never granted
    nonce: 1n,
    deadline,
  },
);
const tx = await grants
  .connect(relayer)
  .grantBySignature(user.address, params, { nonce: 1n, deadline, signature });
const receipt = await tx.wait();
const id = computeGrantId({ owner: user.address, ...params });
console.log(
  `relayer submitted the signed grant ${id.slice(0, 10)}… (gas ${receipt?.gasUsed}); locked for 5 years`,
);
console.log(
  `isGranted: ${await grants.isGranted(user.address, exchange.address, dataHash, purpose)}`,
);

try {
  await grants.connect(user).revoke({ grantee: exchange.address, dataHash, purpose });
} catch (error) {
  const decoded = grants.interface.parseError((error as { data?: string }).data ?? "0x");
  console.log(`early revoke refused: ${decoded?.name}(${decoded?.args.join(", ")})`);
}

const corrected = deriveDataHash({ dataId: "kyc-credential-0001-corrected", salt });
await (
  await grants
    .connect(user)
    .replace({ grantee: exchange.address, dataHash, purpose }, corrected, params.lockedUntil, 0n)
).wait();
console.log(
  `rectified: a grant of ${corrected.slice(0, 10)}… with the same lock; the old one stays in force until its lock (still granted: ${await grants.isGranted(user.address, exchange.address, dataHash, purpose)})`,
);

await networkHelpers.time.increaseTo(params.lockedUntil);
await (
  await grants.connect(user).revoke({ grantee: exchange.address, dataHash: corrected, purpose })
).wait();
console.log(
  `after the lock the user revoked; isGranted: ${await grants.isGranted(user.address, exchange.address, corrected, purpose)}`,
);
