/**
 * A data server (node:http) holding encrypted blobs, which it serves only to a grantee presenting a
 * valid signed access request, and the grantee's client that asks for one.
 *
 * The server verifies every request with `verifyAccessRequest`: signed by the grantee it names,
 * fresh (5 minutes), for this server (audience), never seen before (nonce), and naming a grant
 * active on-chain now; with ACCESS_SOURCE=indexer the grant is looked up in the indexer instead,
 * refused when the indexer is more than 2 blocks behind. Refusals are JSON `{ error, message }`:
 * 400 for a malformed request, 401 when the request itself is refused (signature, expiry, replay,
 * audience), 403 when the grant is not active, 503 when the indexer is stale.
 *
 * The script plays every part: the owner stores a blob and grants the grantee access, the grantee
 * fetches it, then a replay, a request signed by someone else, a non-grantee, an expired request, a
 * malformed one and, after the owner revokes, the grantee again are all refused. Exits 1 when any
 * answer differs from that. With `--serve` it stops after the grant and serves other clients until
 * SIGINT or SIGTERM (the blob's data hash and the purpose are printed).
 *
 *   RPC_URL            JSON-RPC endpoint                        default http://127.0.0.1:8545
 *   INDEXER_URL        the indexer (ACCESS_SOURCE=indexer)      default http://127.0.0.1:42069
 *   ACCESS_SOURCE      where grants are checked: chain|indexer  default chain
 *   DEPLOYMENT_RECORD  the deploy toolkit's record              default deployments/localhost.json
 *   OWNER_KEY          the data owner (Hardhat account #2)      default Hardhat's public dev key #2
 *   GRANTEE_KEY        the grantee (account #18)                default Hardhat's public dev key #18
 *   STRANGER_KEY       someone without a grant (account #19)    default Hardhat's public dev key #19
 *   PORT               the server's port                        default 0 (any free port)
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import {
  buildAccessRequest,
  computeGrantId,
  createDataReference,
  GrantKitError,
  grant,
  parseAccessRequest,
  purposeHash,
  revoke,
  serializeAccessRequest,
  signAccessRequest,
  toSeconds,
  verifyAccessRequest,
  type AccessRequestRejection,
} from "@grantkit/sdk";
import { createIndexerClient } from "@grantkit/sdk/indexer";
import {
  createPublicClient,
  createWalletClient,
  http,
  type Hex,
  type LocalAccount,
  type PrivateKeyAccount,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { loadDeployment, RPC_URL } from "./lib/localStack.ts";
import { runMain } from "./lib/runMain.ts";

const INDEXER_URL = process.env.INDEXER_URL ?? "http://127.0.0.1:42069";
const SOURCE = process.env.ACCESS_SOURCE ?? "chain";
const key = (name: string, fallback: string) =>
  privateKeyToAccount((process.env[name] ?? fallback) as Hex);
const owner = key(
  "OWNER_KEY",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
);
const grantee = key(
  "GRANTEE_KEY",
  "0xde9be858da4a475276426320d5e9262ecfc3ba460bfac56360bfa6c4c28b4ee0",
);
const stranger = key(
  "STRANGER_KEY",
  "0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e",
);
const AUDIENCE = "https://vault.example";
/** `--serve`: grant and store as below, then only serve (no client), until stopped. */
const SERVE_ONLY = process.argv.includes("--serve");
const PURPOSE = purposeHash("kyc-review");

const deployment = loadDeployment();
const accessGrants = deployment.accessGrants.address;
const client = createPublicClient({ transport: http(RPC_URL) });
const indexer = createIndexerClient({ baseUrl: INDEXER_URL });
if (SOURCE !== "chain" && SOURCE !== "indexer") throw new Error("ACCESS_SOURCE: chain or indexer");

// ---------------------------------------------------------------------------------------------
// The data server

/** Blobs by data hash, encrypted at rest (the key would live in a KMS). */
const blobs = new Map<Hex, string>();
const storageKey = randomBytes(32);
function store(dataHash: Hex, plaintext: string): void {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", storageKey, iv);
  const sealed = Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final()]);
  blobs.set(dataHash, Buffer.concat([sealed, cipher.getAuthTag()]).toString("base64"));
}

/** Nonces seen, until their request expires: a request is served once. */
const seen = new Map<Hex, bigint>();
function isReplay(nonce: Hex, expiresAt: bigint): boolean {
  const now = toSeconds();
  for (const [n, until] of seen) if (until <= now) seen.delete(n);
  if (seen.has(nonce)) return true;
  seen.set(nonce, expiresAt);
  return false;
}

const STATUS: Record<AccessRequestRejection, number> = {
  WrongDeployment: 401,
  WrongAudience: 401,
  NotYetValid: 401,
  Expired: 401,
  TooLongLived: 401,
  BadSignature: 401,
  Replayed: 401,
  NotGranted: 403,
  IndexerStale: 503,
};

const server = createServer(async (req, res) => {
  const reply = (status: number, body: object) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  try {
    const header = req.headers["x-grantkit-access"];
    if (typeof header !== "string")
      return reply(400, { error: "MissingRequest", message: "send x-grantkit-access" });
    const request = parseAccessRequest(JSON.parse(header));
    const result = await verifyAccessRequest(client, {
      address: accessGrants,
      request,
      audience: AUDIENCE,
      isReplay,
      source: SOURCE === "indexer" ? { indexer, maxLagBlocks: 2 } : "chain",
    });
    if (!result.valid) return reply(STATUS[result.reason], { error: result.reason, ...result });
    const blob = blobs.get(result.dataHash);
    if (!blob) return reply(404, { error: "NoSuchData", message: "no blob for this data hash" });
    const checkedAt =
      result.checkedAt.source === "chain"
        ? `block ${result.checkedAt.blockNumber}`
        : `indexed block ${result.checkedAt.indexedBlock}`;
    return reply(200, { grantId: result.grantId, checkedAt, blob });
  } catch (error) {
    if (error instanceof GrantKitError)
      return reply(400, { error: error.name, message: error.shortMessage, hint: error.hint });
    if (error instanceof SyntaxError)
      return reply(400, { error: "SyntaxError", message: error.message });
    return reply(500, { error: "Internal", message: String(error) });
  }
});

