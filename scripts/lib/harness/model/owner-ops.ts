/**
 * The random operation model's grant operations: the owner's calls (grant, revoke, extendLock,
 * extendExpiry, replace), batches, signed requests relayed one by one or in a relayer's tryMulticall,
 * releases by the grantee, and a revoke the contract must refuse while a lock is in force.
 */
import { computeGrantId, grantsDomain, signRequest } from "../../grants.js";
import { SequenceState } from "./sequence-state.js";
import { DAY, HOUR, MARGIN, type OwnerCall } from "./types.js";
import { max } from "./rng.js";

export class OwnerOps extends SequenceState {
  // ---------------------------------------------------------------- owner operations (one call each)

  /** `grant` by the owner; returns the call without sending it. */
  protected opGrant(owner?: string): OwnerCall {
    const found = this.grantableKey(owner);
    if (!found) return null;
    const { key, regrant } = found;
    const p = this.lockAndExpiry();
    this.setGrant(key, "active", p.lockedUntil, p.expiresAt);
    this.count(`grant.${p.kind}`);
    if (regrant) this.tally("regrant");
    return {
      owner: key.owner,
      data: this.grants.interface.encodeFunctionData("grant", [
        this.params(key, p.lockedUntil, p.expiresAt),
      ]),
      label: `grant(${p.kind}${regrant ? ", again" : ""})`,
    };
  }

  protected opRevoke(owner?: string): OwnerCall {
    const candidates = this.activeGrants(owner).filter((g) => g.lockedUntil <= this.now);
    if (candidates.length === 0) return null;
    const g = this.rng.pick(candidates);
    this.setGrant(g, "revoked", g.lockedUntil, g.expiresAt);
    this.count("revoke");
    return {
      owner: g.owner,
      data: this.grants.interface.encodeFunctionData("revoke", [this.keyOf(g)]),
      label: "revoke",
    };
  }

  protected opExtendLock(owner?: string): OwnerCall {
    const candidates = this.activeGrants(owner).filter(
      (g) => g.expiresAt === 0n || g.expiresAt > g.lockedUntil,
    );
    if (candidates.length === 0) return null;
    const g = this.rng.pick(candidates);
    let lockedUntil = max(g.lockedUntil, this.now) + this.rng.big(HOUR, 5n * DAY);
    if (g.expiresAt !== 0n && lockedUntil > g.expiresAt) lockedUntil = g.expiresAt;
    if (lockedUntil <= g.lockedUntil) return null;
    this.setGrant(g, "active", lockedUntil, g.expiresAt);
    this.count("extendLock");
    return {
      owner: g.owner,
      data: this.grants.interface.encodeFunctionData("extendLock", [this.keyOf(g), lockedUntil]),
      label: "extendLock",
    };
  }

  protected opExtendExpiry(owner?: string): OwnerCall {
    const candidates = this.activeGrants(owner).filter((g) => g.expiresAt !== 0n);
    if (candidates.length === 0) return null;
    const g = this.rng.pick(candidates);
    const expiresAt = this.rng.chance(0.2) ? 0n : g.expiresAt + this.rng.big(HOUR, 10n * DAY);
    this.setGrant(g, "active", g.lockedUntil, expiresAt);
    this.count("extendExpiry");
    return {
      owner: g.owner,
      data: this.grants.interface.encodeFunctionData("extendExpiry", [this.keyOf(g), expiresAt]),
      label: `extendExpiry(${expiresAt === 0n ? "never" : "later"})`,
    };
  }

