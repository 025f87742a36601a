/**
 * Issuer governance, as a registrar: `grantkit issuer-add`, `issuer-suspend`, `issuer-restore`,
 * `issuer-remove`, `issuer-set-types`, and `issuer-show` (read-only).
 */
import { GrantKitError } from "../../scripts/lib/errors.js";
import { issuerActions, issuerStatuses } from "../../sdk/src/constants.js";
import { chainNow, command, contracts, openChain, signerFrom, type Chain } from "./context.js";
import { iso } from "./format.js";
import { parseAddress, parseJurisdiction, parseMetadata, parseTime, parseTypes } from "./inputs.js";
import { registeredTypes, registryEvents, requireRegistrar } from "./registry.js";
import { transact } from "./transact.js";

interface IssuerArgs {
  issuer: string;
  from: string;
}

interface IssuerAddArgs extends IssuerArgs {
  types: string;
  jurisdiction: string;
  validFrom: string;
  validUntil: string;
  metadata: string;
}

interface IssuerSetTypesArgs extends IssuerArgs {
  types: string;
}

const MAX_UINT40 = 2n ** 40n - 1n;

async function issuerStatus(chain: Chain, issuer: string): Promise<string> {
  const { registry } = await contracts(chain);
  return issuerStatuses[Number((await registry.getIssuer(issuer)).status)]!;
}

function wrongStatus(issuer: string, status: string, needs: string): GrantKitError {
  return new GrantKitError(
    `issuer ${issuer} is ${status}, this needs ${needs}`,
    `look at it with: npx hardhat grantkit issuer-show --issuer ${issuer}`,
  );
}

export const issuerAdd = command(async (args: IssuerAddArgs, hre) => {
  const issuer = parseAddress(args.issuer, "--issuer");
  const jurisdiction = parseJurisdiction(args.jurisdiction);
  const metadataHash = parseMetadata(args.metadata);
  const chain = await openChain(hre);
  const now = await chainNow(chain.provider);
  const validFrom = parseTime(args.validFrom, "--valid-from", now);
  const validUntil = parseTime(args.validUntil, "--valid-until", now);
  if (validFrom > MAX_UINT40 || validUntil > MAX_UINT40) {
    throw new GrantKitError("--valid-from/--valid-until beyond uint40", "pass an earlier date");
  }
  // The contract takes a past end (an issuer never trusted); grant refuses a past expiry likewise.
  if (validUntil !== 0n && validUntil <= BigInt(now)) {
    throw new GrantKitError(
      `--valid-until ${iso(validUntil)} is not in the future (chain time ${iso(now)})`,
      "pass a later --valid-until, e.g. +365d, or none (no end)",
    );
  }
  if (validUntil !== 0n && validUntil <= validFrom) {
    throw new GrantKitError(
      `--valid-until ${iso(validUntil)} is not after --valid-from ${iso(validFrom)}`,
      "pass a later --valid-until, or none",
    );
  }
  const types = parseTypes(args.types, await registeredTypes(chain, args.types.split(",")));
  const signer = await signerFrom(chain, args.from);
  await requireRegistrar(chain, signer);
  const status = await issuerStatus(chain, issuer);
  if (status !== "None") {
    throw new GrantKitError(
      `issuer key ${issuer} already has a record (${status})`,
      "a key is accredited once; use issuer-set-types to change its types, or a new key",
    );
  }
  const { registry } = await contracts(chain);
  await transact(
    registry,
    signer,
    "addIssuer",
    [issuer, types.map((t) => t.id), jurisdiction, validFrom, validUntil, metadataHash],
    `added issuer ${issuer} (${types.map((t) => t.label).join(", ")}; ${args.jurisdiction.trim() || "no jurisdiction"}; valid ${iso(validFrom, "now")} .. ${iso(validUntil, "no end")}; metadata ${metadataHash})`,
  );
});

/**
 * suspend / restore / remove: they act on the issuer's lineage, named by any of its keys (a rotated
 * one too), and change its current key: one status check of that key, then the call.
 */
