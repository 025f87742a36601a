/**
 * Checks of the indexer e2e suite: every issuer record against `getIssuer`, and the issuer and grant
 * lists, their filters, counts, stats, search, retention and export against a model built from the
 * contracts' views at the head (and at past blocks).
 */
import { expect } from "chai";

import { ISSUER_STATUSES } from "../../../indexer/src/names.js";
import { purposeHash } from "../../../scripts/lib/grants.js";
import { allPages, type ApiGrant, type ApiIssuer } from "../../../scripts/lib/harness/model/api.js";
import { pairMismatches } from "../../../scripts/lib/harness/model/grant-checks.js";
import { lower } from "../../../scripts/lib/harness/model/rng.js";
import {
  DERIVED_STATUSES,
  PURPOSE_LABELS,
  derivedStatus,
  type Key,
} from "../../../scripts/lib/harness/model/types.js";
import { expectNoMismatch, type SuiteContext } from "./context.js";

/** Every issuer record against getIssuer (and what its events said); the list by status. */
export async function issuerMismatches(ctx: SuiteContext): Promise<string[]> {
  const { stack, registry, seq: s, head } = ctx;
  const C = stack.chainId;
  const mismatches: string[] = [];
  const byStatus = new Map<string, Set<string>>();
  for (const i of s.issuers.values()) {
    const path = `/v1/issuers/${C}/${i.key}`;
    const answer = await stack.get<{ items: ApiIssuer[] }>(path);
    const api = answer.body?.items?.[0];
    if (answer.status !== 200 || !api) {
      mismatches.push(`GET ${path}: ${answer.status} ${answer.text}`);
      continue;
    }
    const r = await registry.getIssuer(i.key, { blockTag: head });
    const [root] = await registry.issuerLineage(i.key, { blockTag: head });
    const types = await registry.credentialTypesOf(r.typeBits, { blockTag: head });
    const status = ISSUER_STATUSES[Number(r.status)] ?? "?";
    (byStatus.get(status) ?? byStatus.set(status, new Set()).get(status)!).add(lower(i.key));
    const jurisdiction =
      BigInt(r.jurisdiction) === 0n ? "" : Buffer.from(r.jurisdiction.slice(2), "hex").toString();
    const pairs: [string, unknown, unknown][] = [
      ["status", api.status, status],
      ["jurisdiction", api.jurisdiction, jurisdiction],
      ["validFrom", api.validFrom, r.validFrom.toString()],
      ["validUntil", api.validUntil, r.validUntil.toString()],
      ["typeBits", api.typeBits, r.typeBits.toString()],
      [
        "credentialTypes",
        [...api.credentialTypes].map(lower).sort().join(","),
        [...types].map(lower).sort().join(","),
      ],
      // Not readable from the contract: what its events said.
      ["metadataHash (events)", api.metadataHash, i.metadataHash],
      ["rotatedFrom (events)", api.rotatedFrom, i.rotatedFrom && lower(i.rotatedFrom)],
      ["rotatedTo (events)", api.rotatedTo, i.rotatedTo && lower(i.rotatedTo)],
      ["lineage", lower(api.lineage ?? ""), lower(root)],
    ];
    mismatches.push(...pairMismatches(`GET ${path}`, pairs));
  }
  for (const status of ["active", "suspended", "removed", "rotated"]) {
    const base = `/v1/issuers?chainId=${C}&status=${status}`;
    const listed = await allPages<ApiIssuer>(stack.get, base, 2, mismatches);
    const seen = new Set(listed.map((it) => lower(it.issuer)));
    const expected = [...(byStatus.get(status) ?? [])].sort().join(",");
    if ([...seen].sort().join(",") !== expected)
      mismatches.push(
        `GET /v1/issuers?status=${status}: api=${[...seen].sort().join(",")} contract=${expected}`,
      );
  }
  return mismatches;
}