  protected opReplace(owner?: string, unlockedOnly = false): OwnerCall {
    // A grant whose lock runs out within the margin could end either way in the next block.
    const candidates = this.activeGrants(owner).filter(
      (g) => g.lockedUntil <= this.now || (!unlockedOnly && g.lockedUntil > this.now + MARGIN),
    );
    if (candidates.length === 0) return null;
    const g = this.rng.pick(candidates);
    // Corrected data: a fresh item, or another item of the owner whose grant is not active.
    let newDataHash: string | null = null;
    if (this.rng.chance(0.6)) {
      newDataHash = this.newDataHash(`${g.owner.slice(2, 8)}-fix-${++this.fixes}`);
    } else {
      for (const d of this.dataPool.get(g.owner)!) {
        if (d === g.dataHash) continue;
        const id = computeGrantId({ ...g, dataHash: d });
        if (!this.busy.has(id) && this.endedSafe(this.grantsModel.get(id))) newDataHash = d;
      }
    }
    if (newDataHash === null) return null;
    const p = this.lockAndExpiry(g.lockedUntil);
    // The owner alone never ends a locked grant: it stays in force until its lock (its new expiry).
    if (g.lockedUntil > this.now) this.setGrant(g, "active", g.lockedUntil, g.lockedUntil);
    else this.setGrant(g, "replaced", g.lockedUntil, g.expiresAt);
    this.setGrant({ ...g, dataHash: newDataHash }, "active", p.lockedUntil, p.expiresAt);
    this.count("replace");
    return {
      owner: g.owner,
      data: this.grants.interface.encodeFunctionData("replace", [
        this.keyOf(g),
        newDataHash,
        p.lockedUntil,
        p.expiresAt,
      ]),
      label: "replace",
    };
  }

  protected async ownerCall(made: OwnerCall): Promise<boolean> {
    if (!made) return false;
    await this.send({
      from: made.owner,
      to: this.grantsAddress,
      data: made.data,
      label: made.label,
    });
    return true;
  }

  protected async grantBatch(): Promise<boolean> {
    const owner = this.rng.pick(this.owners);
    const calls: string[] = [];
    const params = [];
    const n = this.rng.int(2, 4);
    for (let i = 0; i < n; i++) {
      const found = this.grantableKey(owner);
      if (!found) break;
      const p = this.lockAndExpiry();
      this.setGrant(found.key, "active", p.lockedUntil, p.expiresAt);
      params.push(this.params(found.key, p.lockedUntil, p.expiresAt));
      calls.push(p.kind);
      if (found.regrant) this.tally("regrant");
    }
    if (params.length === 0) return false;
    this.count("grantBatch", params.length);
    await this.send({
      from: owner,
      to: this.grantsAddress,
      data: this.grants.interface.encodeFunctionData("grantBatch", [params]),
      label: `grantBatch(${calls.join(",")})`,
    });
    return true;
  }

  protected async grantBySignature(): Promise<boolean> {
    const made = await this.signedGrant();
    if (!made) return false;
    this.count("grantBySignature");
    await this.send({
      from: this.relayer,
      to: this.grantsAddress,
      data: made.data,
      label: `grantBySignature(${made.kind}, relayed)`,
    });
    this.relayed.push(made.data);
    return true;
  }

  /** A signed Grant request of some owner, as calldata of grantBySignature (the model is updated). */
  protected async signedGrant(): Promise<{ data: string; kind: string } | null> {
    const found = this.grantableKey();
    if (!found) return null;
    const { key } = found;
    const p = this.lockAndExpiry();
    const nonce = this.rng.big(0n, 2n ** 48n);
    const deadline = this.now + DAY;
    const signer = await this.provider.getSigner(key.owner);
    // The grant's life as a client reads it before signing (no pending transaction touches it).
    const { generation } = await this.grants.getGrant(computeGrantId(key));
    const signature = await signRequest(
      signer,
      grantsDomain(this.chainId, this.grantsAddress),
      "Grant",
      {
        owner: key.owner,
        ...this.params(key, p.lockedUntil, p.expiresAt),
        generation,
        nonce,
        deadline,
      },
    );
    this.setGrant(key, "active", p.lockedUntil, p.expiresAt);
    return {
      kind: p.kind,
      data: this.grants.interface.encodeFunctionData("grantBySignature", [
        key.owner,
        this.params(key, p.lockedUntil, p.expiresAt),
        { nonce, deadline, signature },
      ]),
    };
  }

  /** A revoke while the lock is in force: the contract refuses it; nothing is sent. */
  protected async revokeLocked(): Promise<boolean> {
    const candidates = this.activeGrants().filter((g) => g.lockedUntil > this.now + MARGIN);
    if (candidates.length === 0) return false;
    const g = this.rng.pick(candidates);
    let reason = "no revert";
    try {
      await this.provider.call({
        from: g.owner,
        to: this.grantsAddress,
        data: this.grants.interface.encodeFunctionData("revoke", [this.keyOf(g)]),
        blockTag: "latest",
      });
    } catch (error) {
      const data = (error as { data?: string }).data;
      reason = (data && this.grants.interface.parseError(data)?.name) ?? String(error);
    }
    if (reason !== "AccessGrantsLocked")
      throw new Error(`revoke of locked grant ${g.id}: ${reason}, want AccessGrantsLocked`);
    this.count("revoke.refusedLocked");
    return true;
  }

