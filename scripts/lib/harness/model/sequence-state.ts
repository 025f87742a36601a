/**
 * The random operation model's state (scripts/lib/harness/model/sequence.ts runs it): the expected
 * grants and issuer keys, the blocks mined, the secrets that must never reach the indexer, the roles
 * of the node's dev accounts, and the predicates and parameter choices every operation shares. An
 * operation updates the model when it is made, before its transaction is mined (mine() checks it).
 */
import { Wallet, keccak256, toQuantity, toUtf8Bytes, type JsonRpcProvider } from "ethers";

import { computeGrantId, deriveDataHash, purposeHash } from "../../grants.js";
import type { AccessGrants, IssuerRegistry } from "../../../../types/ethers-contracts/index.js";
import { Rng, lower, max } from "./rng.js";
import {
  DAY,
  HOUR,
  MARGIN,
  PURPOSE_LABELS,
  TYPE_LABELS,
  type BlockInfo,
  type GrantModel,
  type IssuerModel,
  type Key,
  type Op,
  type Stored,
} from "./types.js";

const TX_GAS = toQuantity(2_000_000);

export class SequenceState {
  readonly rng: Rng;
  readonly grantsModel = new Map<string, GrantModel>();
  readonly issuers = new Map<string, IssuerModel>();
  readonly blocks: BlockInfo[] = [];
  readonly counts: Record<string, number> = {};
  /** Secrets that must never reach the indexer: salts and data ids. */
  readonly secrets: string[] = [];
  readonly typeLabels = [...TYPE_LABELS];
  actions = 0;
  now = 0n;

  protected readonly owners: string[];
  protected readonly grantees: string[];
  protected readonly relayer: string;
  protected readonly registrar: string;
  protected readonly freeKeys: string[];
  protected readonly dataPool = new Map<string, string[]>();
  protected readonly purposes = PURPOSE_LABELS.map(purposeHash);
  protected busy = new Set<string>();
  /** Calldata of grantBySignature requests already relayed: replaying one fails (NonceUsed). */
  protected readonly relayed: string[] = [];
  /** Random issuer keys the sequence holds (rotations need the new key's signature). */
  protected readonly wallets = new Map<string, Wallet>();
  expectedBatchFailures = 0;
  protected pending: { hash: string; op: Op }[] = [];
  protected fixes = 0;

  constructor(
    readonly provider: JsonRpcProvider,
    readonly grants: AccessGrants,
    readonly registry: IssuerRegistry,
    readonly chainId: number,
    accounts: string[],
    readonly seed: number,
    /** Action kinds to leave out (e.g. "updateMetadata"), to isolate a failure. */
    readonly skip: ReadonlySet<string> = new Set(),
  ) {
    this.rng = new Rng(seed, skip);
    // Dev accounts: 0 admin, 1 registrar, 2 issuer (local deploy config); the rest by role here.
    this.registrar = accounts[1]!;
    this.owners = accounts.slice(3, 9);
    this.grantees = accounts.slice(9, 14);
    this.relayer = accounts[14]!;
    this.freeKeys = accounts.slice(15, 20);
    for (const owner of this.owners) {
      const items: string[] = [];
      for (let k = 0; k < 3; k++) items.push(this.newDataHash(`${owner.slice(2, 8)}-doc-${k}`));
      this.dataPool.set(owner, items);
    }
    this.issuers.set(lower(accounts[2]!), {
      key: accounts[2]!,
      status: "active",
      controlled: true,
      metadataHash: keccak256(toUtf8Bytes("demo issuer metadata v1")),
      rotatedFrom: null,
      rotatedTo: null,
    });
  }

  get grantsAddress(): string {
    return this.grants.target as string;
  }
  get registryAddress(): string {
    return this.registry.target as string;
  }
  get ownerList(): readonly string[] {
    return this.owners;
  }
  get granteeList(): readonly string[] {
    return this.grantees;
  }

  protected newDataHash(dataId: string): string {
    const salt = this.rng.bytes32();
    this.secrets.push(salt, dataId);
    return deriveDataHash({ dataId, salt });
  }

