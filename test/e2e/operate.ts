/**
 * End-to-end tests of the operate commands (`npx hardhat grantkit <command>`) against a real
 * `hardhat node`: one node and one deploy for the whole file, then every command once as a child
 * process, in order (later steps use the state earlier ones left), and each refused input with its
 * one-line message and exit code 1. About 25 CLI runs at 1.5-3 s each.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Contract, keccak256, toUtf8Bytes } from "ethers";

import { ROOT, type DeploymentRecord } from "../../scripts/lib/deployment.js";
import {
  computeGrantId,
  deriveDataHash,
  grantsDomain,
  purposeHash,
  signRequest,
} from "../../scripts/lib/grants.js";
import {
  runHardhat,
  startNode,
  tempRecordsDir,
  type CliResult,
  type LocalNode,
} from "../../scripts/lib/harness/node.js";

// Hardhat's well-known development accounts (public test keys): 0 admin, 1 registrar, 2 issuer.
const ACCOUNT = [
  "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
] as const;

const SALT = "0x" + "5a".repeat(32);
const DATA_ID = "passport-2f9c";
const LOCK_ISO = "2099-01-01T00:00:00Z";

/** The single `error: ...` line of a refused command; asserts exit code 1 and nothing sent. */
function refused(result: CliResult): string {
  const lines = result.stderr.split("\n").filter((l) => l.startsWith("error: "));
  expect(result.code, result.stdout + result.stderr).to.equal(1);
  expect(lines, result.stderr).to.have.length(1);
  expect(result.stdout).not.to.match(/tx 0x/);
  return lines[0]!;
}

function ok(result: CliResult): string {
  expect(result.code, result.stdout + result.stderr).to.equal(0);
  return result.stdout;
}

