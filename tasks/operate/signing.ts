/**
 * Gasless grants: `grantkit sign-grant` signs an EIP-712 Grant request as the owner (no transaction;
 * the domain comes from the record, and the grant's generation from `--generation` or one chain
 * read) and writes it to a file; `grantkit relay` submits such a file with grantBySignature from the
 * relayer account (`--from`), after checking the grant is still in the generation it was signed for.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { getAddress, hexlify, isHexString, verifyTypedData } from "ethers";

import {
  GrantKitError,
  REQUEST_TYPES,
  computeGrantId,
  grantsDomain,
  signRequest,
  typedDataFields,
} from "../../scripts/lib/grants.js";
import {
  chainNow,
  command,
  contractAddress,
  contracts,
  offlineRecord,
  openChain,
  signerFrom,
} from "./context.js";
import { iso, relPath, shortMessage } from "./format.js";
import { checkLockAndExpiry } from "./grants.js";
import {
  parseAddress,
  parseDataHash,
  parseHash,
  parsePurpose,
  parseTime,
  parseUint,
} from "./inputs.js";
import { transact } from "./transact.js";

interface SignGrantArgs {
  grantee: string;
  dataHash: string;
  dataId: string;
  salt: string;
  purpose: string;
  lockedUntil: string;
  expiresAt: string;
  nonce: string;
  generation: string;
  deadline: string;
  out: string;
  from: string;
}

/** The file `sign-grant` writes and `relay` reads; numbers are decimal strings. */
export interface SignedGrantRequest {
  kind: "Grant";
  chainId: number;
  accessGrants: string;
  owner: string;
  params: {
    grantee: string;
    dataHash: string;
    purpose: string;
    lockedUntil: string;
    expiresAt: string;
  };
  /** The grant's generation the owner signed for: the request only works while it still holds. */
  generation: string;
  authorization: { nonce: string; deadline: string; signature: string };
}

export const signGrant = command(async (args: SignGrantArgs, hre) => {
  const grantee = parseAddress(args.grantee, "--grantee");
  const dataHash = parseDataHash(args);
  const { purpose, label } = parsePurpose(args.purpose);
  if (args.out.trim() === "") {
    throw new GrantKitError("--out is missing", "pass --out <file> for the signed request");
  }
  const now = Math.floor(Date.now() / 1000);
  const lockedUntil = parseTime(args.lockedUntil, "--locked-until", now);
  const expiresAt = parseTime(args.expiresAt, "--expires-at", now);
  checkLockAndExpiry(lockedUntil, expiresAt, now);
  const deadline = parseTime(args.deadline === "" ? "+1h" : args.deadline, "--deadline", now);
  if (deadline <= BigInt(now)) {
    throw new GrantKitError(
      `--deadline ${iso(deadline)} is in the past`,
      "pass a later time, e.g. +1h (the default)",
    );
  }
  // Nonces are unordered (a bitmap): a random 64-bit one never collides in practice.
  const nonce =
    args.nonce === "" ? BigInt(hexlify(randomBytes(8))) : parseUint(args.nonce, "--nonce");

  const { network, record } = offlineRecord(hre);
  const accessGrants = contractAddress(record, "AccessGrants");
  const connection = await hre.network.create();
  const owner = await signerFrom({ connection, network }, args.from);
  if (grantee === owner.address) {
    throw new GrantKitError(`--grantee ${grantee} is the owner itself`, "grant to another account");
  }
  const domain = grantsDomain(record.chainId, accessGrants);
  const id = computeGrantId({ owner: owner.address, grantee, dataHash, purpose });
  // Every request names the life of the grant it is for; a grant never made is in generation 0.
  let generation: bigint;
  if (args.generation !== "") {
    generation = parseUint(args.generation, "--generation");
  } else {
    try {
      const grants = await connection.ethers.getContractAt("AccessGrants", accessGrants);
      generation = (await grants.getGrant(id)).generation;
    } catch (error) {
      throw new GrantKitError(
        `cannot read the generation of grant ${id} from network "${network}": ${shortMessage(error)}`,
        "pass --generation (grantkit check shows it; 0 for a grant never made)",
      );
    }
  }
  const message = {
    owner: owner.address,
    grantee,
    dataHash,
    purpose,
    lockedUntil,
    expiresAt,
    generation,
    nonce,
    deadline,
  };
  const signature = await signRequest(owner, domain, "Grant", message);
  const request: SignedGrantRequest = {
    kind: "Grant",
    chainId: record.chainId,
    accessGrants,
    owner: owner.address,
    params: {
      grantee,
      dataHash,
      purpose,
      lockedUntil: lockedUntil.toString(),
      expiresAt: expiresAt.toString(),
    },
    generation: generation.toString(),
    authorization: { nonce: nonce.toString(), deadline: deadline.toString(), signature },
  };
  const out = path.resolve(args.out);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(request, null, 2) + "\n");
  console.log(
    `signed a Grant request as owner ${owner.address}: grantee ${grantee}, data ${dataHash}, purpose ${label}, locked until ${iso(lockedUntil)}, expires ${iso(expiresAt, "never")}`,
  );
  console.log(
    `  generation ${generation}, nonce ${nonce}, deadline ${iso(deadline)}, chain ${record.chainId}, AccessGrants ${accessGrants}; no transaction sent`,
  );
  console.log(`wrote ${relPath(out)} (relay it: npx hardhat grantkit relay --request <file>)`);
});

