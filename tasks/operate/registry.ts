/**
 * Reads of the IssuerRegistry's governance state that several operate commands share: its events
 * since its deployment (in chunks), the registered credential types (with their labels), the holders
 * of a role, and the pre-check that `--from` is a registrar (refused with who grants the role).
 */
import { queryInChunks } from "../../scripts/lib/deployment.js";
import { GrantKitError } from "../../scripts/lib/errors.js";
import { registrarRole } from "../../sdk/src/constants.js";
import { contracts, type Chain, type Signer } from "./context.js";
import { knownLabels, type RegisteredType } from "./inputs.js";

/**
 * The results of `query(from, to)` over the blocks from the registry's deployment to the latest one,
 * in chunks: public RPC providers refuse an `eth_getLogs` over a long range (see queryInChunks).
 *
 * @example
 * const updates = await registryEvents(chain, (from, to) =>
 *   registry.queryFilter(registry.filters.IssuerUpdated(), from, to),
 * );
 */
export async function registryEvents<T>(
  chain: Chain,
  query: (from: number, to: number) => Promise<T[]>,
): Promise<T[]> {
  const from = chain.record.contracts.IssuerRegistry!.blockNumber;
  return queryInChunks(from, await chain.provider.getBlockNumber(), query);
}

/** The types registered in the registry (CredentialTypeRegistered events since its deployment). */
export async function registeredTypes(chain: Chain, extraLabels: string[] = []) {
  const { registry } = await contracts(chain);
  const labels = knownLabels(extraLabels);
  const events = await registryEvents(chain, (from, to) =>
    registry.queryFilter(registry.filters.CredentialTypeRegistered(), from, to),
  );
  return events
    .map((e): RegisteredType => ({
      id: e.args.credentialType,
      bit: Number(e.args.bit),
      label: labels.get(e.args.credentialType) ?? e.args.credentialType,
    }))
    .sort((a, b) => a.bit - b.bit);
}

/** Refuses an account without REGISTRAR_ROLE, saying who grants it. */
export async function requireRegistrar(chain: Chain, signer: Signer): Promise<void> {
  const { registry } = await contracts(chain);
  if (await registry.hasRole(registrarRole, signer.address)) return;
  const admin = await registry.defaultAdmin();
  const registrars = await roleHolders(chain, registrarRole);
  throw new GrantKitError(
    `account ${signer.address} does not have REGISTRAR_ROLE on IssuerRegistry ${await registry.getAddress()}`,
    `the default admin ${admin} grants it with grantRole(REGISTRAR_ROLE, account); or pass --from with a registrar (${registrars.join(", ") || "none yet"})`,
  );
}

/** The current holders of a role, from RoleGranted/RoleRevoked events. */
export async function roleHolders(chain: Chain, role: string): Promise<string[]> {
  const { registry } = await contracts(chain);
  const logs = [
    ...(await registryEvents(chain, (from, to) =>
      registry.queryFilter(registry.filters.RoleGranted(role), from, to),
    )),
    ...(await registryEvents(chain, (from, to) =>
      registry.queryFilter(registry.filters.RoleRevoked(role), from, to),
    )),
  ].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  const holders = new Set<string>();
  for (const log of logs) {
    if (log.eventName === "RoleGranted") holders.add(log.args.account);
    else holders.delete(log.args.account);
  }
  return [...holders];
}
