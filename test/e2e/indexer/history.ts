/**
 * Checks of the indexer e2e suite against the contracts' event logs and views: issuer trust at a
 * sample of times (`wasTrusted`, `isTrusted`), and every grant and issuer history, the audit stream,
 * its count and the failed batch items (`eth_getLogs`).
 */
import { toQuantity, type Interface, type Log } from "ethers";

import { ISSUER_ACTIONS } from "../../../indexer/src/names.js";
import { typeId } from "../../../scripts/lib/deployment.js";
import {
  GRANTS_IFACE,
  eventTag,
  historyFromLogs,
} from "../../../scripts/lib/harness/model/grant-checks.js";
import type { ApiEvent } from "../../../scripts/lib/harness/model/api.js";
import { Rng, lower, pool, push } from "../../../scripts/lib/harness/model/rng.js";
import { DAY } from "../../../scripts/lib/harness/model/types.js";
import { SEED, type SuiteContext } from "./context.js";

/** `/v1/issuers/{chainId}/{issuer}/trusted` at a sample of times against wasTrusted (now: isTrusted). */
export async function trustMismatches(
  ctx: SuiteContext,
): Promise<{ mismatches: string[]; reads: number; times: number }> {
  const { stack, registry, seq: s, head, headTime, deployBlock } = ctx;
  const rng = new Rng(SEED ^ 0x7a57);
  const deployTime = BigInt(
    (
      (await stack.node.provider.send("eth_getBlockByNumber", [
        toQuantity(deployBlock),
        false,
      ])) as { timestamp: string }
    ).timestamp,
  );
  const times = new Set<bigint>([deployTime - 1n, deployTime, headTime, headTime + 30n * DAY]);
  const changes = s.blocks.filter((b) => b.issuerChange);
  for (const b of changes) for (const d of [-1n, 0n, 1n]) times.add(b.timestamp + d);
  const sampled = [...times].sort((a, b) => (a < b ? -1 : 1));
  while (sampled.length > 16) sampled.splice(rng.int(1, sampled.length - 2), 1);
  const keys = [...s.issuers.values()].map((i) => i.key).concat([rng.address()]);
  const labels = [...s.typeLabels, "unregistered.type"];
  const mismatches: string[] = [];
  const jobs = sampled.flatMap((t) =>
    keys.flatMap((k) => labels.map((label) => ({ t: t as bigint | null, k, label }))),
  );
  for (const k of keys) for (const label of labels) jobs.push({ t: null, k, label });
  await pool(jobs, 8, async ({ t, k, label }) => {
    // The type by label, and now and then by its 32-byte id.
    const type = rng.chance(0.2) ? typeId(label) : label;
    const path = `/v1/issuers/${stack.chainId}/${k}/trusted?type=${encodeURIComponent(type)}${t === null ? "" : `&at=${t}`}`;
    const answer = await stack.get<{ trusted: boolean; at: string }>(path);
    if (answer.status !== 200) {
      mismatches.push(`GET ${path}: ${answer.status} ${answer.text}`);
      return;
    }
    const contract =
      t === null
        ? await registry.isTrusted(k, typeId(label), { blockTag: head })
        : await registry.wasTrusted(k, typeId(label), t, { blockTag: head });
    if (answer.body.trusted !== contract)
      mismatches.push(
        `GET ${path}: trusted api=${answer.body.trusted} contract ${t === null ? "isTrusted" : "wasTrusted"}=${contract}`,
      );
    if (answer.body.at !== String(t ?? headTime))
      mismatches.push(`GET ${path}: at api=${answer.body.at} expected=${t ?? headTime}`);
  });
  return { mismatches, reads: jobs.length, times: sampled.length };
}

/** An audit stream's NDJSON line, as far as these checks read it. */
type AuditLine = {
  table: string;
  blockNumber: string;
  logIndex: number;
  subject: string;
} & Record<string, unknown>;

/**
 * The fields of the audit row of `subject` that its log decides: a grant's generation (the side of a
 * replacement that `subject` is); an issuer's record after an update, its metadata hash; {} for a
 * row whose log carries neither (a rotation's link); undefined for a log of neither contract.
 */
