/**
 * The random operation model (issue 15's shared harness): a seeded sequence of grant and issuer
 * operations sent to a real node, several per block with time jumps, keeping the expected state
 * (grants, issuer keys, blocks, secrets). Each mined block is checked (every transaction in it, none
 * reverted); `run()` ends once every required kind was done and every derived status is present.
 */
import { toQuantity } from "ethers";

import { IssuerOps } from "./issuer-ops.js";
import { DAY, HOUR, MARGIN, REQUIRED_KINDS, type BlockInfo } from "./types.js";

/** About how many actions a sequence makes before it fills in the required kinds it missed. */
const TARGET_ACTIONS = 80;

export class Sequence extends IssuerOps {
  /** The required kinds, less those left out. */
  private required(): string[] {
    return REQUIRED_KINDS.filter((k) => !this.skip.has(k));
  }

  // ---------------------------------------------------------------- blocks

  /** What each kind of the owner's side does; any other kind is the issuers' (IssuerOps). */
  private readonly byKind: Record<string, () => Promise<boolean>> = {
    grant: () => this.ownerCall(this.opGrant()),
    grantBatch: () => this.grantBatch(),
    grantBySignature: () => this.grantBySignature(),
    revoke: () => this.ownerCall(this.opRevoke()),
    "revoke.refusedLocked": () => this.revokeLocked(),
    revokeBatch: () => this.revokeBatch(),
    release: () => this.release(),
    replace: () => this.ownerCall(this.opReplace()),
    "replace.unlocked": () => this.ownerCall(this.opReplace(undefined, true)),
    extendLock: () => this.ownerCall(this.opExtendLock()),
    extendExpiry: () => this.ownerCall(this.opExtendExpiry()),
    multicall: () => this.multicall(),
    tryMulticall: () => this.tryMulticall(),
    invalidateNonces: () => this.invalidateNonces(),
  };

  protected async action(kind: string): Promise<boolean> {
    return (this.byKind[kind] ?? (() => this.issuerAction()))();
  }

  protected randomKind(): string {
    return this.rng.weighted({
      grant: 4,
      grantBatch: 1.5,
      grantBySignature: 1.5,
      revoke: 2,
      "revoke.refusedLocked": 1,
      revokeBatch: 1,
      release: 1.5,
      replace: 1.5,
      extendLock: 1.5,
      extendExpiry: 1.5,
      multicall: 1.5,
      tryMulticall: 0.8,
      invalidateNonces: 0.3,
      issuer: 3.5,
    });
  }

  protected async mine(): Promise<BlockInfo> {
    await this.provider.send("evm_mine", []);
    const block = (await this.provider.send("eth_getBlockByNumber", ["latest", false])) as {
      number: string;
      timestamp: string;
      transactions: string[];
    };
    const info: BlockInfo = {
      number: Number(block.number),
      timestamp: BigInt(block.timestamp),
      labels: this.pending.map((p) => p.op.label),
      issuerChange: this.pending.some((p) => p.op.to === this.registryAddress),
    };
    for (const { hash, op } of this.pending) {
      const receipt = (await this.provider.send("eth_getTransactionReceipt", [hash])) as {
        status: string;
        blockNumber: string;
      } | null;
      if (receipt === null || Number(receipt.blockNumber) !== info.number) {
        throw new Error(`${op.label} (${hash}) was not mined in block ${info.number}`);
      }
      if (receipt.status !== "0x1") {
        // Replay it on the state before the block to name the custom error (the model was wrong).
        let reason = "unknown";
        try {
          await this.provider.call({
            from: op.from,
            to: op.to,
            data: op.data,
            blockTag: info.number - 1,
          });
        } catch (error) {
          const data = (error as { data?: string }).data ?? "";
          const iface =
            op.to === this.registryAddress ? this.registry.interface : this.grants.interface;
          reason = (data && iface.parseError(data)?.name) ?? String(error);
        }
        throw new Error(
          `${op.label} reverted in block ${info.number} (${reason}); seed ${this.seed}`,
        );
      }
    }
    this.pending = [];
    this.now = info.timestamp;
    this.blocks.push(info);
    return info;
  }

  protected async block(kinds: string[]): Promise<void> {
    this.busy = new Set();
    for (const kind of kinds) {
      for (let attempt = 0; attempt < 3; attempt++) {
        if (await this.action(attempt === 0 ? kind : this.randomKind())) break;
      }
    }
    if (this.pending.length > 0) await this.mine();
  }

