/**
 * `registryConstructorArgs` refuses, with one GrantKitError naming the field, the value and the fix,
 * the deploy.config.ts values that would otherwise fail as an ethers TypeError, a RangeError or an
 * opaque revert inside CreateX.
 */
import { expect } from "chai";
import { ZeroHash, keccak256, toUtf8Bytes } from "ethers";

import type { NetworkDeployConfig } from "../deploy.config.js";
import { registryConstructorArgs } from "../scripts/lib/deployment.js";
import { GrantKitError, errorLine } from "../scripts/lib/errors.js";

const ADMIN = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const ISSUER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

function config(over: Partial<NetworkDeployConfig> = {}): NetworkDeployConfig {
  return {
    admin: ADMIN,
    adminDelaySeconds: 3 * 24 * 3600,
    registrars: [ADMIN],
    credentialTypes: ["kyc.basic", "aml.screening"],
    issuers: [
      {
        address: ISSUER,
        types: ["kyc.basic"],
        jurisdiction: "CH",
        metadataHash: keccak256(toUtf8Bytes("metadata v1")),
      },
    ],
    saltLabel: "grantkit.test.args",
    ...over,
  };
}

const issuer = (over: Partial<NetworkDeployConfig["issuers"][number]>) => ({
  issuers: [{ ...config().issuers[0]!, ...over }],
});

/** The one line the CLI prints for `registryConstructorArgs(c)`'s refusal. */
function refusal(c: NetworkDeployConfig): string {
  try {
    registryConstructorArgs(c);
  } catch (error) {
    expect(error).to.be.instanceOf(GrantKitError);
    return errorLine(error as GrantKitError);
  }
  expect.fail("not refused");
}

describe("registryConstructorArgs", function () {
  it("accepts a valid configuration, the bounds included", function () {
    expect(registryConstructorArgs(config())[0]).to.equal(259_200n);
    expect(registryConstructorArgs(config({ adminDelaySeconds: 0 }))[0]).to.equal(0n);
    expect(registryConstructorArgs(config({ adminDelaySeconds: 2 ** 48 - 1 }))[0]).to.equal(
      2n ** 48n - 1n,
    );
    const zero = registryConstructorArgs(config(issuer({ metadataHash: ZeroHash, validUntil: 0 })));
    expect(zero[4][0]!.metadataHash).to.equal(ZeroHash);
  });

  it("refuses a metadataHash that is not 32 bytes", function () {
    expect(refusal(config(issuer({ metadataHash: "hello" })))).to.equal(
      'issuers[0].metadataHash "hello" is not a 32-byte hash (fix it in deploy.config.ts: keccak256(toUtf8Bytes("<metadata document>")), or 0x and 64 zeros for none)',
    );
    expect(refusal(config(issuer({ metadataHash: "0x1234" })))).to.match(
      /^issuers\[0\]\.metadataHash "0x1234" is not a 32-byte hash/,
    );
  });

  it("refuses an adminDelaySeconds outside uint48", function () {
    for (const value of [-1, 2 ** 48, 1.5, Number.NaN]) {
      expect(refusal(config({ adminDelaySeconds: value }))).to.equal(
        `adminDelaySeconds ${value} is not a whole number from 0 to 2^48 - 1 (uint48) (fix it in deploy.config.ts: e.g. 259200 (3 days))`,
      );
    }
  });

  it("refuses an issuer's validity outside uint40", function () {
    expect(refusal(config(issuer({ validUntil: 2 ** 40 })))).to.match(
      /^issuers\[0\]\.validUntil 1099511627776 is not a whole number from 0 to 2\^40 - 1 \(uint40\)/,
    );
    expect(refusal(config(issuer({ validFrom: -5 })))).to.match(/^issuers\[0\]\.validFrom -5 /);
  });

  it("refuses a credential type listed twice, naming both positions", function () {
    const types = ["kyc.basic", "aml.screening", "kyc.basic"];
    expect(refusal(config({ credentialTypes: types }))).to.equal(
      'credentialTypes lists "kyc.basic" twice (credentialTypes[0] and credentialTypes[2]) (remove the duplicate in deploy.config.ts: a type is registered once)',
    );
  });

  it("refuses an issuer key listed twice, in any case", function () {
    const first = config().issuers[0]!;
    const second = { ...first, address: ISSUER.toLowerCase(), types: ["aml.screening"] };
    expect(refusal(config({ issuers: [first, second] }))).to.match(
      new RegExp(`^issuers lists "${ISSUER}" twice \\(issuers\\[0\\] and issuers\\[1\\]\\)`),
    );
  });
});