function auditFieldsOf(
  log: Log,
  subject: string,
  registryIface: Interface,
): Record<string, unknown> | undefined {
  const grant = GRANTS_IFACE.parseLog(log);
  if (grant?.name === "GrantReplaced")
    return {
      generation: String(
        lower(grant.args.oldGrantId as string) === lower(subject)
          ? grant.args.oldGeneration
          : grant.args.generation,
      ),
    };
  if (grant) return { generation: String(grant.args.generation) };
  const issuer = registryIface.parseLog(log);
  if (issuer?.name === "IssuerUpdated") {
    const record = issuer.args.record as {
      jurisdiction: string;
      validFrom: bigint;
      validUntil: bigint;
      typeBits: bigint;
    };
    return {
      // bytes2: two ASCII capitals, or zero for none.
      jurisdiction: /^0x0*$/.test(record.jurisdiction)
        ? ""
        : Buffer.from(record.jurisdiction.slice(2), "hex").toString("ascii"),
      validFrom: String(record.validFrom),
      validUntil: String(record.validUntil),
      typeBits: String(record.typeBits),
      generation: null,
    };
  }
  if (issuer?.name === "IssuerMetadataUpdated")
    return { metadataHash: lower(issuer.args.metadataHash as string) };
  return issuer ? {} : undefined;
}