/**
 * The grant lists (by owner, grantee, status, purpose, data hash; retention; export; a grantee's
 * grants at past blocks), the stats, the daily series and search against a model of every grant id
 * the sequence touched with its status derived from getGrant at the head.
 */
export async function checkGrantLists(ctx: SuiteContext): Promise<void> {
  const { db, stack, grants, seq: s, head, headTime } = ctx;
  const C = stack.chainId;
  // The model: every grant id the sequence touched, with its status derived from getGrant at the head.
  const model: (Key & { id: string; status: string })[] = [];
  for (const g of s.grantsModel.values()) {
    const c = await grants.getGrant(g.id, { blockTag: head });
    model.push({ ...g, status: derivedStatus(Number(c.status), c.lockedUntil, headTime) });
  }
  const mismatches: string[] = [];

  async function compare(
    path: string,
    expected: { id: string }[],
    itemCheck?: (item: ApiGrant) => string | null,
  ) {
    const items = await allPages<ApiGrant>(stack.get, path, 7, mismatches);
    const got = items.map((i) => i.grantId);
    if (new Set(got).size !== got.length) mismatches.push(`GET ${path}: duplicate items`);
    const a: string[] = [...new Set(got)].sort();
    const b = expected.map((e) => e.id).sort();
    const extra = a.filter((x) => !b.includes(x));
    const missing = b.filter((x) => !a.includes(x));
    if (extra.length || missing.length)
      mismatches.push(
        `GET ${path}: ${a.length} items, model ${b.length}; not in model: ${extra.join(",") || "-"}; missing: ${missing.join(",") || "-"}`,
      );
    for (const item of items) {
      const why = itemCheck?.(item);
      if (why) mismatches.push(`GET ${path}: item ${item.grantId}: ${why}`);
    }
  }

  const tally = (keys: string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m]
      .map(([k, n]) => `${k}=${n}`)
      .sort()
      .join(" ");
  };
  console.log(`      [${db}] model at the head: ${tally(model.map((m) => m.status))}`);
  // Counts: the stored status (expired and locked grants are stored as active), grantee, purpose.
  const stored = (st: string) => (st === "locked" || st === "expired" ? "active" : st);
  const statsExpected: Record<string, string> = {
    status: tally(model.map((m) => stored(m.status))),
    grantee: tally(model.map((m) => lower(m.grantee))),
    purpose: tally(model.map((m) => m.purpose)),
  };
  for (const [by, want] of Object.entries(statsExpected)) {
    const path = `/v1/stats?by=${by}&chainId=${C}`;
    const answer = await stack.get<{ items: { key: string; count: number }[] }>(path);
    const got = (answer.body?.items ?? [])
      .map((i) => `${lower(i.key)}=${i.count}`)
      .sort()
      .join(" ");
    if (got !== want) mismatches.push(`GET ${path}: api=${got} model=${want}`);
  }
  // The daily series (the dashboard's overview): its last point counts every derived status at
  // the head's time, as the model does.
  {
    const path = `/v1/stats/series?days=2&chainId=${C}`;
    const answer = await stack.get<{ points: Record<string, number | string>[] }>(path);
    const last = answer.body?.points.at(-1);
    const got = last
      ? DERIVED_STATUSES.filter((st) => Number(last[st]) > 0)
          .map((st) => `${st}=${last[st]}`)
          .sort()
          .join(" ")
      : "no points";
    const want = tally(model.map((m) => m.status));
    if (got !== want) mismatches.push(`GET ${path}: last point ${got}, model ${want}`);
  }
  // Search: a grant id is found as that grant.
  for (const m of model.slice(0, 3)) {
    const path = `/v1/search?q=${m.id}`;
    const answer = await stack.get<{ matches: { type: string; grantId?: string }[] }>(path);
    if (!answer.body?.matches.some((x) => x.type === "grant" && x.grantId === m.id))
      mismatches.push(`GET ${path}: no grant match (${JSON.stringify(answer.body)})`);
  }
  const byId = new Map(model.map((m) => [m.id, m]));
  const statusMatches = (item: ApiGrant) => {
    const m = byId.get(item.grantId);
    return m && m.status !== item.status ? `status api=${item.status} model=${m.status}` : null;
  };

  for (const owner of s.ownerList)
    await compare(
      `/v1/grants?owner=${owner}`,
      model.filter((m) => m.owner === owner),
      statusMatches,
    );
  for (const grantee of s.granteeList)
    await compare(
      `/v1/grants?grantee=${lower(grantee)}&chainId=${C}`,
      model.filter((m) => m.grantee === grantee),
      statusMatches,
    );
  for (const status of DERIVED_STATUSES)
    await compare(
      `/v1/grants?status=${status}`,
      model.filter((m) => m.status === status),
      (item) => (item.status !== status ? `status ${item.status} under filter ${status}` : null),
    );
  const owner = s.ownerList[0]!;
  for (const status of ["active", "locked", "revoked"])
    await compare(
      `/v1/grants?owner=${owner}&status=${status}`,
      model.filter((m) => m.owner === owner && m.status === status),
    );
  for (const label of PURPOSE_LABELS.filter((l) => l !== ""))
    await compare(
      `/v1/grants?purpose=${label}`,
      model.filter((m) => m.purpose === purposeHash(label)),
    );
  const someHash = model[0]!.dataHash;
  await compare(
    `/v1/grants?dataHash=${someHash}&contract=${lower(s.grantsAddress)}`,
    model.filter((m) => m.dataHash === someHash),
  );
  // Retention: the grantee's grants whose lock is in force.
  for (const grantee of s.granteeList)
    await compare(
      `/v1/grantees/${grantee}/retention`,
      model.filter((m) => m.grantee === grantee && m.status === "locked"),
    );
  // Export: the owner's complete record.
  for (const o of s.ownerList.slice(0, 3)) {
    const path = `/v1/owners/${o}/export`;
    const answer = await stack.get<{ grants: ApiGrant[]; history: unknown[] }>(path);
    const got = (answer.body?.grants ?? []).map((g) => g.grantId).sort();
    const expected = model
      .filter((m) => m.owner === o)
      .map((m) => m.id)
      .sort();
    if (answer.status !== 200 || got.join() !== expected.join())
      mismatches.push(
        `GET ${path}: ${answer.status}, ${got.length} grants, model ${expected.length}`,
      );
    if ((answer.body?.history?.length ?? 0) < got.length)
      mismatches.push(`GET ${path}: history shorter than the grant list`);
  }
  // A grantee's grants as they were at past blocks.
  for (const b of [
    s.blocks[Math.floor(s.blocks.length / 3)]!,
    s.blocks[Math.floor((2 * s.blocks.length) / 3)]!,
  ]) {
    for (const grantee of s.granteeList.slice(0, 3)) {
      const expected: { id: string; status: string }[] = [];
      for (const m of model.filter((x) => x.grantee === grantee)) {
        const c = await grants.getGrant(m.id, { blockTag: b.number });
        if (Number(c.status) !== 0)
          expected.push({
            id: m.id,
            status: derivedStatus(Number(c.status), c.lockedUntil, b.timestamp),
          });
      }
      const want = new Map(expected.map((e) => [e.id, e.status]));
      await compare(
        `/v1/grantees/${grantee}/grants/at?chainId=${C}&block=${b.number}`,
        expected,
        (item) =>
          want.get(item.grantId) !== item.status
            ? `status api=${item.status} contract=${want.get(item.grantId)}`
            : null,
      );
    }
  }
  expectNoMismatch(mismatches, "list filter");
  for (const st of DERIVED_STATUSES)
    expect(
      model.some((m) => m.status === st),
      `a ${st} grant at the head (seed ${s.seed})`,
    ).to.be.true;
}