// ---------------------------------------------------------------------------------------------
// The grantee's client (and the other callers the server must refuse)

type Answer = {
  status: number;
  body: { error?: string; message?: string; blob?: string; checkedAt?: string };
};

async function ask(
  base: string,
  signer: PrivateKeyAccount,
  options: { as?: LocalAccount; dataHash: Hex; now?: bigint; raw?: string },
): Promise<Answer & { header: string }> {
  const request = buildAccessRequest({
    chainId: deployment.chainId,
    accessGrants,
    grantee: (options.as ?? signer).address,
    owner: owner.address,
    dataHash: options.dataHash,
    purpose: PURPOSE,
    audience: AUDIENCE,
    now: options.now,
  });
  const signed = await signAccessRequest({ request, signer });
  const header = options.raw ?? JSON.stringify(serializeAccessRequest(signed));
  return { ...(await send(base, options.dataHash, header)), header };
}

async function send(base: string, dataHash: Hex, header: string): Promise<Answer> {
  const res = await fetch(`${base}/blobs/${dataHash}`, {
    headers: { "x-grantkit-access": header },
  });
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

/** With ACCESS_SOURCE=indexer: waits until the indexer shows the grant as `granted`. */
async function indexed(dataHash: Hex, granted: boolean): Promise<void> {
  if (SOURCE !== "indexer") return;
  const grantId = computeGrantId({
    owner: owner.address,
    grantee: grantee.address,
    dataHash,
    purpose: PURPOSE,
  });
  for (let i = 0; i < 300; i++) {
    const found = await indexer.getGrant({ chainId: deployment.chainId, grantId });
    if ((found?.grant.isGranted ?? false) === granted) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the indexer did not show grant ${grantId} as ${granted ? "granted" : "ended"}`);
}

async function main(): Promise<void> {
  await new Promise<void>((resolve) =>
    server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", resolve),
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`data server on ${base} (grants checked on the ${SOURCE}), audience ${AUDIENCE}`);

  // The owner stores a blob and grants the grantee access to it.
  const { dataHash } = createDataReference({
    dataId: `kyc-file-${Date.now()}`,
    grantee: grantee.address,
  });
  store(dataHash, "passport scan, proof of address");
  const wallet = createWalletClient({ account: owner, transport: http(RPC_URL) });
  const grantKey = { address: accessGrants, grantee: grantee.address, dataHash, purpose: PURPOSE };
  await client.waitForTransactionReceipt({ hash: await grant(wallet, grantKey) });
  await indexed(dataHash, true);
  console.log(`owner ${owner.address} granted ${grantee.address} access to ${dataHash}`);

  if (SERVE_ONLY) {
    // Other clients now: GET /blobs/<dataHash> with an x-grantkit-access header.
    console.log(`serving until SIGINT/SIGTERM (purpose ${PURPOSE})`);
    for (const signal of ["SIGINT", "SIGTERM"] as const)
      process.once(signal, () => server.close(() => process.exit(0)));
    return;
  }

  const outcomes: [string, Answer, number, string | undefined][] = [];
  const check = (label: string, answer: Answer, status: number, error?: string) => {
    outcomes.push([label, answer, status, error]);
    const what = answer.body.blob
      ? `blob of ${Buffer.from(answer.body.blob, "base64").length} bytes (grant active at ${answer.body.checkedAt})`
      : `${answer.body.error}: ${answer.body.message}`;
    console.log(`${String(answer.status).padEnd(3)} ${label.padEnd(26)} ${what}`);
  };

  const first = await ask(base, grantee, { dataHash });
  check("grantee", first, 200);
  check("grantee, replayed", await send(base, dataHash, first.header), 401, "Replayed");
  check(
    "signed by someone else",
    await ask(base, stranger, { as: grantee, dataHash }),
    401,
    "BadSignature",
  );
  check("non-grantee", await ask(base, stranger, { dataHash }), 403, "NotGranted");
  check(
    "expired request",
    await ask(base, grantee, { dataHash, now: toSeconds() - 900n }),
    401,
    "Expired",
  );
  check(
    "malformed request",
    await ask(base, grantee, { dataHash, raw: "{}" }),
    400,
    "InvalidParameterError",
  );

  await client.waitForTransactionReceipt({ hash: await revoke(wallet, grantKey) });
  await indexed(dataHash, false);
  console.log(`owner revoked the grant`);
  check("grantee, after the revoke", await ask(base, grantee, { dataHash }), 403, "NotGranted");

  server.close();
  const wrong = outcomes.filter(
    ([, a, status, error]) => a.status !== status || a.body.error !== error,
  );
  for (const [label, a, status, error] of wrong)
    console.error(
      `${label}: expected ${status} ${error ?? ""}, got ${a.status} ${a.body.error ?? ""}`,
    );
  if (wrong.length > 0) throw new Error(`${wrong.length} answers differ from what was expected`);
}

runMain("data-server", main, () => server.close());
