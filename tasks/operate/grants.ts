/**
 * Grants, as their owner or grantee: `grantkit grant`, `revoke` (owner), `release` (grantee) and
 * `check` (read-only). A data item is `--data-hash`, or `--data-id` with its secret `--salt`.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { GrantKitError, computeGrantId } from "../../scripts/lib/grants.js";
import { grantStatuses } from "../../sdk/src/constants.js";
import { chainNow, command, contracts, openChain, signerFrom, type Chain } from "./context.js";
import { iso } from "./format.js";
import { parseAddress, parseDataHash, parsePurpose, parseTime } from "./inputs.js";
import { transact } from "./transact.js";

interface DataArgs {
  dataHash: string;
  dataId: string;
  salt: string;
  purpose: string;
}

interface GrantArgs extends DataArgs {
  grantee: string;
  lockedUntil: string;
  expiresAt: string;
  from: string;
}

interface RevokeArgs extends DataArgs {
  grantee: string;
  from: string;
}

interface ReleaseArgs extends DataArgs {
  owner: string;
  from: string;
}

interface CheckArgs extends DataArgs {
  owner: string;
  grantee: string;
}

const MAX_UINT64 = 2n ** 64n - 1n;

/** The lock and expiry of a new grant, checked as the contract will (chain time). */
export function checkLockAndExpiry(lockedUntil: bigint, expiresAt: bigint, now: number): void {
  if (lockedUntil > MAX_UINT64 || expiresAt > MAX_UINT64) {
    throw new GrantKitError("--locked-until/--expires-at beyond uint64", "pass an earlier date");
  }
  if (expiresAt !== 0n) {
    const minimum = lockedUntil > BigInt(now) ? lockedUntil : BigInt(now) + 1n;
    if (expiresAt < minimum) {
      throw new GrantKitError(
        `--expires-at ${iso(expiresAt)} is too early: it must be after now (${iso(now)}) and not before the lock (${iso(lockedUntil)})`,
        "pass a later --expires-at, or none (never expires)",
      );
    }
  }
}

export interface GrantState {
  id: string;
  status: string;
  lockedUntil: bigint;
  expiresAt: bigint;
  generation: bigint;
}

export async function grantState(
  chain: Chain,
  key: { owner: string; grantee: string; dataHash: string; purpose: string },
): Promise<GrantState> {
  const { grants } = await contracts(chain);
  const id = computeGrantId(key);
  const s = await grants.getGrant(id);
  return {
    id,
    status: grantStatuses[Number(s.status)]!,
    lockedUntil: s.lockedUntil,
    expiresAt: s.expiresAt,
    generation: s.generation,
  };
}

function notActive(state: GrantState, checkCmd: string): GrantKitError {
  return new GrantKitError(
    `grant ${state.id} is not active (status ${state.status})`,
    `look at it with: npx hardhat grantkit check ${checkCmd}`,
  );
}

function checkArgs(key: { owner: string; grantee: string; dataHash: string }, purpose: string) {
  return `--owner ${key.owner} --grantee ${key.grantee} --data-hash ${key.dataHash} --purpose ${JSON.stringify(purpose)}`;
}

export const grant = command(async (args: GrantArgs, hre) => {
  const grantee = parseAddress(args.grantee, "--grantee");
  const dataHash = parseDataHash(args);
  const { purpose, label } = parsePurpose(args.purpose);
  const chain = await openChain(hre);
  const now = await chainNow(chain.provider);
  const lockedUntil = parseTime(args.lockedUntil, "--locked-until", now);
  const expiresAt = parseTime(args.expiresAt, "--expires-at", now);
  checkLockAndExpiry(lockedUntil, expiresAt, now);
  const owner = await signerFrom(chain, args.from);
  if (grantee === owner.address) {
    throw new GrantKitError(
      `--grantee ${grantee} is the owner (--from) itself`,
      "grant to another account",
    );
  }
  const key = { owner: owner.address, grantee, dataHash, purpose };
  const state = await grantState(chain, key);
  if (state.status === "Active") {
    throw new GrantKitError(
      `grant ${state.id} is already active (locked until ${iso(state.lockedUntil)}, expires ${iso(state.expiresAt, "never")})`,
      "nothing to do; revoke it first to grant it anew",
    );
  }
  const { grants } = await contracts(chain);
  await transact(
    grants,
    owner,
    "grant",
    [{ grantee, dataHash, purpose, lockedUntil, expiresAt }],
    `granted ${grantee} access to ${dataHash} for purpose ${label}, locked until ${iso(lockedUntil)}, expires ${iso(expiresAt, "never")}; grant id ${state.id}`,
  );
});

