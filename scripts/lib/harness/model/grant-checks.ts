/**
 * The differential checks the e2e suite and the fault suite share: a grant from the API against the
 * contract's view of it (`getGrant`, `isGranted`), and grant histories against the contract's event
 * logs (every grant_event row a log implies, keyed `kind@block:logIndex:tx`).
 */
import { Interface, type Log } from "ethers";

import { AccessGrants__factory } from "../../../../types/ethers-contracts/index.js";
import { API_TO_CONTRACT, GRANT_STATUS } from "../indexer.js";
import type { ApiGrant } from "./api.js";
import { lower, push } from "./rng.js";

export const GRANTS_IFACE = new Interface(AccessGrants__factory.abi);

/** The grant_event kind of each AccessGrants event that makes one row (GrantReplaced makes two). */
const EVENT_KIND: Record<string, string> = {
  GrantCreated: "created",
  GrantRevoked: "revoked",
  GrantReleased: "released",
  GrantLockExtended: "lock_extended",
  GrantExpiryExtended: "expiry_extended",
};

/** `what: name api=… contract=…` for every pair whose two sides differ. */
export function pairMismatches(what: string, pairs: [string, unknown, unknown][]): string[] {
  return pairs
    .filter(([, a, b]) => a !== b)
    .map(([k, a, b]) => `${what}: ${k} api=${a} contract=${b}`);
}

/** The contract's view of a grant: `getGrant`, and `isGranted` where it was read. */
export interface ContractGrant {
  status: bigint | number;
  lockedUntil: bigint;
  expiresAt: bigint;
  isGranted?: boolean;
}

/** Where the API's grant differs from the contract's view: status, lock, expiry (and isGranted). */
export function grantMismatches(what: string, api: ApiGrant, c: ContractGrant): string[] {
  const pairs: [string, unknown, unknown][] = [
    ["status", API_TO_CONTRACT[api.status] ?? `?${api.status}`, GRANT_STATUS[Number(c.status)]],
    ["lockedUntil", api.lockedUntil, c.lockedUntil.toString()],
    ["expiresAt", api.expiresAt, c.expiresAt.toString()],
  ];
  if (c.isGranted !== undefined) pairs.push(["isGranted", api.isGranted, c.isGranted]);
  return pairMismatches(what, pairs);
}

/** A history entry as the checks compare it. */
export function eventTag(e: {
  kind: string;
  blockNumber: string | number | bigint;
  logIndex: number;
  txHash: string;
}): string {
  return `${e.kind}@${e.blockNumber}:${e.logIndex}:${lower(e.txHash)}`;
}

export interface LogHistory {
  /** Grant id (lower case) -> its rows' tags in log order. */
  byGrant: Map<string, string[]>;
  /** How many grant_event rows the logs imply. */
  rows: number;
  /** `sender:index:reason@tx` of every BatchItemFailed. */
  batchFailures: string[];
}

/** The grant_event rows that AccessGrants' logs imply (logs of other contracts are ignored). */
export function historyFromLogs(logs: readonly Log[], grantsAddress: string): LogHistory {
  const history: LogHistory = { byGrant: new Map(), rows: 0, batchFailures: [] };
  for (const log of logs) {
    if (lower(log.address) !== lower(grantsAddress)) continue;
    const ev = GRANTS_IFACE.parseLog(log);
    if (!ev) continue;
    const at = { blockNumber: log.blockNumber, logIndex: log.index, txHash: log.transactionHash };
    const add = (id: unknown, kind: string) => {
      push(history.byGrant, lower(id as string), eventTag({ kind, ...at }));
      history.rows += 1;
    };
    if (ev.name === "BatchItemFailed") {
      history.batchFailures.push(
        `${lower(ev.args.sender as string)}:${ev.args.index}:${ev.args.reason}@${lower(log.transactionHash)}`,
      );
    } else if (ev.name === "GrantReplaced") {
      add(ev.args.oldGrantId, "replaced");
      add(ev.args.newGrantId, "replacement");
    } else if (EVENT_KIND[ev.name]) {
      add(ev.args.grantId, EVENT_KIND[ev.name]!);
    }
  }
  return history;
}