/** Every grant and issuer history, the audit stream and its count, the failed batch items. */
export async function historyMismatches(ctx: SuiteContext): Promise<string[]> {
  const { stack, registry, seq: s, head, deployBlock } = ctx;
  const C = stack.chainId;
  const logs = await stack.node.provider.getLogs({
    address: [s.grantsAddress, s.registryAddress],
    fromBlock: deployBlock,
    toBlock: head,
  });
  const grantLogs = historyFromLogs(logs, s.grantsAddress);
  const expectedIssuer = new Map<string, string[]>();
  let issuerRows = 0;
  for (const log of logs) {
    if (lower(log.address) !== lower(s.registryAddress)) continue;
    const ev = registry.interface.parseLog(log);
    const at = `@${log.blockNumber}:${log.index}`;
    // IssuerKeyRotated: the link between the two keys' histories, a row of the old key.
    const row =
      ev?.name === "IssuerUpdated"
        ? { key: ev.args.issuer as string, action: ISSUER_ACTIONS[Number(ev.args.action)] }
        : ev?.name === "IssuerMetadataUpdated"
          ? { key: ev.args.issuer as string, action: "metadata_updated" }
          : ev?.name === "IssuerKeyRotated"
            ? { key: ev.args.oldKey as string, action: "key_rotated" }
            : null;
    if (!row) continue;
    push(expectedIssuer, lower(row.key), `${row.action}${at}`);
    issuerRows += 1;
  }
  const grantRows = grantLogs.rows;
  const batchFailures = grantLogs.batchFailures;
  const mismatches: string[] = [];
  await pool([...s.grantsModel.values()], 8, async (g) => {
    const path = `/v1/grants/${C}/${g.id}`;
    const answer = await stack.get<{ history: ApiEvent[] }>(path);
    const got = (answer.body?.history ?? []).map(eventTag);
    const want = grantLogs.byGrant.get(lower(g.id)) ?? [];
    if (got.join(" ") !== want.join(" "))
      mismatches.push(`GET ${path}: history api=[${got.join(" ")}] logs=[${want.join(" ")}]`);
  });
  for (const i of s.issuers.values()) {
    const path = `/v1/issuers/${C}/${i.key}`;
    const answer = await stack.get<{
      items: { history: { action: string; blockNumber: string; logIndex: number }[] }[];
    }>(path);
    const got = (answer.body?.items?.[0]?.history ?? []).map(
      (h) => `${h.action}@${h.blockNumber}:${h.logIndex}`,
    );
    const want = expectedIssuer.get(lower(i.key)) ?? [];
    if (got.join(" ") !== want.join(" "))
      mismatches.push(`GET ${path}: history api=[${got.join(" ")}] logs=[${want.join(" ")}]`);
  }
  // The audit stream: every change once, grant changes first, then issuer changes, in chain order.
  const path = `/v1/audit/changes?fromBlock=${deployBlock}&toBlock=${head}&chainId=${C}`;
  const audit = await stack.get(path);
  const rows = audit.text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditLine);
  const tables = rows.map((r) => r.table);
  const count = (t: string) => tables.filter((x) => x === t).length;
  if (count("grant") !== grantRows || count("issuer") !== issuerRows)
    mismatches.push(
      `GET ${path}: ${count("grant")} grant and ${count("issuer")} issuer rows; logs give ${grantRows} and ${issuerRows}`,
    );
  if (
    tables.join(",") !==
    [...tables].sort((a, b) => (a === b ? 0 : a === "grant" ? -1 : 1)).join(",")
  )
    mismatches.push(`GET ${path}: grant and issuer rows interleave`);
  for (let k = 1; k < rows.length; k++) {
    const [a, b] = [rows[k - 1]!, rows[k]!];
    if (
      a.table === b.table &&
      (BigInt(a.blockNumber) > BigInt(b.blockNumber) ||
        (a.blockNumber === b.blockNumber && a.logIndex > b.logIndex))
    )
      mismatches.push(`GET ${path}: row ${k} out of chain order`);
  }
  // Each row carries what its log says: a grant row its life (generation), an issuer row the key's
  // record after the change, so that the export alone answers "was this key trusted then?".
  const logAt = new Map(logs.map((l) => [`${l.blockNumber}:${l.index}`, l]));
  for (const r of rows) {
    const log = logAt.get(`${r.blockNumber}:${r.logIndex}`);
    const want = log ? auditFieldsOf(log, r.subject, registry.interface) : undefined;
    if (want === undefined) {
      mismatches.push(`GET ${path}: no log at ${r.blockNumber}:${r.logIndex} for ${r.subject}`);
      continue;
    }
    for (const [field, value] of Object.entries(want))
      if (r[field] !== value)
        mismatches.push(
          `GET ${path}: ${r.table} row @${r.blockNumber}:${r.logIndex} ${field}=${r[field]}, log says ${value}`,
        );
  }

  const countPath = `/v1/audit/count?fromBlock=${deployBlock}&toBlock=${head}&chainId=${C}`;
  const counted = await stack.get<{ grantChanges: number; issuerChanges: number }>(countPath);
  if (counted.body?.grantChanges !== grantRows || counted.body?.issuerChanges !== issuerRows)
    mismatches.push(
      `GET ${countPath}: ${JSON.stringify(counted.body)}; logs give ${grantRows} and ${issuerRows}`,
    );
  const csv = await stack.get(`${path}&format=csv`);
  const csvLines = csv.text.trim().split("\n");
  if (csvLines.length !== rows.length + 1)
    mismatches.push(`GET ${path}&format=csv: ${csvLines.length - 1} rows, ndjson ${rows.length}`);
  // Failed items of relayers' batches: one row per BatchItemFailed, with its revert data.
  const failures = await stack.graphql<{
    batchItemFailures: {
      items: { sender: string; itemIndex: number; reason: string; txHash: string }[];
    };
  }>("{ batchItemFailures(limit: 500) { items { sender itemIndex reason txHash } } }");
  const gotFailures = failures.batchItemFailures.items
    .map((f) => `${lower(f.sender)}:${f.itemIndex}:${f.reason}@${lower(f.txHash)}`)
    .sort();
  if (gotFailures.join(" ") !== [...batchFailures].sort().join(" "))
    mismatches.push(
      `batch item failures: indexer [${gotFailures.join(" ")}] logs [${batchFailures.join(" ")}]`,
    );
  if (batchFailures.length !== s.expectedBatchFailures)
    mismatches.push(
      `${batchFailures.length} BatchItemFailed logs, the sequence made ${s.expectedBatchFailures} failing items`,
    );
  return mismatches;
}
