/**
 * End-to-end tests of `npx hardhat grantkit deploy`: the real CLI, run as a child process against a
 * real `hardhat node` on a free port, with deployment records in temporary folders. Covers the dry
 * run, the record, idempotency, resuming after kill -9, the same addresses on two chain ids,
 * `--examples`, the production build, docs/deploy.md's walkthrough, and bad input. Ignition journals
 * of these runs are deleted afterwards.
 *
 * One file per feature under test/e2e/deploy/ (shared setup in support.ts, checks of a deployment
 * in checks.ts); this file runs them all, in this order (`npx hardhat test mocha test/e2e/deploy.ts`).
 */
import "./deploy/fresh-node.js";
import "./deploy/kill9.js";
import "./deploy/production-build.js";
import "./deploy/docs-walkthrough.js";
import "./deploy/bad-input.js";
