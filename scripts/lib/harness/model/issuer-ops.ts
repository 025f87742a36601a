/**
 * The random operation model's issuer operations: the registrar adds, suspends, restores and removes
 * issuer keys and sets their types, validity and jurisdiction; an issuer rotates its key (the new key
 * signs the rotation) and updates its metadata.
 */
import { Wallet, keccak256, toUtf8Bytes, type Signer } from "ethers";

import { jurisdictionCode, typeId } from "../../deployment.js";
import { registryDomain, signKeyRotation } from "../../receipts.js";
import { OwnerOps } from "./owner-ops.js";
import { lower, max } from "./rng.js";
import { DAY, HOUR, JURISDICTIONS, NEW_TYPE, type IssuerModel } from "./types.js";

export class IssuerOps extends OwnerOps {
  // ---------------------------------------------------------------- issuer actions

  protected liveIssuers(status?: IssuerModel["status"]): IssuerModel[] {
    return [...this.issuers.values()].filter(
      (i) =>
        !this.busy.has(lower(i.key)) &&
        (status ? i.status === status : i.status === "active" || i.status === "suspended"),
    );
  }

  protected freeKey(): { key: string; controlled: boolean } {
    const unused = this.freeKeys.filter(
      (k) => !this.issuers.has(lower(k)) && !this.busy.has(lower(k)),
    );
    if (unused.length > 0 && this.rng.chance(0.7))
      return { key: this.rng.pick(unused), controlled: true };
    // A key with no ether (it cannot send transactions) but whose private key the sequence holds.
    const wallet = new Wallet(keccak256(toUtf8Bytes(this.rng.bytes32())));
    this.wallets.set(lower(wallet.address), wallet);
    return { key: wallet.address, controlled: false };
  }

  /** Who signs for an issuer key: a dev account of the node, or a wallet the sequence made. */
  protected async keySigner(key: string): Promise<Signer> {
    return this.wallets.get(lower(key)) ?? (await this.provider.getSigner(key));
  }

  /** The current key of `key`'s lineage (the end of its rotations). */
  protected lineageHead(key: string): IssuerModel {
    let i = this.issuers.get(lower(key))!;
    while (i.rotatedTo) i = this.issuers.get(lower(i.rotatedTo))!;
    return i;
  }

  protected typeSet(): string[] {
    return this.typeLabels.filter(() => this.rng.chance(0.5)).map(typeId);
  }

  protected validity(): [bigint, bigint] {
    const from = this.rng.pick([
      0n,
      this.now - this.rng.big(0n, 5n * DAY),
      this.now + this.rng.big(HOUR, 3n * DAY),
    ]);
    const until = this.rng.chance(0.5) ? 0n : max(from, this.now) + this.rng.big(DAY, 20n * DAY);
    return [from, until];
  }

  protected async registrarCall(label: string, data: string, keys: string[]): Promise<boolean> {
    for (const k of keys) this.busy.add(lower(k));
    this.count(label);
    await this.send({ from: this.registrar, to: this.registryAddress, data, label });
    return true;
  }

