/**
 * The harness's private PostgreSQL 17 server: the toolkit's (../postgres.ts, which `npm run
 * start:scale` uses too), named here for the tests, fault suites and benchmarks that take their
 * servers from the harness.
 */
export { startPostgres, stopPostgres } from "../postgres.js";