function statusChange(
  method: "suspendIssuer" | "restoreIssuer" | "removeIssuer",
  allowed: string[],
  done: string,
) {
  return command(async (args: IssuerArgs, hre) => {
    const issuer = parseAddress(args.issuer, "--issuer");
    const chain = await openChain(hre);
    const signer = await signerFrom(chain, args.from);
    await requireRegistrar(chain, signer);
    const { registry } = await contracts(chain);
    const [, head] = await registry.issuerLineage(issuer);
    const current = head === ZERO_ADDRESS ? issuer : head;
    const status = await issuerStatus(chain, current);
    if (!allowed.includes(status)) throw wrongStatus(current, status, allowed.join(" or "));
    const via = current === issuer ? "" : ` through its retired key ${issuer}`;
    await transact(
      registry,
      signer,
      method,
      [issuer],
      `${done} issuer ${current}${via} (was ${status}; every key of its lineage follows)`,
    );
  });
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

export const issuerSuspend = statusChange("suspendIssuer", ["Active"], "suspended");
export const issuerRestore = statusChange("restoreIssuer", ["Suspended"], "restored");
export const issuerRemove = statusChange("removeIssuer", ["Active", "Suspended"], "removed");

export const issuerSetTypes = command(async (args: IssuerSetTypesArgs, hre) => {
  const issuer = parseAddress(args.issuer, "--issuer");
  const chain = await openChain(hre);
  const types = parseTypes(args.types, await registeredTypes(chain, args.types.split(",")));
  const signer = await signerFrom(chain, args.from);
  await requireRegistrar(chain, signer);
  const status = await issuerStatus(chain, issuer);
  if (status !== "Active" && status !== "Suspended") {
    throw wrongStatus(issuer, status, "Active or Suspended");
  }
  const { registry } = await contracts(chain);
  await transact(
    registry,
    signer,
    "setIssuerTypes",
    [issuer, types.map((t) => t.id)],
    `set types of issuer ${issuer} to ${types.map((t) => t.label).join(", ")}`,
  );
});

export const issuerShow = command(async (args: { issuer: string }, hre) => {
  const issuer = parseAddress(args.issuer, "--issuer");
  const chain = await openChain(hre);
  const { registry } = await contracts(chain);
  const types = await registeredTypes(chain);
  const r = await registry.getIssuer(issuer);
  const status = issuerStatuses[Number(r.status)]!;
  console.log(
    `issuer ${issuer} on ${chain.network} (IssuerRegistry ${await registry.getAddress()})`,
  );
  console.log(`  status ${status}`);
  if (status === "None") {
    console.log("  no record: never accredited");
    return;
  }
  const labels = new Map(types.map((t) => [t.id, t.label]));
  const held = (await registry.credentialTypesOf(r.typeBits)).map((id) => labels.get(id) ?? id);
  const code =
    r.jurisdiction === "0x0000" ? "none" : Buffer.from(r.jurisdiction.slice(2), "hex").toString();
  console.log(`  jurisdiction ${code}`);
  const [root, head] = await registry.issuerLineage(issuer);
  console.log(`  lineage: first key ${root}, current key ${head}`);
  console.log(
    `  valid from ${iso(r.validFrom, "accreditation")} until ${iso(r.validUntil, "no end")}`,
  );
  console.log(`  accredited types: ${held.join(", ") || "none"}`);
  const trusted: string[] = [];
  for (const t of types) if (await registry.isTrusted(issuer, t.id)) trusted.push(t.label);
  console.log(`  trusted now for: ${trusted.join(", ") || "nothing"}`);

  const meta = await registryEvents(chain, (from, to) =>
    registry.queryFilter(registry.filters.IssuerMetadataUpdated(issuer), from, to),
  );
  const last = meta.at(-1);
  if (last) console.log(`  metadata hash ${last.args.metadataHash} (block ${last.blockNumber})`);
  const updates = await registryEvents(chain, (from, to) =>
    registry.queryFilter(registry.filters.IssuerUpdated(issuer), from, to),
  );
  console.log(`  history (${await registry.historyLength(issuer)} checkpoints):`);
  for (const u of updates) {
    console.log(
      `    block ${u.blockNumber} ${issuerActions[Number(u.args.action)]} -> ${issuerStatuses[Number(u.args.record.status)]} tx ${u.transactionHash}`,
    );
  }
});
