/**
 * A load generator for the fault suite: grant, revoke and re-grant batches from the node's dev
 * accounts, one transaction per block (`Activity`), and the same in the background until stopped
 * (`Stream`). It keeps which keys are active and which revoked, so re-grants and revokes always apply.
 */
import { keccak256, toQuantity, toUtf8Bytes } from "ethers";

import { purposeHash } from "../grants.js";
import { waitFor } from "../processes.js";
import type { Anvil } from "./anvil.js";
import { GRANTS_IFACE } from "./model/grant-checks.js";
import { sleep } from "./model/rng.js";
import type { Key } from "./model/types.js";

const TX_GAS = 90_000_000;
export const PURPOSES = ["onboarding", "aml-check", "marketing"].map(purposeHash);

/** A transaction to AccessGrants: its sender and call data. */
export interface Call {
  from: string;
  data: string;
}

/** grantBatch call data for `keys` (no lock, no expiry); the sender must be their owner. */
export function grantData(keys: Key[]): string {
  return GRANTS_IFACE.encodeFunctionData("grantBatch", [
    keys.map((k) => ({
      grantee: k.grantee,
      dataHash: k.dataHash,
      purpose: k.purpose,
      lockedUntil: 0n,
      expiresAt: 0n,
    })),
  ]);
}

/** revokeBatch call data for `keys`; the sender must be their owner. */
export function revokeData(keys: Key[]): string {
  return GRANTS_IFACE.encodeFunctionData("revokeBatch", [
    keys.map((k) => ({ grantee: k.grantee, dataHash: k.dataHash, purpose: k.purpose })),
  ]);
}

/** Sends grant, revoke and re-grant batches from the dev accounts, one transaction per block. */
export class Activity {
  private counter = 0;
  readonly active: Key[] = [];
  readonly revoked: Key[] = [];
  readonly owners: string[];
  readonly grantees: string[];

  constructor(
    readonly anvil: Anvil,
    readonly contract: string,
    accounts: string[],
    readonly tag: string,
  ) {
    this.owners = accounts.slice(3, 9);
    this.grantees = accounts.slice(9, 14);
  }

  private newKey(owner: string): Key {
    const n = this.counter++;
    return {
      owner,
      grantee: this.grantees[n % this.grantees.length]!,
      dataHash: keccak256(toUtf8Bytes(`${this.tag}-item-${n}`)),
      purpose: PURPOSES[n % PURPOSES.length]!,
    };
  }

  private owner(): string {
    return this.owners[this.counter % this.owners.length]!;
  }

  /** The call data and sender of a batch of `n` new grants (not sent). */
  grantCall(n: number, owner = this.owner()): Call & { keys: Key[] } {
    const keys = Array.from({ length: n }, () => this.newKey(owner));
    return { from: owner, data: grantData(keys), keys };
  }

  /** The call data of a revokeBatch of up to `n` active grants of one owner (not sent), or null. */
  revokeCall(n: number): (Call & { keys: Key[] }) | null {
    const owner = this.active[0]?.owner;
    if (!owner) return null;
    const keys = this.active.filter((k) => k.owner === owner).slice(0, n);
    return { from: owner, data: revokeData(keys), keys };
  }

  /** The call data of a re-grant of up to `n` revoked grants of one owner (not sent), or null. */
  regrantCall(n: number): (Call & { keys: Key[] }) | null {
    const owner = this.revoked[0]?.owner;
    if (!owner) return null;
    const keys = this.revoked.filter((k) => k.owner === owner).slice(0, n);
    return { from: owner, data: grantData(keys), keys };
  }

  /** Bookkeeping after a call was mined. */
  applied(kind: "grant" | "revoke" | "regrant", keys: Key[]): void {
    const same = (a: Key, b: Key) =>
      a.owner === b.owner &&
      a.grantee === b.grantee &&
      a.dataHash === b.dataHash &&
      a.purpose === b.purpose;
    if (kind === "revoke") {
      for (const k of keys) {
        this.active.splice(
          this.active.findIndex((a) => same(a, k)),
          1,
        );
        this.revoked.push(k);
      }
    } else {
      if (kind === "regrant")
        for (const k of keys)
          this.revoked.splice(
            this.revoked.findIndex((a) => same(a, k)),
            1,
          );
      this.active.push(...keys);
    }
  }

  /** The transaction object of `call`, as eth_sendTransaction and anvil_reorg take it. */
  tx(call: Call): { from: string; to: string; data: string; gas: string } {
    return { from: call.from, to: this.contract, data: call.data, gas: toQuantity(TX_GAS) };
  }

  /** Sends one transaction (automine: its own block) and checks it succeeded. */
  async send(call: Call): Promise<{ hash: string; block: number }> {
    const hash = await this.anvil.rpc<string>("eth_sendTransaction", [this.tx(call)]);
    const receipt = await waitFor("a receipt", 30_000, () =>
      this.anvil.rpc<{ status: string; blockNumber: string } | null>("eth_getTransactionReceipt", [
        hash,
      ]),
    );
    if (receipt.status !== "0x1") throw new Error(`transaction ${hash} reverted`);
    return { hash, block: Number(receipt.blockNumber) };
  }

  /** Sends `call` and keeps its bookkeeping; nothing when there was nothing to do. */
  private async apply(
    kind: "grant" | "revoke" | "regrant",
    call: (Call & { keys: Key[] }) | null,
  ): Promise<void> {
    if (!call) return;
    await this.send(call);
    this.applied(kind, call.keys);
  }

  async grant(n: number): Promise<void> {
    await this.apply("grant", this.grantCall(n));
  }

  async revoke(n: number): Promise<void> {
    await this.apply("revoke", this.revokeCall(n));
  }

  async regrant(n: number): Promise<void> {
    await this.apply("regrant", this.regrantCall(n));
  }

  /** `n` empty blocks (evm_mine, never hardhat_mine/anvil_mine bursts). */
  async mineEmpty(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await this.anvil.rpc("evm_mine", []);
  }
}

/** Transactions in the background, one block each (grants, revokes, re-grants), until stopped. */
export class Stream {
  private stopping = false;
  private readonly done: Promise<void>;
  blocks = 0;

  constructor(
    private readonly act: Activity,
    everyMs = 150,
  ) {
    this.done = (async () => {
      for (let i = 0; !this.stopping; i++) {
        const step = i % 4;
        if (step === 0) await this.act.grant(12);
        else if (step === 1) await this.act.revoke(6);
        else if (step === 2) await this.act.regrant(3);
        else await this.act.grant(4);
        this.blocks++;
        await sleep(everyMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done;
  }
}
