/**
 * One route's property, run by fast-check over the route's generated requests: every answer judged
 * (checks.ts), counted in the route's statistics, and each problem added to the findings (grouped by
 * route, problem and answer, with the shortest request as the example). The property itself always
 * holds: failures are collected and reported together by the suite.
 */
import fc from "fast-check";

import { isObj, judge, normalisedPath, parseJson } from "./checks.js";
import { get, type Answer } from "./http.js";
import type { Failure, RouteStats } from "./report.js";
import { requestArb, type RouteSpec } from "./requests.js";

/** What the runs of every route found: failures by group, and 400 messages that name no parameter. */
export interface Findings {
  groups: Map<string, Failure>;
  unnamed: string[];
}

/** A route's statistics before its first input. */
export function emptyStats(): RouteStats {
  return { inputs: 0, valid: 0, outsideV1: 0, statuses: {}, failures: 0, maxMs: 0 };
}

/** Runs `runs` generated requests of `route` against the API on `port` (fast-check seed `seed`). */
export async function fuzzRoute(
  route: RouteSpec,
  port: number,
  runs: number,
  seed: number,
  stats: RouteStats,
  { groups, unnamed }: Findings,
): Promise<void> {
  const details = await fc.check(
    fc.asyncProperty(requestArb(route), async (t) => {
      const target = t.target;
      stats.inputs++;
      if (t.valid) stats.valid++;
      if (!normalisedPath(target).startsWith("/v1")) stats.outsideV1++;
      let answer: Answer | null = null;
      let problem: string | null;
      try {
        answer = await get(port, target);
        problem = judge(route, t, answer);
        stats.statuses[answer.status] = (stats.statuses[answer.status] ?? 0) + 1;
        stats.maxMs = Math.max(stats.maxMs, answer.ms);
        if (answer.status === 400) {
          const b = parseJson(answer.text);
          const error = b.ok && isObj(b.value) ? String(b.value.error) : "";
          // README: 400 {"error": "<parameter>: <what is wrong>"}.
          if (!/^[A-Za-z][\w.]*: /.test(error)) unnamed.push(`${target} -> ${error}`);
        }
      } catch (error) {
        problem = `no answer: ${(error as Error).message}`;
        stats.statuses.none = (stats.statuses.none ?? 0) + 1;
      }
      if (problem) {
        stats.failures++;
        const firstLine = (answer?.text ?? "").split("\n")[0]!.replace(/0x[0-9a-f]{6,}/gi, "0x…");
        const key = `${route.name}|${problem.replace(/0x[0-9a-f]{6,}/gi, "0x…")}|${answer?.status}|${firstLine.slice(0, 80)}`;
        const known = groups.get(key);
        if (!known)
          groups.set(key, {
            route: route.name,
            problem,
            count: 1,
            request: target,
            status: answer?.status ?? null,
            body: (answer?.text ?? "").slice(0, 1_000),
          });
        else {
          known.count++;
          // Keep the shortest example: the closest thing to a shrunk counterexample.
          if (target.length < known.request.length) {
            known.request = target;
            known.body = (answer?.text ?? "").slice(0, 1_000);
          }
        }
      }
      // Every input runs: failures are collected and reported together below.
      return true;
    }),
    { numRuns: runs, seed },
  );
  // The property always holds (failures are collected): a failed run means fast-check itself
  // stopped early (too many filtered inputs, an exception in a generator).
  if (details.failed)
    throw new Error(`fast-check stopped on ${route.name}: ${String(details.errorInstance)}`);
}