  protected async revokeBatch(): Promise<boolean> {
    const owner = this.rng.pick(this.owners);
    const candidates = this.activeGrants(owner).filter((g) => g.lockedUntil <= this.now);
    if (candidates.length < 2) return false;
    const chosen = candidates.slice(0, this.rng.int(2, Math.min(3, candidates.length)));
    for (const g of chosen) this.setGrant(g, "revoked", g.lockedUntil, g.expiresAt);
    this.count("revokeBatch", chosen.length);
    await this.send({
      from: owner,
      to: this.grantsAddress,
      data: this.grants.interface.encodeFunctionData("revokeBatch", [
        chosen.map((g) => this.keyOf(g)),
      ]),
      label: `revokeBatch(${chosen.length})`,
    });
    return true;
  }

  protected async release(): Promise<boolean> {
    const candidates = this.activeGrants();
    if (candidates.length === 0) return false;
    const g = this.rng.pick(candidates);
    this.setGrant(g, "released", g.lockedUntil, g.expiresAt);
    this.count("release");
    await this.send({
      from: g.grantee,
      to: this.grantsAddress,
      data: this.grants.interface.encodeFunctionData("release", [g.owner, g.dataHash, g.purpose]),
      label: `release${g.lockedUntil > this.now ? "(locked)" : ""}`,
    });
    return true;
  }

  /** Several owner calls in one transaction (AccessGrants is Multicall). */
  protected async multicall(): Promise<boolean> {
    const owner = this.rng.pick(this.owners);
    const makers = [
      () => this.opGrant(owner),
      () => this.opRevoke(owner),
      () => this.opExtendLock(owner),
      () => this.opExtendExpiry(owner),
      () => this.opReplace(owner),
    ];
    const calls: { data: string; label: string }[] = [];
    const n = this.rng.int(2, 3);
    for (let attempt = 0; attempt < 8 && calls.length < n; attempt++) {
      const made = this.rng.pick(makers)();
      if (made) calls.push(made);
    }
    if (calls.length === 0) return false;
    this.tally("multicall");
    await this.send({
      from: owner,
      to: this.grantsAddress,
      data: this.grants.interface.encodeFunctionData("multicall", [calls.map((c) => c.data)]),
      label: `multicall(${calls.map((c) => c.label).join(", ")})`,
    });
    return true;
  }

  /**
   * A relayer's `tryMulticall` of signed Grant requests of several owners, one of which someone else
   * landed earlier (a replay of a request already relayed: NonceUsed): that item fails alone, with a
   * BatchItemFailed event the indexer keeps, and the others are granted.
   */
  protected async tryMulticall(): Promise<boolean> {
    if (this.relayed.length === 0) return false;
    const replayed = this.rng.pick(this.relayed);
    const items: string[] = [replayed];
    const n = this.rng.int(1, 2);
    for (let i = 0; i < n; i++) {
      const made = await this.signedGrant();
      if (made) items.push(made.data);
    }
    if (items.length < 2) return false;
    this.count("tryMulticall", items.length - 1);
    this.expectedBatchFailures += 1;
    await this.send({
      from: this.relayer,
      to: this.grantsAddress,
      data: this.grants.interface.encodeFunctionData("tryMulticall", [items]),
      label: `tryMulticall(${items.length - 1} grants + 1 replay)`,
    });
    return true;
  }

  protected async invalidateNonces(): Promise<boolean> {
    const owner = this.rng.pick(this.owners);
    this.count("invalidateNonces");
    await this.send({
      from: owner,
      to: this.grantsAddress,
      data: this.grants.interface.encodeFunctionData("invalidateNonces", [
        this.rng.big(0n, 3n),
        BigInt(this.rng.bytes32()) | 1n,
      ]),
      label: "invalidateNonces",
    });
    return true;
  }
}