/** Reads and validates a request file; every problem is one line that names the field. */
export function readRequest(file: string): SignedGrantRequest {
  if (file.trim() === "") {
    throw new GrantKitError("--request is missing", "pass the file sign-grant wrote");
  }
  if (!existsSync(file)) {
    throw new GrantKitError(`--request ${file} does not exist`, "pass the file sign-grant wrote");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new GrantKitError(`--request ${file} is not JSON`, "pass the file sign-grant wrote");
  }
  const r = raw as Partial<SignedGrantRequest>;
  const bad = (field: string) =>
    new GrantKitError(
      `--request ${relPath(file)}: ${field} is missing or malformed`,
      "ask the owner for a fresh file from sign-grant",
    );
  if (r.kind !== "Grant") throw bad("kind (expected Grant)");
  if (typeof r.chainId !== "number") throw bad("chainId");
  const p = r.params;
  const a = r.authorization;
  if (!p || !a) throw bad(p ? "authorization" : "params");
  const wrap = <T>(field: string, f: () => T): T => {
    try {
      return f();
    } catch {
      throw bad(field);
    }
  };
  const uint = (field: string, v: unknown) =>
    wrap(field, () => parseUint(String(v), field).toString());
  return {
    kind: "Grant",
    chainId: r.chainId,
    accessGrants: wrap("accessGrants", () => parseAddress(String(r.accessGrants), "accessGrants")),
    owner: wrap("owner", () => parseAddress(String(r.owner), "owner")),
    params: {
      grantee: wrap("params.grantee", () => parseAddress(String(p.grantee), "grantee")),
      dataHash: wrap("params.dataHash", () => parseHash(String(p.dataHash), "dataHash")),
      purpose: wrap("params.purpose", () => parseHash(String(p.purpose), "purpose")),
      lockedUntil: uint("params.lockedUntil", p.lockedUntil),
      expiresAt: uint("params.expiresAt", p.expiresAt),
    },
    generation: uint("generation", r.generation),
    authorization: {
      nonce: uint("authorization.nonce", a.nonce),
      deadline: uint("authorization.deadline", a.deadline),
      signature: wrap("authorization.signature", () => {
        if (typeof a.signature !== "string" || !isHexString(a.signature) || a.signature === "0x")
          throw new Error();
        return a.signature;
      }),
    },
  };
}

export const relay = command(async (args: { request: string; from: string }, hre) => {
  const request = readRequest(args.request);
  const chain = await openChain(hre);
  const accessGrants = contractAddress(chain.record, "AccessGrants");
  if (
    request.chainId !== chain.record.chainId ||
    getAddress(request.accessGrants) !== getAddress(accessGrants)
  ) {
    throw new GrantKitError(
      `the request was signed for AccessGrants ${request.accessGrants} on chain ${request.chainId}, network "${chain.network}" has ${accessGrants} on chain ${chain.record.chainId}`,
      "relay it on the network it was signed for, or ask the owner to sign for this one",
    );
  }
  const { owner, params, authorization: auth } = request;
  const deadline = BigInt(auth.deadline);
  const now = await chainNow(chain.provider);
  // The contract refuses when block.timestamp > deadline; the next block is at least now + 1.
  if (BigInt(now) + 1n > deadline) {
    throw new GrantKitError(
      `the signed request expired at ${iso(deadline)} (chain time ${iso(now)})`,
      "ask the owner to sign a new request with a later --deadline",
    );
  }
  const { grants } = await contracts(chain);
  if (await grants.isNonceUsed(owner, BigInt(auth.nonce))) {
    throw new GrantKitError(
      `nonce ${auth.nonce} of owner ${owner} is already used (the request was relayed already or cancelled)`,
      "ask the owner to sign a new request with another nonce",
    );
  }
  const id = computeGrantId({ owner, ...params });
  // The request acts only on the life of the grant it was signed for.
  const current = (await grants.getGrant(id)).generation;
  if (current !== BigInt(request.generation)) {
    throw new GrantKitError(
      `grant ${id} is in generation ${current}, the request was signed for generation ${request.generation} (the grant was made or replaced since)`,
      "ask the owner to sign a new request (sign-grant reads the current generation)",
    );
  }
  const message = {
    owner,
    ...params,
    generation: request.generation,
    nonce: auth.nonce,
    deadline: auth.deadline,
  };
  const types = { Grant: typedDataFields(REQUEST_TYPES.Grant) };
  if ((await chain.provider.getCode(owner)) === "0x") {
    let signer = "";
    try {
      signer = verifyTypedData(
        grantsDomain(chain.record.chainId, accessGrants),
        types,
        message,
        auth.signature,
      );
    } catch {
      // malformed signature: reported below
    }
    if (signer === "" || getAddress(signer) !== owner) {
      throw new GrantKitError(
        `the request's signature is not by its owner ${owner}`,
        "ask the owner to sign it again (sign-grant) for this chain and contract",
      );
    }
  }
  if (await grants.isGranted(owner, params.grantee, params.dataHash, params.purpose)) {
    throw new GrantKitError(
      `grant ${id} is already active`,
      "nothing to relay; the owner may revoke it first",
    );
  }
  const relayer = await signerFrom(chain, args.from);
  await transact(
    grants,
    relayer,
    "grantBySignature",
    [owner, params, auth],
    `relayed Grant of owner ${owner} to ${params.grantee} (nonce ${auth.nonce}); grant id ${id}`,
  );
});
