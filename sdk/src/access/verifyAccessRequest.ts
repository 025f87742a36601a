import { isAddressEqual, type Address, type Client, type Hex } from "viem";
import { getBlock, getBlockNumber, getChainId } from "viem/actions";

import { readCall } from "../actions/internal/read.js";
import { resolveAddress, type ContractTarget } from "../actions/internal/target.js";
import { computeGrantId } from "../utils/computeGrantId.js";
import { toSeconds } from "../utils/time.js";
import { verifySignature } from "../utils/verifySignature.js";
import { hashAccessRequest } from "./signAccessRequest.js";
import type { AccessIndexer, SignedAccessRequest } from "./types.js";

/** Why a data server refuses an access request. */
export type AccessRequestRejection =
  | "WrongDeployment"
  | "WrongAudience"
  | "NotYetValid"
  | "Expired"
  | "TooLongLived"
  | "BadSignature"
  | "Replayed"
  | "IndexerStale"
  | "NotGranted";

/** Parameters of {@link verifyAccessRequest}. */
export type VerifyAccessRequestParameters = ContractTarget & {
  request: SignedAccessRequest;
  /** This server's name, as grantees put it in `audience`. */
  audience: string;
  /** Longest lifetime accepted (`expiresAt - issuedAt`), seconds; default 600n. */
  maxLifetime?: bigint | undefined;
  /** Clock difference tolerated for `issuedAt`, seconds; default 30n. */
  clockSkew?: bigint | undefined;
  /** This server's time, unix seconds; default its clock. */
  now?: bigint | undefined;
  /**
   * Where the grant is checked: `"chain"` (default; `grantIsActive` at the latest block), or the indexer,
   * refused when it is more than `maxLagBlocks` behind the chain head (the later of what the
   * indexer and this client's own node see).
   */
  source?: "chain" | { indexer: AccessIndexer; maxLagBlocks: number } | undefined;
  /** Replay guard: return true when this nonce was seen (remember it until `expiresAt`). */
  isReplay?: ((nonce: Hex, expiresAt: bigint) => boolean | Promise<boolean>) | undefined;
};

/** What {@link verifyAccessRequest} decides. */
export type VerifyAccessRequestReturnType =
  | {
      valid: true;
      grantId: Hex;
      owner: Address;
      grantee: Address;
      dataHash: Hex;
      purpose: Hex;
      /** Where the grant was seen active: a block, or the indexer's indexed block. */
      checkedAt:
        { source: "chain"; blockNumber: bigint } | { source: "indexer"; indexedBlock: number };
    }
  | { valid: false; reason: AccessRequestRejection; message: string };

const refuse = (
  reason: AccessRequestRejection,
  message: string,
): VerifyAccessRequestReturnType => ({
  valid: false,
  reason,
  message,
});

/**
 * What a data server runs before it serves a data item: the request is for this server and this
 * deployment, fresh and short-lived, signed by the grantee (ECDSA, or ERC-1271 for a smart account),
 * not replayed, and the grant it names is active (on-chain now, or in a fresh enough indexer).
 *
 * @example
 * const result = await verifyAccessRequest(client, { request: parseAccessRequest(header), audience: "https://vault.example" });
 * if (!result.valid) return new Response(result.message, { status: 403 });
 * return serve(result.dataHash);
 */
export async function verifyAccessRequest(
  client: Client,
  parameters: VerifyAccessRequestParameters,
): Promise<VerifyAccessRequestReturnType> {
  const { request, audience } = parameters;
  const m = request.message;
  const chainId = client.chain?.id ?? (await getChainId(client));
  const accessGrants = await resolveAddress(client, "accessGrants", parameters);
  if (request.chainId !== chainId || !isAddressEqual(request.verifyingContract, accessGrants)) {
    return refuse(
      "WrongDeployment",
      `the request is for AccessGrants ${request.verifyingContract} on chain ${request.chainId}, this server uses ${accessGrants} on chain ${chainId}`,
    );
  }
  if (m.audience !== audience)
    return refuse("WrongAudience", `the request is for "${m.audience}", not "${audience}"`);
  const now = parameters.now ?? toSeconds();
  if (m.issuedAt > now + (parameters.clockSkew ?? 30n))
    return refuse("NotYetValid", `the request is issued at ${m.issuedAt}, after now (${now})`);
  if (now >= m.expiresAt)
    return refuse("Expired", `the request expired at ${m.expiresAt} (now ${now})`);
  const maxLifetime = parameters.maxLifetime ?? 600n;
  if (m.expiresAt - m.issuedAt > maxLifetime)
    return refuse(
      "TooLongLived",
      `the request lives ${m.expiresAt - m.issuedAt} s, more than ${maxLifetime} s`,
    );
  const signed = await verifySignature(client, {
    signer: m.grantee,
    digest: hashAccessRequest(request),
    signature: request.signature,
    rule: "ecdsaThen1271",
  });
  if (!signed) return refuse("BadSignature", `the signature is not the grantee's (${m.grantee})`);
  if (parameters.isReplay && (await parameters.isReplay(m.nonce, m.expiresAt))) {
    return refuse("Replayed", `nonce ${m.nonce} was used already`);
  }
  const grantId = computeGrantId(m);
  const granted = {
    valid: true as const,
    grantId,
    owner: m.owner,
    grantee: m.grantee,
    dataHash: m.dataHash,
    purpose: m.purpose,
  };
  const source = parameters.source ?? "chain";
  if (source === "chain") {
    const block = await getBlock(client, { blockTag: "latest" });
    const active = (await readCall(
      client,
      "accessGrants",
      { address: accessGrants, blockNumber: block.number },
      "grantIsActive",
      [grantId],
    )) as boolean;
    if (!active)
      return refuse("NotGranted", `grant ${grantId} is not active at block ${block.number}`);
    return { ...granted, checkedAt: { source: "chain", blockNumber: block.number } };
  }
  // The head is the later of what this server's own node and the indexer's see: an indexer whose
  // RPC is stuck sees an old head, and must not pass the freshness bound because of it.
  const [ready, ownHead] = await Promise.all([source.indexer.getReady(), getBlockNumber(client)]);
  const chain = ready.chains.find((c) => c.chainId === chainId);
  const indexerHead = chain?.head === null || chain?.head === undefined ? null : BigInt(chain.head);
  const head = indexerHead !== null && indexerHead > ownHead ? indexerHead : ownHead;
  if (
    !chain ||
    chain.indexed === null ||
    head - BigInt(chain.indexed) > BigInt(source.maxLagBlocks)
  ) {
    return refuse(
      "IndexerStale",
      `the indexer is more than ${source.maxLagBlocks} blocks behind on chain ${chainId} (indexed ${chain?.indexed ?? "nothing"}, head ${head}: this server's node ${ownHead}, the indexer's ${indexerHead ?? "unknown"})`,
    );
  }
  const found = await source.indexer.getGrant({ chainId, grantId, contract: accessGrants });
  if (!found?.grant.isGranted)
    return refuse(
      "NotGranted",
      `grant ${grantId} is not active in the indexer (block ${chain.indexed})`,
    );
  return { ...granted, checkedAt: { source: "indexer", indexedBlock: chain.indexed } };
}