  /** Counts `n` actions of a kind. */
  protected count(kind: string, n = 1): void {
    this.tally(kind, n);
    this.actions += n;
  }

  /** Counts a kind without counting actions (a wrapper of actions counted on their own). */
  protected tally(kind: string, n = 1): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + n;
  }

  // ---------------------------------------------------------------- time-safe predicates

  protected activeSafe(g: GrantModel | undefined): g is GrantModel {
    return (
      g !== undefined &&
      g.status === "active" &&
      (g.expiresAt === 0n || g.expiresAt > this.now + MARGIN)
    );
  }

  protected endedSafe(g: GrantModel | undefined): boolean {
    return (
      g === undefined || g.status !== "active" || (g.expiresAt !== 0n && g.expiresAt <= this.now)
    );
  }

  protected free(g: GrantModel): boolean {
    return !this.busy.has(g.id);
  }

  protected activeGrants(owner?: string): GrantModel[] {
    return [...this.grantsModel.values()].filter(
      (g) => this.activeSafe(g) && this.free(g) && (owner === undefined || g.owner === owner),
    );
  }

  // ---------------------------------------------------------------- parameter choices

  protected lockAndExpiry(minLock = 0n): { lockedUntil: bigint; expiresAt: bigint; kind: string } {
    let lockedUntil = minLock;
    if (this.rng.chance(0.4)) lockedUntil = max(minLock, this.now) + this.rng.big(HOUR, 10n * DAY);
    let expiresAt = 0n;
    if (this.rng.chance(0.45))
      expiresAt = max(lockedUntil, this.now) + this.rng.big(HOUR, 20n * DAY);
    const kind = lockedUntil > this.now ? "locked" : expiresAt !== 0n ? "expiring" : "plain";
    return { lockedUntil, expiresAt, kind };
  }

  /** A key that may be granted now (never granted, or ended), not touched in this block. */
  protected grantableKey(owner?: string): { key: Key; regrant: boolean } | null {
    for (let attempt = 0; attempt < 12; attempt++) {
      let key: Key;
      let regrant = false;
      const ended = [...this.grantsModel.values()].filter(
        (g) => this.endedSafe(g) && this.free(g) && (owner === undefined || g.owner === owner),
      );
      if (ended.length > 0 && this.rng.chance(0.3)) {
        const g = this.rng.pick(ended);
        key = { owner: g.owner, grantee: g.grantee, dataHash: g.dataHash, purpose: g.purpose };
        regrant = true;
      } else {
        const o = owner ?? this.rng.pick(this.owners);
        key = {
          owner: o,
          grantee: this.rng.pick(this.grantees),
          dataHash: this.rng.pick(this.dataPool.get(o)!),
          purpose: this.rng.pick(this.purposes),
        };
      }
      const id = computeGrantId(key);
      const existing = this.grantsModel.get(id);
      if (this.busy.has(id) || !this.endedSafe(existing)) continue;
      return { key, regrant: regrant || existing !== undefined };
    }
    return null;
  }

  protected setGrant(key: Key, status: Stored, lockedUntil: bigint, expiresAt: bigint): string {
    const id = computeGrantId(key);
    this.grantsModel.set(id, { ...key, id, status, lockedUntil, expiresAt });
    this.busy.add(id);
    return id;
  }

  protected params(key: Key, lockedUntil: bigint, expiresAt: bigint) {
    return {
      grantee: key.grantee,
      dataHash: key.dataHash,
      purpose: key.purpose,
      lockedUntil,
      expiresAt,
    };
  }

  protected keyOf(g: GrantModel) {
    return { grantee: g.grantee, dataHash: g.dataHash, purpose: g.purpose };
  }

  protected async send(op: Op): Promise<void> {
    const hash = (await this.provider.send("eth_sendTransaction", [
      { from: op.from, to: op.to, data: op.data, gas: TX_GAS },
    ])) as string;
    this.pending.push({ hash, op });
  }
}
