/**
 * What the fault and attack suites (faults/) report per case, read by their report scripts
 * (scripts/faults-report.ts, scripts/attacks-report.ts): here, below both, so that the scripts do not
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
