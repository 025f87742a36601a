/**
 * Chains of links followed both ways: an issuer key's rotations and a grant's replacements. Both
 * pages walk the links one request at a time (a bounded number of hops) and show the result the same
 * way: the older ones, this one, the newer ones.
 */
import type { ReactNode } from "react";

import { Hash } from "./components.js";

/** How far a chain is followed each way (a cycle or a very long chain stops here). */
const MAX_HOPS = 20;

export interface Lineage<K extends string> {
  older: K[];
  newer: K[];
}

/** The links one step from a key: the one before it and the one after it. */
export type Links<K extends string> = (key: K) => Promise<{ back: K | null; forward: K | null }>;

async function walk<K extends string>(first: K | null, next: (key: K) => Promise<K | null>) {
  const keys: K[] = [];
  for (let key = first; key && keys.length < MAX_HOPS; key = await next(key)) keys.push(key);
  return keys;
}

/** Follows the links back from `self` (oldest first) and forward from it. */
export async function followLinks<K extends string>(
  self: { back: K | null; forward: K | null },
  links: Links<K>,
): Promise<Lineage<K>> {
  const older = await walk(self.back, async (k) => (await links(k)).back);
  const newer = await walk(self.forward, async (k) => (await links(k)).forward);
  return { older: older.reverse(), newer };
}

/** The chain as a list, this one marked; `none` when it has no link either way. */
export function LineageList<K extends string>(props: {
  testId: string;
  lineage: Lineage<K>;
  self: string;
  link: (key: K) => ReactNode;
  notes: { older: string; self: string; none: string };
}) {
  const { older, newer } = props.lineage;
  if (older.length + newer.length === 0)
    return (
      <p className="muted" data-testid={props.testId}>
        {props.notes.none}
      </p>
    );
  return (
    <ol className="chain" data-testid={props.testId}>
      {older.map((k) => (
        <li key={k} data-direction="older">
          {props.link(k)} <span className="muted">({props.notes.older})</span>
        </li>
      ))}
      <li data-direction="self" aria-current="true">
        <Hash value={props.self} /> <span className="muted">({props.notes.self})</span>
      </li>
      {newer.map((k) => (
        <li key={k} data-direction="newer">
          {props.link(k)}
        </li>
      ))}
    </ol>
  );
}
