/** `grantkit list`: the deployment record and the registry's governance state. */
import { recordPath } from "../../scripts/lib/deployment.js";
import { issuerStatuses, registrarRole } from "../../sdk/src/constants.js";
import { command, contracts, openChain } from "./context.js";
import { iso, relPath } from "./format.js";
import { registeredTypes, registryEvents, roleHolders } from "./registry.js";

export default command(async (_args: object, hre) => {
  const chain = await openChain(hre);
  const { record, network } = chain;
  const { registry } = await contracts(chain);
  console.log(
    `network ${network}, chain ${record.chainId}, record ${relPath(recordPath(network))}`,
  );
  console.log(
    `  built from ${record.gitCommit}, solc ${record.compiler.version}, salt ${record.salt}`,
  );
  for (const [name, c] of Object.entries(record.contracts)) {
    console.log(`  ${name.padEnd(15)} ${c.address} block ${c.blockNumber} tx ${c.txHash}`);
  }

  const admin = await registry.defaultAdmin();
  const delay = await registry.defaultAdminDelay();
  const [pending, schedule] = await registry.pendingDefaultAdmin();
  console.log(`IssuerRegistry admin ${admin}, admin transfer delay ${delay} s`);
  if (schedule !== 0n) console.log(`  pending admin ${pending}, from ${iso(schedule)}`);
  const registrars = await roleHolders(chain, registrarRole);
  console.log(`  registrars: ${registrars.join(", ") || "none"}`);

  const types = await registeredTypes(chain);
  console.log(`credential types (${types.length}):`);
  for (const t of types) console.log(`  bit ${String(t.bit).padStart(3)} ${t.label} ${t.id}`);

  const updates = await registryEvents(chain, (from, to) =>
    registry.queryFilter(registry.filters.IssuerUpdated(), from, to),
  );
  const issuers = [...new Set(updates.map((u) => u.args.issuer))];
  console.log(`issuers (${issuers.length}):`);
  for (const issuer of issuers) {
    const r = await registry.getIssuer(issuer);
    const labels = new Map(types.map((t) => [t.id, t.label]));
    const held = (await registry.credentialTypesOf(r.typeBits)).map((id) => labels.get(id) ?? id);
    const code = r.jurisdiction === "0x0000" ? "--" : Buffer.from(r.jurisdiction.slice(2), "hex");
    console.log(
      `  ${issuer} ${issuerStatuses[Number(r.status)]} ${code} ${held.join(",") || "no types"}`,
    );
  }
});
