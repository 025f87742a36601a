import { expect } from "chai";
import hre from "hardhat";
import type { InterfaceAbi } from "ethers";

import { ChainOutput, revertDecoder, type RevertDecoder } from "../scripts/lib/chain-output.js";

// Lines `hardhat node` printed for one of the demo's refusals (an eth_estimateGas that reverted).
const REFUSAL = [
  "  Contract call:       AccessGrants#extendLock",
  "  From:                0x976ea74026e726554db657fa54763abd0c3a0aa9",
  "  To:                  0x2ee7174c8541e0dc33e645742526df5248b1ba6c",
  "  Value:               0 ETH",
  "",
  "  Error: VM Exception while processing transaction: reverted with an unrecognized custom error (return data: 0xb51053127d0c501690c17b795a4a72dba14448a6bcfe8ee447aad8094a22c1bb0af8b305000000000000000000000000000000000000000000000000000000006d6b7636000000000000000000000000000000000000000000000000000000006bed232c)",
];

const DECODED =
  "AccessGrantsLockAfterExpiry(grantId: 0x7d0c501690c17b795a4a72dba14448a6bcfe8ee447aad8094a22c1bb0af8b305, requested: 1835759158, expiresAt: 1810703148)";

function feed(output: ChainOutput, lines: string[]): string[] {
  return lines.flatMap((l) => output.line(l));
}

describe("chain output (npm start)", function () {
  let decode: RevertDecoder;

  before(async function () {
    const abis: InterfaceAbi[] = [];
    for (const name of ["AccessGrants", "IssuerRegistry", "KycVault"]) {
      abis.push((await hre.artifacts.readArtifact(name)).abi as InterfaceAbi);
    }
    decode = revertDecoder(abis);
  });

  describe("revertDecoder", function () {
    it("names a custom error with its arguments", function () {
      expect(decode(REFUSAL[5]!.match(/0x[0-9a-f]{8,}/)![0])).to.equal(DECODED);
    });

    it("decodes errors shared by two contracts (OpenZeppelin's) once", function () {
      const data =
        "0xe2517d3f" + // AccessControlUnauthorizedAccount(address,bytes32)
        "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8" +
        "0000000000000000000000000000000000000000000000000000000000000000";
      expect(decode(data)).to.match(/^AccessControlUnauthorizedAccount\(account: 0x7099/);
    });

    it("returns undefined for a selector no ABI has", function () {
      expect(decode("0x12345678")).to.equal(undefined);
    });
  });

  describe("ChainOutput", function () {
    it("prints one line for a failed call, with the error's name and arguments", function () {
      const output = new ChainOutput({ verbose: false, decode, intended: () => false });
      expect(feed(output, REFUSAL)).to.deep.equal([
        `AccessGrants#extendLock from 0x976ea74026e726554db657fa54763abd0c3a0aa9 reverted with ${DECODED}`,
      ]);
    });

    it("says a refusal is intended while the demo provokes them, and counts it", function () {
      const counted: boolean[] = [];
      const output = new ChainOutput({
        verbose: false,
        decode,
        intended: () => true,
        onRefusal: (intended) => counted.push(intended),
      });
      const [line] = feed(output, REFUSAL);
      expect(line).to.match(/reverted with AccessGrantsLockAfterExpiry\(.*\) \(intended: /);
      expect(counted).to.deep.equal([true]);
    });

    it("names an error no ABI knows by its selector", function () {
      const output = new ChainOutput({ verbose: false, decode, intended: () => false });
      const [line] = feed(output, [
        "  Contract call:       <UnrecognizedContract>",
        "  Error: VM Exception while processing transaction: reverted with an unrecognized custom error (return data: 0x12345678)",
      ]);
      expect(line).to.equal(
        "<UnrecognizedContract> reverted with a custom error no GrantKit ABI knows (selector 0x12345678)",
      );
    });

    it("hides RPC method names, call details and the account list, summarising the accounts once", function () {
      const output = new ChainOutput({ verbose: false, decode, intended: () => false });
      const shown = feed(output, [
        "Started HTTP and WebSocket JSON-RPC server at http://127.0.0.1:8545/",
        "",
        "Accounts",
        "========",
        "",
        "WARNING: Funds sent on live network to accounts with publicly known private keys WILL BE LOST.",
        "",
        "Account #0:  0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266 (10000 ETH)",
        "Private Key: 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "Account #1:  0x70997970c51812dc3a010c7d01b50e0d17dc79c8 (10000 ETH)",
        "\u001b[32meth_sendTransaction\u001b[0m",
        "  Contract call:       AccessGrants#grantBatch",
        "  Transaction:         0x09828fde288838cc808d37330dc16c8f78cea1b5c3df670b05713a2eeb762379",
        "  Gas used:            2383020 of 2420254",
        "  Block #2:            0xc9268c718ad6870cd8c64b8edaccd347140c7c9db03a3e328c8c1fff321f7bce",
        "Mined empty block #3 with base fee 5795",
        "something the node says that we do not know",
      ]);
      expect(shown).to.have.length(3);
      expect(shown[0]).to.match(/^Started HTTP/);
      expect(shown[1]).to.match(/^dev accounts: .*#0 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266/);
      expect(shown[2]).to.equal("something the node says that we do not know");
    });

    it("prints every line when verbose, the error decoded in place", function () {
      const output = new ChainOutput({ verbose: true, decode, intended: () => false });
      const shown = feed(output, [...REFUSAL, "Private Key: 0xac09"]);
      expect(shown).to.deep.equal([
        REFUSAL[0],
        REFUSAL[1],
        REFUSAL[2],
        REFUSAL[3],
        `  Error: reverted with ${DECODED}`,
        "Private Key: 0xac09",
      ]);
    });
  });
});