/**
 * The active grant that revoke (signed by its owner) and release (by its grantee) end: the data item
 * and purpose from the arguments, the signer from --from, the other party from `partyOf(signer)`.
 * Refused unless the grant is active.
 */
async function activeGrant(
  hre: HardhatRuntimeEnvironment,
  args: DataArgs & { from: string },
  partyOf: (signer: string) => { owner: string; grantee: string },
) {
  const dataHash = parseDataHash(args);
  const { purpose, label } = parsePurpose(args.purpose);
  const chain = await openChain(hre);
  const signer = await signerFrom(chain, args.from);
  const key = { ...partyOf(signer.address), dataHash, purpose };
  const state = await grantState(chain, key);
  if (state.status !== "Active") throw notActive(state, checkArgs(key, args.purpose));
  return { chain, signer, dataHash, purpose, label, state };
}

export const revoke = command(async (args: RevokeArgs, hre) => {
  const grantee = parseAddress(args.grantee, "--grantee");
  const active = await activeGrant(hre, args, (owner) => ({ owner, grantee }));
  const { chain, signer: owner, dataHash, purpose, label, state } = active;
  const now = await chainNow(chain.provider);
  // The next block is at least one second later; the contract refuses while now < lockedUntil.
  if (BigInt(now) + 1n < state.lockedUntil) {
    throw new GrantKitError(
      `grant ${state.id} is locked until ${iso(state.lockedUntil)}`,
      `the owner can revoke it from then on; the grantee ${grantee} can release it any time`,
    );
  }
  const { grants } = await contracts(chain);
  await transact(
    grants,
    owner,
    "revoke",
    [{ grantee, dataHash, purpose }],
    `revoked grant ${state.id} (grantee ${grantee}, data ${dataHash}, purpose ${label})`,
  );
});

export const release = command(async (args: ReleaseArgs, hre) => {
  const owner = parseAddress(args.owner, "--owner");
  const active = await activeGrant(hre, args, (grantee) => ({ owner, grantee }));
  const { chain, signer: grantee, dataHash, purpose, label, state } = active;
  const { grants } = await contracts(chain);
  await transact(
    grants,
    grantee,
    "release",
    [owner, dataHash, purpose],
    `released grant ${state.id} as grantee ${grantee.address} (owner ${owner}, data ${dataHash}, purpose ${label})`,
  );
});

/** Whether a grant's lock binds: only an active grant's lock does (an ended grant keeps its last one). */
export function lockNote(state: Pick<GrantState, "status" | "lockedUntil">, now: number): string {
  if (state.lockedUntil === 0n) return "";
  if (state.status !== "Active") {
    return ` (no longer binding: the grant is ${state.status.toLowerCase()})`;
  }
  return BigInt(now) < state.lockedUntil ? " (in force)" : " (over)";
}

export const check = command(async (args: CheckArgs, hre) => {
  const owner = parseAddress(args.owner, "--owner");
  const grantee = parseAddress(args.grantee, "--grantee");
  const dataHash = parseDataHash(args);
  const { purpose, label } = parsePurpose(args.purpose);
  const chain = await openChain(hre);
  const { grants } = await contracts(chain);
  const granted = await grants.isGranted(owner, grantee, dataHash, purpose);
  const state = await grantState(chain, { owner, grantee, dataHash, purpose });
  const now = await chainNow(chain.provider);
  console.log(`granted: ${granted ? "yes" : "no"}`);
  console.log(`  grant id ${state.id}`);
  console.log(`  owner ${owner}, grantee ${grantee}, data ${dataHash}, purpose ${label}`);
  console.log(`  status ${state.status}`);
  console.log(`  generation ${state.generation} (lives so far; a signed request names it)`);
  if (state.status === "None") return;
  console.log(`  locked until ${iso(state.lockedUntil)}${lockNote(state, now)}`);
  console.log(`  expires ${iso(state.expiresAt, "never")}`);
  console.log(`  chain time ${iso(now)}`);
});