describe("grantkit operate commands (end to end, hardhat node)", function () {
  this.timeout(180_000);
  this.slow(10_000);

  let node: LocalNode;
  let recordsDir: string;
  let scratch: string;
  let record: DeploymentRecord;
  let grants: Contract;
  let registry: Contract;

  const grantkit = (args: string[], dir = recordsDir, network = "localhost") =>
    runHardhat(["--network", network, "grantkit", ...args], { url: node.url, recordsDir: dir });

  before(async function () {
    node = await startNode();
    recordsDir = tempRecordsDir();
    scratch = tempRecordsDir();
    ok(
      await runHardhat(["grantkit", "deploy", "--network", "localhost"], {
        url: node.url,
        recordsDir,
      }),
    );
    record = JSON.parse(readFileSync(path.join(recordsDir, "localhost.json"), "utf8"));
    grants = new Contract(
      record.contracts.AccessGrants!.address,
      [
        "function isGranted(address,address,bytes32,bytes32) view returns (bool)",
        "function isNonceUsed(address,uint256) view returns (bool)",
      ],
      node.provider,
    );
    registry = new Contract(
      record.contracts.IssuerRegistry!.address,
      ["function getIssuer(address) view returns ((uint8,bytes2,uint40,uint40,uint104))"],
      node.provider,
    );
  });

  after(async function () {
    // The deploy left Ignition journals named after this node's genesis block: remove them.
    const genesis = await node?.provider.getBlock(0);
    const journals = path.join(ROOT, "ignition", "deployments");
    if (genesis?.hash && existsSync(journals)) {
      const tag = `-localhost-31337-${genesis.hash.slice(2, 10)}`;
      for (const name of readdirSync(journals)) {
        if (name.startsWith("grantkit") && name.includes(tag)) {
          rmSync(path.join(journals, name), { recursive: true, force: true });
        }
      }
    }
    await node?.stop();
    for (const dir of [recordsDir, scratch]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const issuerStatus = async (issuer: string) =>
    Number(((await registry.getFunction("getIssuer")(issuer)) as [bigint])[0]);

  describe("list", function () {
    it("list: prints the record, the admin, registrars, types and issuers", async function () {
      const out = ok(await grantkit(["list"]));
      expect(out).to.include("chain 31337");
      for (const c of Object.values(record.contracts)) {
        expect(out).to.include(`${c.address} block ${c.blockNumber} tx ${c.txHash}`);
      }
      expect(out).to.include(`IssuerRegistry admin ${ACCOUNT[0]}, admin transfer delay 259200 s`);
      expect(out).to.include(`registrars: ${ACCOUNT[1]}`);
      expect(out).to.match(/bit +0 kyc\.basic/);
      expect(out).to.match(/bit +1 kyc\.enhanced/);
      expect(out).to.match(/bit +2 aml\.screening/);
      expect(out).to.include(`${ACCOUNT[2]} Active CH kyc.basic,aml.screening`);
    });
  });

  describe("issuers (as registrar, account 1)", function () {
    it("issuer-add without REGISTRAR_ROLE is refused, naming the role and who grants it", async function () {
      const line = refused(
        await grantkit([
          "issuer-add",
          "--issuer",
          ACCOUNT[3],
          "--types",
          "kyc.basic",
          "--jurisdiction",
          "CH",
        ]),
      );
      expect(line).to.include(`account ${ACCOUNT[0]} does not have REGISTRAR_ROLE`);
      expect(line).to.include(`the default admin ${ACCOUNT[0]} grants it`);
      expect(line).to.include(`--from with a registrar (${ACCOUNT[1]})`);
      expect(await issuerStatus(ACCOUNT[3])).to.equal(0);
    });

    it("issuer-add accredits an issuer with types, jurisdiction, validity and metadata", async function () {
      const out = ok(
        await grantkit([
          "issuer-add",
          "--from",
          "1",
          "--issuer",
          ACCOUNT[3].toLowerCase(),
          "--types",
          "kyc.basic,aml.screening",
          "--jurisdiction",
          "CH",
          "--valid-until",
          "+30d",
          "--metadata",
          "acme kyc v1",
        ]),
      );
      expect(out).to.match(
        new RegExp(`added issuer ${ACCOUNT[3]} \\(kyc.basic, aml.screening; CH;`),
      );
      expect(out).to.match(/: tx 0x[0-9a-f]{64} block \d+ \(from 0x70997970/);
      expect(await issuerStatus(ACCOUNT[3])).to.equal(1);
    });

    it("an unknown credential type label is refused with the registered ones", async function () {
      const line = refused(
        await grantkit([
          "issuer-set-types",
          "--from",
          "1",
          "--issuer",
          ACCOUNT[3],
          "--types",
          "kyc.basic,kyc.gold",
        ]),
      );
      expect(line).to.equal(
        'error: unknown credential type "kyc.gold" (registered types: kyc.basic, kyc.enhanced, aml.screening; a registrar registers new ones (registerCredentialType))',
      );
    });

    it("issuer-set-types replaces the types", async function () {
      const out = ok(
        await grantkit([
          "issuer-set-types",
          "--from",
          "1",
          "--issuer",
          ACCOUNT[3],
          "--types",
          "kyc.enhanced",
        ]),
      );
      expect(out).to.match(
        /set types of issuer 0x90F79.* to kyc\.enhanced: tx 0x[0-9a-f]{64} block \d+/,
      );
    });

    it("issuer-suspend and issuer-restore", async function () {
      ok(await grantkit(["issuer-suspend", "--from", "1", "--issuer", ACCOUNT[3]]));
      expect(await issuerStatus(ACCOUNT[3])).to.equal(2);
      const out = ok(
        await grantkit(["issuer-restore", "--from", ACCOUNT[1], "--issuer", ACCOUNT[3]]),
      );
      expect(out).to.match(
        /restored issuer 0x90F79.* \(was Suspended; every key of its lineage follows\): tx 0x[0-9a-f]{64} block \d+/,
      );
      expect(await issuerStatus(ACCOUNT[3])).to.equal(1);
    });

    it("issuer-show prints the record, trusted types now, metadata and history", async function () {
      const out = ok(await grantkit(["issuer-show", "--issuer", ACCOUNT[3]]));
      expect(out).to.include("status Active");
      expect(out).to.include("jurisdiction CH");
      expect(out).to.include(`lineage: first key ${ACCOUNT[3]}, current key ${ACCOUNT[3]}`);
      expect(out).to.include("accredited types: kyc.enhanced");
      expect(out).to.include("trusted now for: kyc.enhanced");
      expect(out).to.include(`metadata hash ${keccak256(toUtf8Bytes("acme kyc v1"))}`);
      expect(out).to.match(
        /Added -> Active[\s\S]*TypesSet[\s\S]*Suspended -> Suspended[\s\S]*Restored -> Active/,
      );
    });

    it("issuer-remove", async function () {
      const out = ok(await grantkit(["issuer-remove", "--from", "1", "--issuer", ACCOUNT[3]]));
      expect(out).to.match(
        /removed issuer 0x90F79.* \(was Active; every key of its lineage follows\): tx 0x[0-9a-f]{64} block \d+/,
      );
      expect(await issuerStatus(ACCOUNT[3])).to.equal(3);
    });
  });

  describe("grants", function () {
    const dataHash = deriveDataHash({ dataId: DATA_ID, salt: SALT });
    const purpose = purposeHash("onboarding");

    it("a malformed address is refused", async function () {
      const line = refused(
        await grantkit([
          "check",
          "--owner",
          "0x1234",
          "--grantee",
          ACCOUNT[1],
          "--data-hash",
          dataHash,
        ]),
      );
      expect(line).to.equal(
        'error: --owner "0x1234" is not an address (pass 0x and 40 hex digits, e.g. 0x70997970C51812dc3A010C7d01b50e0d17dc79C8)',
      );
    });

    it("a malformed 32-byte hash is refused", async function () {
      const line = refused(
        await grantkit([
          "check",
          "--owner",
          ACCOUNT[0],
          "--grantee",
          ACCOUNT[1],
          "--data-hash",
          "0xabc",
        ]),
      );
      expect(line).to.match(/^error: --data-hash "0xabc" is not a 32-byte hash \(pass --data-hash/);
    });

    it("grant (data id + salt, locked) as account 0", async function () {
      const out = ok(
        await grantkit([
          "grant",
          "--grantee",
          ACCOUNT[1],
          "--data-id",
          DATA_ID,
          "--salt",
          SALT,
          "--purpose",
          "onboarding",
          "--locked-until",
          LOCK_ISO,
        ]),
      );
      const id = computeGrantId({ owner: ACCOUNT[0], grantee: ACCOUNT[1], dataHash, purpose });
      expect(out).to.include(
        `access to ${dataHash} for purpose onboarding, locked until ${LOCK_ISO}`,
      );
      expect(out).to.match(new RegExp(`grant id ${id}: tx 0x[0-9a-f]{64} block \\d+`));
      expect(
        await grants.getFunction("isGranted")(ACCOUNT[0], ACCOUNT[1], dataHash, purpose),
      ).to.equal(true);
    });

    it("check prints granted yes and the state with ISO dates", async function () {
      const out = ok(
        await grantkit([
          "check",
          "--owner",
          ACCOUNT[0],
          "--grantee",
          ACCOUNT[1],
          "--data-hash",
          dataHash,
          "--purpose",
          "onboarding",
        ]),
      );
      expect(out).to.match(/^granted: yes$/m);
      expect(out).to.include("status Active");
      expect(out).to.include(`locked until ${LOCK_ISO} (in force)`);
      expect(out).to.include("expires never");
    });

    it("revoke of a locked grant is refused with its unlock time", async function () {
      const line = refused(
        await grantkit([
          "revoke",
          "--grantee",
          ACCOUNT[1],
          "--data-hash",
          dataHash,
          "--purpose",
          "onboarding",
        ]),
      );
      expect(line).to.match(
        new RegExp(`^error: grant 0x[0-9a-f]{64} is locked until ${LOCK_ISO} `),
      );
      expect(line).to.include(`the grantee ${ACCOUNT[1]} can release it any time`);
    });

    it("release as the grantee (account 1)", async function () {
      const out = ok(
        await grantkit([
          "release",
          "--from",
          "1",
          "--owner",
          ACCOUNT[0],
          "--data-id",
          DATA_ID,
          "--salt",
          SALT,
          "--purpose",
          "onboarding",
        ]),
      );
      expect(out).to.match(
        /released grant 0x[0-9a-f]{64} as grantee 0x70997970.*: tx 0x[0-9a-f]{64} block \d+/,
      );
      expect(
        await grants.getFunction("isGranted")(ACCOUNT[0], ACCOUNT[1], dataHash, purpose),
      ).to.equal(false);
    });
  });

  describe("signed requests (owner account 2, relayer account 3)", function () {
    const dataHash = "0x" + "c4".repeat(32);
    const purpose = purposeHash("kyc-check");
    let requestFile: string;

    it("sign-grant writes a signed request without sending anything", async function () {
      requestFile = path.join(scratch, "requests", "grant.json");
      const before = await node.provider.getBlockNumber();
      const out = ok(
        await grantkit([
          "sign-grant",
          "--from",
          "2",
          "--grantee",
          ACCOUNT[1],
          "--data-hash",
          dataHash,
          "--purpose",
          "kyc-check",
          "--nonce",
          "7",
          "--deadline",
          "+1h",
          "--out",
          requestFile,
        ]),
      );
      expect(out).to.include(`signed a Grant request as owner ${ACCOUNT[2]}`);
      expect(out).to.include("no transaction sent");
      expect(await node.provider.getBlockNumber()).to.equal(before);
      const request = JSON.parse(readFileSync(requestFile, "utf8"));
      expect(request.owner).to.equal(ACCOUNT[2]);
      expect(request.params).to.deep.include({ grantee: ACCOUNT[1], dataHash, purpose });
      expect(request.authorization.nonce).to.equal("7");
      expect(request.generation).to.equal("0"); // read from the chain: never granted
      expect(request.authorization.signature).to.match(/^0x[0-9a-f]{130}$/);
    });

    it("relay submits it from the relayer", async function () {
      const out = ok(await grantkit(["relay", "--request", requestFile, "--from", "3"]));
      const id = computeGrantId({ owner: ACCOUNT[2], grantee: ACCOUNT[1], dataHash, purpose });
      expect(out).to.match(
        new RegExp(
          `relayed Grant of owner ${ACCOUNT[2]} .*grant id ${id}: tx 0x[0-9a-f]{64} block \\d+ \\(from ${ACCOUNT[3]}\\)`,
        ),
      );
      expect(
        await grants.getFunction("isGranted")(ACCOUNT[2], ACCOUNT[1], dataHash, purpose),
      ).to.equal(true);
    });

    it("relay of a used request is refused before sending", async function () {
      const line = refused(await grantkit(["relay", "--request", requestFile, "--from", "3"]));
      expect(line).to.equal(
        `error: nonce 7 of owner ${ACCOUNT[2]} is already used (the request was relayed already or cancelled) (ask the owner to sign a new request with another nonce)`,
      );
    });

    it("relay of an expired request is refused before sending", async function () {
      const now = (await node.provider.getBlock("latest"))!.timestamp;
      const deadline = BigInt(now - 60);
      const owner = await node.provider.getSigner(2);
      const params = {
        grantee: ACCOUNT[4],
        dataHash,
        purpose,
        lockedUntil: "0",
        expiresAt: "0",
      };
      const signature = await signRequest(
        owner,
        grantsDomain(31337, record.contracts.AccessGrants!.address),
        "Grant",
        {
          owner: ACCOUNT[2],
          ...params,
          generation: 0n,
          nonce: 8n,
          deadline,
        },
      );
      const file = path.join(scratch, "expired.json");
      writeFileSync(
        file,
        JSON.stringify({
          kind: "Grant",
          chainId: 31337,
          accessGrants: record.contracts.AccessGrants!.address,
          owner: ACCOUNT[2],
          params,
          generation: "0",
          authorization: { nonce: "8", deadline: deadline.toString(), signature },
        }),
      );
      const line = refused(await grantkit(["relay", "--request", file, "--from", "3"]));
      const expiredAt = new Date(Number(deadline) * 1000).toISOString().replace(".000Z", "Z");
      expect(line).to.include(`error: the signed request expired at ${expiredAt}`);
      expect(line).to.include("ask the owner to sign a new request with a later --deadline");
      expect(await grants.getFunction("isNonceUsed")(ACCOUNT[2], 8n)).to.equal(false);
    });

    it("revoke by the owner of the relayed (unlocked) grant", async function () {
      const out = ok(
        await grantkit([
          "revoke",
          "--from",
          "2",
          "--grantee",
          ACCOUNT[1],
          "--data-hash",
          dataHash,
          "--purpose",
          "kyc-check",
        ]),
      );
      expect(out).to.match(
        /revoked grant 0x[0-9a-f]{64} .*: tx 0x[0-9a-f]{64} block \d+ \(from 0x3C44/,
      );
      expect(
        await grants.getFunction("isGranted")(ACCOUNT[2], ACCOUNT[1], dataHash, purpose),
      ).to.equal(false);
    });

    it("relay of a request signed for an earlier life of the grant is refused before sending", async function () {
      const file = path.join(scratch, "requests", "stale.json");
      ok(
        await grantkit([
          "sign-grant",
          "--from",
          "2",
          "--grantee",
          ACCOUNT[1],
          "--data-hash",
          dataHash,
          "--purpose",
          "kyc-check",
          "--generation",
          "0",
          "--out",
          file,
        ]),
      );
      const id = computeGrantId({ owner: ACCOUNT[2], grantee: ACCOUNT[1], dataHash, purpose });
      const line = refused(await grantkit(["relay", "--request", file, "--from", "3"]));
      expect(line).to.equal(
        `error: grant ${id} is in generation 1, the request was signed for generation 0 (the grant was made or replaced since) (ask the owner to sign a new request (sign-grant reads the current generation))`,
      );
    });
  });

  describe("export", function () {
    it("export writes the dApp bundle: ABIs, addresses, chain id, start blocks", async function () {
      const out = ok(await grantkit(["export", "--out", path.join(scratch, "bundle")]));
      expect(out).to.include("grantkit.localhost.json");
      const bundle = JSON.parse(
        readFileSync(path.join(scratch, "bundle", "grantkit.localhost.json"), "utf8"),
      );
      expect(bundle.chainId).to.equal(31337);
      for (const name of ["AccessGrants", "IssuerRegistry"] as const) {
        expect(bundle.contracts[name]).to.deep.equal({
          address: record.contracts[name]!.address,
          startBlock: record.contracts[name]!.blockNumber,
          txHash: record.contracts[name]!.txHash,
        });
      }
      const names = (abi: { type: string; name?: string }[]) => abi.map((f) => f.name);
      expect(names(bundle.abis.AccessGrants)).to.include.members([
        "grantBySignature",
        "GrantCreated",
        "AccessGrantsLocked",
      ]);
      expect(names(bundle.abis.IssuerRegistry)).to.include.members([
        "isTrusted",
        "IssuerUpdated",
        "hasRole",
      ]);
      expect(names(bundle.abis.GrantGate)).to.include.members([
        "GATE_PURPOSE",
        "GrantGateNotGranted",
      ]);
    });
  });

  describe("wrong network or record", function () {
    it("an unknown network is refused with the known ones", async function () {
      const line = refused(await grantkit(["list"], recordsDir, "nosuch"));
      expect(line).to.match(
        /^error: unknown network "nosuch" \(use --network with one of: localhost, /,
      );
    });

    it("a network without a deployment record is refused", async function () {
      const empty = path.join(scratch, "empty");
      mkdirSync(empty, { recursive: true });
      const line = refused(await grantkit(["list"], empty));
      expect(line).to.match(
        /^error: no deployment record for network "localhost" .*\(run: npm run deploy -- --network localhost\)$/,
      );
    });

    it("a record of another chain id is refused", async function () {
      const other = path.join(scratch, "other");
      mkdirSync(other, { recursive: true });
      writeFileSync(path.join(other, "localhost.json"), JSON.stringify({ ...record, chainId: 1 }));
      const line = refused(await grantkit(["list"], other));
      expect(line).to.equal(
        'error: the node of network "localhost" has chain id 31337, its record says 1 (point the network at the right node, or deploy again to write a fresh record)',
      );
    });
  });
});
