import { expect } from "chai";
import fc from "fast-check";
import { getAddress, keccak256, stringToHex, toHex, encodeAbiParameters, type Hex } from "viem";

import {
  computeGrantId,
  createDataReference,
  dataHashDomain,
  deriveDataHash,
  deriveGranteeSalt,
  generateSalt,
  grantKitErrorsAbi,
  InvalidParameterError,
  assertSeconds,
  maxUint64,
  purposeHash,
  toSeconds,
  registrarRole,
  zeroHash,
} from "../../sdk/src/index.js";
import { accessGrantsAbi } from "../../sdk/src/abi.js";
import { deployFixture, networkHelpers, publicClient, wallet } from "./fixture.js";

const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b));
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(toHex(b)));

describe("sdk: derivations", function () {
  it("computeGrantId equals AccessGrants.computeGrantId for any key (200 random keys)", async function () {
    const { deployment } = await networkHelpers.loadFixture(deployFixture);
    await fc.assert(
      fc.asyncProperty(
        address,
        address,
        hex32,
        hex32,
        async (owner, grantee, dataHash, purpose) => {
          const onChain = await publicClient.readContract({
            address: deployment.accessGrants.address,
            abi: accessGrantsAbi,
            functionName: "computeGrantId",
            args: [owner, grantee, dataHash, purpose],
          });
          expect(computeGrantId({ owner, grantee, dataHash, purpose })).to.equal(onChain);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a grant made with a derived data hash is stored under the id the SDK computes (20 random items)", async function () {
    const { deployment, admin, grantee } = await networkHelpers.loadFixture(deployFixture);
    const owner = wallet(admin);
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 20 }),
        async (dataId, label) => {
          const { dataHash } = createDataReference({ dataId, grantee });
          const purpose = purposeHash(label);
          await publicClient.waitForTransactionReceipt({
            hash: await owner.writeContract({
              address: deployment.accessGrants.address,
              abi: accessGrantsAbi,
              functionName: "grant",
              args: [{ grantee, dataHash, purpose, lockedUntil: 0n, expiresAt: 0n }],
            }),
          });
          const state = await publicClient.readContract({
            address: deployment.accessGrants.address,
            abi: accessGrantsAbi,
            functionName: "getGrant",
            args: [computeGrantId({ owner: admin, grantee, dataHash, purpose })],
          });
          expect(state.status).to.equal(1); // Active
        },
      ),
      { numRuns: 20 },
    );
  });

  it("deriveDataHash is keccak256(abi.encode(domain, salt, dataId)) and depends on both", function () {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        hex32.filter((h) => h !== zeroHash),
        fc.string({ minLength: 1 }),
        (dataId, salt, otherId) => {
          const expected = keccak256(
            encodeAbiParameters(
              [{ type: "bytes32" }, { type: "bytes32" }, { type: "string" }],
              [dataHashDomain, salt, dataId],
            ),
          );
          expect(deriveDataHash({ dataId, salt })).to.equal(expected);
          if (otherId !== dataId)
            expect(deriveDataHash({ dataId: otherId, salt })).to.not.equal(expected);
        },
      ),
    );
    expect(dataHashDomain).to.equal(keccak256(stringToHex("grantkit.dataHash.v1")));
    expect(registrarRole).to.equal(keccak256(stringToHex("REGISTRAR_ROLE")));
  });

  it("gives a fresh salt per grantee by default, and a reproducible one from a secret", function () {
    const grantee = getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    const a = createDataReference({ dataId: "passport-1", grantee });
    const b = createDataReference({ dataId: "passport-1", grantee });
    expect(a.salt).to.not.equal(b.salt);
    expect(a.dataHash).to.not.equal(b.dataHash);
    const secret = generateSalt();
    const c = createDataReference({ dataId: "passport-1", grantee, secret });
    const d = createDataReference({ dataId: "passport-1", grantee, secret });
    expect(c).to.deep.equal(d);
    expect(c.salt).to.equal(deriveGranteeSalt({ secret, grantee, dataId: "passport-1" }));
    const other = createDataReference({
      dataId: "passport-1",
      grantee: getAddress("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"),
      secret,
    });
    expect(other.dataHash).to.not.equal(c.dataHash);
  });

  it("refuses empty ids and zero or malformed salts with a hint", function () {
    const salt = generateSalt();
    expect(() => deriveDataHash({ dataId: "", salt })).to.throw(
      InvalidParameterError,
      /dataId is empty/,
    );
    expect(() => deriveDataHash({ dataId: "x", salt: zeroHash })).to.throw(
      InvalidParameterError,
      /all zeros/,
    );
    expect(() => deriveDataHash({ dataId: "x", salt: "0x1234" as Hex })).to.throw(
      InvalidParameterError,
      /32 bytes/,
    );
    let thrown: unknown;
    try {
      deriveDataHash({ dataId: "x", salt: "0x12" as Hex });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(InvalidParameterError);
    expect((thrown as InvalidParameterError).hint).to.match(/generateSalt/);
  });

  it("refuses what is not an address, a hash, a label or a date, naming the parameter", function () {
    const grantee = getAddress(toHex(7n, { size: 20 }));
    const key = { owner: grantee, grantee, dataHash: keccak256("0x01"), purpose: zeroHash };
    const parameterOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        expect(error).to.be.instanceOf(InvalidParameterError);
        return (error as InvalidParameterError).parameter;
      }
      return "nothing thrown";
    };
    expect(computeGrantId(key)).to.match(/^0x[0-9a-f]{64}$/);
    expect(parameterOf(() => computeGrantId({ ...key, owner: "nope" as Hex }))).to.equal("owner");
    expect(parameterOf(() => computeGrantId({ ...key, grantee: "0x12" }))).to.equal("grantee");
    expect(parameterOf(() => computeGrantId({ ...key, dataHash: "0x12" }))).to.equal("dataHash");
    expect(parameterOf(() => computeGrantId({ ...key, purpose: "0x" }))).to.equal("purpose");
    expect(parameterOf(() => purposeHash(undefined as unknown as string))).to.equal("purpose");
    expect(parameterOf(() => toSeconds(new Date("not a date")))).to.equal("date");
    // The random-salt path checks the grantee as the derived one does.
    expect(
      parameterOf(() => createDataReference({ dataId: "x", grantee: "nope" as Hex })),
    ).to.equal("grantee");
    expect(
      parameterOf(() =>
        createDataReference({ dataId: "x", grantee: "nope" as Hex, secret: keccak256("0x02") }),
      ),
    ).to.equal("grantee");
    const secret = keccak256("0x02");
    expect(
      parameterOf(() =>
        createDataReference({ dataId: undefined as unknown as string, grantee, secret }),
      ),
    ).to.equal("dataId");
  });

  it("takes uint64's maximum as forever in a wider field, and still refuses milliseconds", function () {
    const max256 = 2n ** 256n - 1n;
    expect(assertSeconds("deadline", maxUint64, max256)).to.equal(maxUint64);
    expect(assertSeconds("deadline", max256, max256)).to.equal(max256);
    expect(() => assertSeconds("deadline", 1_900_000_000_000n, max256)).to.throw(
      InvalidParameterError,
      /milliseconds/,
    );
  });

  it("purposeHash: keccak256 of the label, zero for the unspecified purpose", function () {
    expect(purposeHash("")).to.equal(zeroHash);
    expect(purposeHash("onboarding")).to.equal(keccak256(stringToHex("onboarding")));
  });

  it("the error ABI holds every error of the contracts once per selector", function () {
    const names = new Set(grantKitErrorsAbi.map((e) => e.name));
    for (const item of accessGrantsAbi)
      if (item.type === "error") expect(names.has(item.name)).to.equal(true);
  });
});
