/**
 * End-to-end tests of the operate commands (`npx hardhat grantkit <command>`) against a real
 * `hardhat node`: each file under test/e2e/operate/ gets one node and one deploy (setup.ts), then
 * runs its commands once each as a child process, in order (later steps use the state earlier ones
 * left), and each refused input with its one-line message and exit code 1. About 25 CLI runs at
 * 1.5-3 s each.
 *
 * This file runs them all, in this order (`npx hardhat test mocha test/e2e/operate.ts`).
 */
import "./operate/issuers.js";
import "./operate/grants.js";
import "./operate/records.js";