  protected async issuerAction(): Promise<boolean> {
    const r = this.registry.interface;
    const kind = this.rng.weighted({
      addIssuer: 3,
      suspendIssuer: 2,
      restoreIssuer: 2,
      setIssuerTypes: 2,
      setIssuerValidity: 1.5,
      setIssuerJurisdiction: 1,
      rotateKey: 1.5,
      updateMetadata: 1,
      removeIssuer: 0.5,
      registerCredentialType: 0.5,
    });
    switch (kind) {
      case "addIssuer": {
        const { key, controlled } = this.freeKey();
        const [from, until] = this.validity();
        const metadataHash = this.rng.bytes32();
        this.issuers.set(lower(key), {
          key,
          status: "active",
          controlled,
          metadataHash,
          rotatedFrom: null,
          rotatedTo: null,
        });
        return this.registrarCall(
          kind,
          r.encodeFunctionData("addIssuer", [
            key,
            this.typeSet(),
            jurisdictionCode(this.rng.pick(JURISDICTIONS)),
            from,
            until,
            metadataHash,
          ]),
          [key],
        );
      }
      case "suspendIssuer":
      case "restoreIssuer": {
        const list = this.liveIssuers(kind === "suspendIssuer" ? "active" : "suspended");
        if (list.length === 0) return false;
        const i = this.rng.pick(list);
        i.status = kind === "suspendIssuer" ? "suspended" : "active";
        const data =
          kind === "suspendIssuer"
            ? r.encodeFunctionData("suspendIssuer", [i.key])
            : r.encodeFunctionData("restoreIssuer", [i.key]);
        return this.registrarCall(kind, data, [i.key]);
      }
      case "setIssuerTypes": {
        const list = this.liveIssuers();
        if (list.length === 0) return false;
        const i = this.rng.pick(list);
        return this.registrarCall(kind, r.encodeFunctionData(kind, [i.key, this.typeSet()]), [
          i.key,
        ]);
      }
      case "setIssuerValidity": {
        const list = this.liveIssuers();
        if (list.length === 0) return false;
        const i = this.rng.pick(list);
        const [from, until] = this.validity();
        return this.registrarCall(kind, r.encodeFunctionData(kind, [i.key, from, until]), [i.key]);
      }
      case "setIssuerJurisdiction": {
        const list = this.liveIssuers();
        if (list.length === 0) return false;
        const i = this.rng.pick(list);
        return this.registrarCall(
          kind,
          r.encodeFunctionData(kind, [i.key, jurisdictionCode(this.rng.pick(JURISDICTIONS))]),
          [i.key],
        );
      }
      case "removeIssuer": {
        // Any key of a live lineage names it, a rotated one included: its current key is removed.
        const list = [...this.issuers.values()].filter((i) => {
          const head = this.lineageHead(i.key);
          return (
            (head.status === "active" || head.status === "suspended") &&
            !this.busy.has(lower(i.key)) &&
            !this.busy.has(lower(head.key))
          );
        });
        // Keep at least two keys trusted for something, so that trust keeps changing.
        if (list.length < 4) return false;
        const i = this.rng.pick(list);
        const head = this.lineageHead(i.key);
        head.status = "removed";
        return this.registrarCall(kind, r.encodeFunctionData(kind, [i.key]), [i.key, head.key]);
      }
      case "registerCredentialType": {
        if (this.typeLabels.includes(NEW_TYPE)) return false;
        this.typeLabels.push(NEW_TYPE);
        return this.registrarCall(kind, r.encodeFunctionData(kind, [typeId(NEW_TYPE)]), []);
      }
      case "rotateKey": {
        const list = this.liveIssuers("active").filter((i) => i.controlled);
        if (list.length === 0) return false;
        const old = this.rng.pick(list);
        const { key, controlled } = this.freeKey();
        this.issuers.set(lower(key), {
          key,
          status: "active",
          controlled,
          metadataHash: old.metadataHash,
          rotatedFrom: old.key,
          rotatedTo: null,
        });
        old.status = "rotated";
        old.rotatedTo = key;
        this.busy.add(lower(key));
        this.busy.add(lower(old.key));
        this.count(kind);
        // The new key proves possession: its signature of the rotation.
        const deadline = this.now + DAY;
        const proof = await signKeyRotation(
          await this.keySigner(key),
          registryDomain(this.chainId, this.registryAddress),
          { oldKey: old.key, newKey: key, deadline },
        );
        await this.send({
          from: old.key,
          to: this.registryAddress,
          data: r.encodeFunctionData("rotateKey", [key, deadline, proof]),
          label: kind,
        });
        return true;
      }
      case "updateMetadata": {
        const list = this.liveIssuers().filter((i) => i.controlled);
        if (list.length === 0) return false;
        const i = this.rng.pick(list);
        i.metadataHash = this.rng.bytes32();
        this.busy.add(lower(i.key));
        this.count(kind);
        await this.send({
          from: i.key,
          to: this.registryAddress,
          data: r.encodeFunctionData("updateMetadata", [i.metadataHash]),
          label: kind,
        });
        return true;
      }
    }
  }
}
