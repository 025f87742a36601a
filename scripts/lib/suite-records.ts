/**
 * What the fault and attack suites (faults/) and the REST fuzzing report, read by their report scripts
 * (scripts/faults-report.ts, scripts/attacks-report.ts, `npm run bench:api`): here, below both, so that the scripts do not
 * import the suites and the suites do not import the scripts.
 */

/** One case's outcome; FAULTS_RESULT_FILE (set by scripts/faults-report.ts) receives one JSON line per case. */
export interface FaultRecord {
  fault: string;
  passed: boolean;
  seconds: number;
  /** Seconds from the end of the fault (restart, node back, reorg) until the API equalled the chain. */
  recovery: Record<string, number>;
  happened: string[];
  /** One or two sentences for the report's table. */
  summary?: string;
  error?: string;
}

/**
 * One case's outcome for the report: its measurements, and each performance goal with the measured
 * value and ok/MISS. Goals are measured and reported, not asserted (timings depend on the machine);
 * what the suite asserts is behaviour: refusals, unchanged data, answers, released slots.
 */
export interface AttackRecord {
  case: string;
  passed: boolean;
  rows: string[][];
  goals: { goal: string; measured: string; ok: boolean }[];
  notes: string[];
  error?: string;
}

// ------------------------------------------------------------------ the REST fuzzing (test/e2e/api-fuzz.ts)

/** One route's tally in the fuzz report (FUZZ_REPORT, read by `npm run bench:api`). */
export interface RouteStats {
  inputs: number;
  /** Inputs made of valid values only (plainly encoded): 200 or 404 expected, never 400. */
  valid: number;
  /** Inputs whose path leaves /v1 once normalised ("/v1/../x"): only "no 5xx" applies. */
  outsideV1: number;
  statuses: Record<string, number>;
  failures: number;
  maxMs: number;
}

export interface Failure {
  route: string;
  problem: string;
  count: number;
  request: string;
  status: number | null;
  body: string;
}

export interface GraphqlCheck {
  check: string;
  ok: boolean;
  detail: string;
}

export interface FuzzReport {
  seed: number;
  runsPerRoute: number;
  startedAt: string;
  seconds: number;
  totalInputs: number;
  routes: Record<string, RouteStats>;
  failures: Failure[];
  graphql: GraphqlCheck[];
  rateLimit: { ok: boolean; detail: string } | null;
  hostHeader: { ok: boolean; detail: string } | null;
  notes: string[];
}