  protected async timeJump(by?: bigint): Promise<void> {
    const seconds = by ?? this.rng.big(30n * 60n, 6n * DAY);
    await this.provider.send("evm_increaseTime", [toQuantity(seconds)]);
    const info = await this.mine();
    info.labels.push(`time +${seconds}s`);
    this.count("timeJump");
  }

  /** One plain `grant` with the given lock and expiry, in a block of its own. */
  protected async grantNow(
    lockedUntil: bigint,
    expiresAt: bigint,
    label: string,
  ): Promise<boolean> {
    this.busy = new Set();
    const found = this.grantableKey();
    if (!found) return false;
    this.setGrant(found.key, "active", lockedUntil, expiresAt);
    this.count(label);
    await this.send({
      from: found.key.owner,
      to: this.grantsAddress,
      data: this.grants.interface.encodeFunctionData("grant", [
        this.params(found.key, lockedUntil, expiresAt),
      ]),
      label,
    });
    await this.mine();
    return true;
  }

  /**
   * Ends with every derived status present at the head, so that the status checks cover them all:
   * a jump past the earliest expiry if nothing has expired, and a fresh lock if none is in force.
   */
  protected async finish(): Promise<void> {
    const grants = () => [...this.grantsModel.values()];
    // Every stored end status present at the head (a release or revoke may have been re-granted
    // since; a replace of a locked grant leaves it active): one more of each that is missing.
    for (const [status, kind] of [
      ["released", "release"],
      ["revoked", "revoke"],
      ["replaced", "replace.unlocked"],
    ] as const) {
      for (let attempt = 0; attempt < 4 && !grants().some((g) => g.status === status); attempt++) {
        this.busy = new Set();
        if (await this.action(kind)) await this.mine();
        else await this.grantNow(0n, 0n, "grant.plain");
      }
    }
    const expired = () =>
      grants().some((g) => g.status === "active" && g.expiresAt !== 0n && g.expiresAt <= this.now);
    if (!expired()) {
      let expiring = grants().filter((g) => this.activeSafe(g) && g.expiresAt !== 0n);
      if (expiring.length === 0) {
        await this.grantNow(0n, this.now + 2n * HOUR, "grant.expiring");
        expiring = grants().filter((g) => this.activeSafe(g) && g.expiresAt !== 0n);
      }
      const first = expiring.reduce((a, b) => (a.expiresAt <= b.expiresAt ? a : b));
      await this.timeJump(first.expiresAt - this.now + 60n);
    }
    const locked = grants().some((g) => this.activeSafe(g) && g.lockedUntil > this.now + MARGIN);
    if (!locked) await this.grantNow(this.now + 5n * DAY, 0n, "grant.locked");
    for (const s of ["active", "revoked", "released", "replaced"] as const) {
      if (!grants().some((g) => g.status === s))
        throw new Error(`the sequence left no ${s} grant (seed ${this.seed})`);
    }
  }

  /** Runs the sequence: about TARGET_ACTIONS actions, then whatever required kind is still missing. */
  async run(): Promise<void> {
    const latest = (await this.provider.send("eth_getBlockByNumber", ["latest", false])) as {
      timestamp: string;
    };
    this.now = BigInt(latest.timestamp);
    await this.provider.send("evm_setAutomine", [false]);
    try {
      while (this.actions < TARGET_ACTIONS) {
        const n = this.rng.int(3, 6);
        await this.block(Array.from({ length: n }, () => this.randomKind()));
        if (this.rng.chance(0.3)) await this.timeJump();
      }
      for (let round = 0; round < 6; round++) {
        const missing = this.required().filter((k) => !this.counts[k]);
        if (missing.length === 0) break;
        for (const k of missing) {
          if (k === "timeJump") await this.timeJump();
          else if (k.startsWith("grant.") || k === "regrant") await this.block(["grant", "grant"]);
          else if (
            ["addIssuer", "suspendIssuer", "restoreIssuer", "setIssuerTypes", "rotateKey"].includes(
              k,
            )
          )
            await this.block(["issuer", "issuer", "issuer"]);
          else await this.block([k]);
        }
        // Locks and expiries have to run out for revokes and re-grants to become possible.
        if (round >= 2) await this.timeJump();
      }
      await this.finish();
      const missing = this.required().filter((k) => !this.counts[k]);
      if (missing.length > 0)
        throw new Error(`kinds the sequence never did (seed ${this.seed}): ${missing.join(", ")}`);
    } finally {
      await this.provider.send("evm_setAutomine", [true]);
    }
  }
}
