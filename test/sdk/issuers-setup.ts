/**
 * The SDK's issuer and receipt tests (test/sdk/issuers.ts, test/sdk/receipts.ts) share this: the
 * deployed fixture with the registrar's wallet and a check that a transaction was mined.
 */
import { deployFixture, mined, networkHelpers, wallet } from "./fixture.js";

export async function setup() {
  const f = await networkHelpers.loadFixture(deployFixture);
  const registry = f.deployment.issuerRegistry.address;
  const registrar = wallet(f.admin);
  return { ...f, registry, registrar, mined };
}
