import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { deployGrantKit } from "../scripts/lib/deploy.js";
import { writeDeployment, type DeploymentRecord } from "../scripts/lib/deployment.js";
import { GrantKitError } from "../scripts/lib/errors.js";
import {
  DeploymentRecordError,
  readRecordFile,
  recordProblems,
  type RecordProblem,
} from "../deployments/record-schema.js";
import { testConfig } from "./helpers/deploy.js";

/** A deep copy of `record` with `edit` applied. */
function changed(record: DeploymentRecord, edit: (r: Record<string, any>) => void): unknown {
  const copy = structuredClone(record) as unknown as Record<string, any>;
  edit(copy);
  return copy;
}

function fields(problems: RecordProblem[]): string[] {
  return problems.map((p) => p.field);
}

describe("deployment record schema", function () {
  let record: DeploymentRecord;
  let dir: string;

  before(async function () {
    // The deploy compiles the production build first when the artifacts on disk are the test
    // profile's (as under `hardhat test`): about 30 s of viaIR on a quiet 2-core machine, 100 s on a
    // loaded one.
    this.timeout(300_000);
    // The record the deploy toolkit really builds, examples included.
    const connection = await network.create();
    const [admin] = await connection.ethers.getSigners();
    record = await deployGrantKit(connection, {
      config: testConfig(admin!.address),
      write: false,
      examples: true,
    });
    await connection.close();
  });

  beforeEach(function () {
    dir = mkdtempSync(path.join(tmpdir(), "grantkit-records-"));
  });

  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  describe("recordProblems", function () {
    it("accepts the record the deploy toolkit builds, with and without KycVault", function () {
      expect(record.contracts.KycVault, "fixture has the example").to.not.equal(undefined);
      expect(recordProblems(record)).to.deep.equal([]);
      expect(recordProblems(changed(record, (r) => delete r.contracts.KycVault))).to.deep.equal([]);
    });

    it("accepts fields it does not know (readers ignore them)", function () {
      expect(recordProblems(changed(record, (r) => (r.note = "hello")))).to.deep.equal([]);
    });

    const cases: [string, (r: Record<string, any>) => void, string, RegExp][] = [
      [
        "a missing contract",
        (r) => delete r.contracts.IssuerRegistry,
        "contracts.IssuerRegistry",
        /is missing/,
      ],
      ["a missing field", (r) => delete r.salt, "salt", /is missing/],
      [
        "a missing start block",
        (r) => delete r.contracts.AccessGrants.blockNumber,
        "contracts.AccessGrants.blockNumber",
        /is missing/,
      ],
      [
        "a short address",
        (r) => (r.contracts.AccessGrants.address = "0x12"),
        "contracts.AccessGrants.address",
        /0x and 40 hex digits.*got "0x12"/,
      ],
      ["a chain id as a string", (r) => (r.chainId = "31337"), "chainId", /must be integer/],
      ["chain id 0", (r) => (r.chainId = 0), "chainId", /must be >= 1/],
      ["a chain id over int4", (r) => (r.chainId = 2 ** 31), "chainId", /must be <= 2147483647/],
      ["another format", (r) => (r.format = 2), "format", /must be 1 \(got 2\)/],
      [
        "a fractional block",
        (r) => (r.contracts.IssuerRegistry.blockNumber = 1.5),
        "contracts.IssuerRegistry.blockNumber",
        /must be integer/,
      ],
      ["a network name that is a path", (r) => (r.network = "../x"), "network", /letters, digits/],
      ["a branch name as commit", (r) => (r.gitCommit = "main"), "gitCommit", /hex digits/],
      [
        "odd constructor arguments",
        (r) => (r.contracts.AccessGrants.constructorArgs = "0x123"),
        "contracts.AccessGrants.constructorArgs",
        /even number/,
      ],
      [
        "a string for viaIR",
        (r) => (r.compiler.viaIR = "yes"),
        "compiler.viaIR",
        /must be boolean/,
      ],
      [
        "a contract name that is no identifier",
        (r) => (r.contracts["access-grants"] = r.contracts.AccessGrants),
        "contracts.access-grants",
        /not a contract name/,
      ],
      ["no contracts at all", (r) => (r.contracts = []), "contracts", /must be object/],
    ];
    for (const [what, edit, field, problem] of cases) {
      it(`names ${field} for ${what}`, function () {
        const problems = recordProblems(changed(record, edit));
        const hit = problems.find((p) => p.field === field);
        expect(hit, `problems: ${JSON.stringify(problems)}`).to.not.equal(undefined);
        expect(hit!.problem).to.match(problem);
      });
    }

    it("lists every problem of a partial record, one per field", function () {
      const problems = recordProblems({ format: 1, network: "localhost", chainId: 31337 });
      expect(fields(problems)).to.have.members([
        "createX",
        "salt",
        "compiler",
        "gitCommit",
        "contracts",
      ]);
    });
  });

  describe("readRecordFile", function () {
    it("returns a valid record", function () {
      const file = path.join(dir, "localhost.json");
      writeFileSync(file, JSON.stringify(record));
      expect(readRecordFile(file)).to.deep.equal(JSON.parse(JSON.stringify(record)));
    });

    it("names the file and the field of a partial record, with what to do", function () {
      const file = path.join(dir, "partial.json");
      writeFileSync(
        file,
        JSON.stringify(changed(record, (r) => delete r.contracts.AccessGrants.txHash)),
      );
      expect(() => readRecordFile(file))
        .to.throw(DeploymentRecordError)
        .with.property("message")
        .that.matches(/partial\.json: contracts\.AccessGrants\.txHash is missing/)
        .and.matches(/npm run deploy/);
    });

    it("names the file of a record that is not JSON", function () {
      const file = path.join(dir, "broken.json");
      writeFileSync(file, '{"format": 1,');
      expect(() => readRecordFile(file)).to.throw(/broken\.json: is not JSON/);
    });
  });

  describe("writeDeployment", function () {
    let previous: string | undefined;
    beforeEach(function () {
      previous = process.env.GRANTKIT_DEPLOYMENTS_DIR;
      process.env.GRANTKIT_DEPLOYMENTS_DIR = dir;
    });
    afterEach(function () {
      if (previous === undefined) delete process.env.GRANTKIT_DEPLOYMENTS_DIR;
      else process.env.GRANTKIT_DEPLOYMENTS_DIR = previous;
    });

    it("writes a valid record that reads back valid", function () {
      const file = writeDeployment(record);
      expect(readRecordFile(file)).to.deep.equal(JSON.parse(JSON.stringify(record)));
    });

    it("refuses a record that does not match the schema, naming the field, and writes nothing", function () {
      const bad = changed(record, (r) => (r.contracts.AccessGrants.blockNumber = -1));
      expect(() => writeDeployment(bad as DeploymentRecord))
        .to.throw(GrantKitError)
        .with.property("message")
        .that.matches(/contracts\.AccessGrants\.blockNumber must be >= 0/);
      expect(existsSync(path.join(dir, `${record.network}.json`))).to.equal(false);
    });
  });

  it("the schema file is draft 2020-12", function () {
    const schema = JSON.parse(
      readFileSync(new URL("../deployments/record.schema.json", import.meta.url), "utf8"),
    ) as { $schema: string };
    expect(schema.$schema).to.equal("https://json-schema.org/draft/2020-12/schema");
  });
});
