/**
 * eth_getLogs in chunks (`queryInChunks`, `getLogsInChunks`) and a contract's creation found with
 * `eth_getCode` (`findCreation`), against fake providers that refuse what public RPC providers
 * refuse: a log range over N blocks, or state older than the recent blocks.
 */
import { expect } from "chai";
import { getAddress, type Filter, type Log, type Provider } from "ethers";

import {
  CREATEX_ADDRESS,
  findCreation,
  getLogsInChunks,
  isRangeLimitError,
  queryInChunks,
} from "../scripts/lib/deployment.js";

/** A JSON-RPC error as ethers wraps it: the provider's code and message one level down. */
function rpcError(code: number, message: string): Error {
  return Object.assign(new Error("could not coalesce error"), {
    code: "UNKNOWN_ERROR",
    error: { code, message },
  });
}

interface FakeLog {
  blockNumber: number;
  transactionHash: string;
}

/** A chain of `latest + 1` blocks whose getLogs refuses ranges over `cap` blocks, as a provider does. */
function cappedProvider(latest: number, logs: FakeLog[], cap = Infinity) {
  const calls: [number, number][] = [];
  return {
    calls,
    getBlockNumber: async () => latest,
    getLogs: async (filter: Filter) => {
      const from = Number(filter.fromBlock);
      const to = Number(filter.toBlock);
      calls.push([from, to]);
      if (to - from + 1 > cap) throw rpcError(-32000, `query exceeds max block range ${cap}`);
      return logs.filter((l) => l.blockNumber >= from && l.blockNumber <= to) as unknown as Log[];
    },
  };
}

const log = (blockNumber: number): FakeLog => ({
  blockNumber,
  transactionHash: "0x" + blockNumber.toString(16).padStart(64, "0"),
});

describe("logs in chunks", function () {
  // Logs at the first and last block, at chunk edges and in between.
  const logs = [0, 1, 999, 1000, 1001, 9999, 10_000, 10_001, 23_456, 49_999, 50_000].map(log);

  for (const cap of [Infinity, 10_000, 1000, 7, 1]) {
    it(`returns exactly the logs of the whole range, in order, when ranges over ${cap} blocks are refused`, async function () {
      const provider = cappedProvider(50_000, logs, cap);
      const found = await getLogsInChunks(provider, { address: CREATEX_ADDRESS }, 0);
      expect(found.map((l) => l.blockNumber)).to.deep.equal(logs.map((l) => l.blockNumber));
      // Every block was asked for once among the accepted calls: no gap, no overlap.
      const accepted = provider.calls.filter(([from, to]) => to - from + 1 <= cap);
      let next = 0;
      for (const [from, to] of accepted) {
        expect(from).to.equal(next);
        next = to + 1;
      }
      expect(next).to.equal(50_001);
      // Once a size is accepted it is kept: a refusal costs a few calls, not one per chunk.
      const refused = provider.calls.length - accepted.length;
      expect(refused).to.be.at.most(14);
    });
  }

  it("reads a range that starts later and ends before the latest block", async function () {
    const provider = cappedProvider(50_000, logs, 1000);
    const found = await getLogsInChunks(provider, {}, 1000, 10_000);
    expect(found.map((l) => l.blockNumber)).to.deep.equal([1000, 1001, 9999, 10_000]);
  });

  it("propagates an error that is not a range refusal, after one call", async function () {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw rpcError(-32603, "connect ECONNREFUSED 127.0.0.1:8545");
    };
    let caught: unknown;
    await queryInChunks(0, 50_000, failing).catch((e: unknown) => (caught = e));
    expect(caught).to.be.instanceOf(Error);
    expect(JSON.stringify(caught)).to.include("ECONNREFUSED");
    expect(calls).to.equal(1);
  });

  it("propagates a range refusal of a single block", async function () {
    let caught: unknown;
    await queryInChunks(5, 8, async () => {
      throw rpcError(-32005, "query returned more than 10000 results");
    }).catch((e: unknown) => (caught = e));
    expect(isRangeLimitError(caught)).to.equal(true);
  });

  it("recognises the range refusals of common providers", function () {
    for (const [code, message] of [
      [-32000, "query exceeds max block range 1000"],
      [-32000, "block range is too large"],
      [-32005, "query returned more than 10000 results"],
      [
        -32602,
        "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
      ],
      [-32614, "eth_getLogs is limited to a 10,000 range"],
      [-32000, "exceed maximum block range: 5000"],
      [-32000, "too many blocks requested"],
    ] as const) {
      expect(isRangeLimitError(rpcError(code, message)), message).to.equal(true);
      // Hardhat's ProviderError carries the code and message at the top.
      expect(isRangeLimitError(Object.assign(new Error(message), { code })), message).to.equal(
        true,
      );
    }
    expect(isRangeLimitError(rpcError(-32603, "connect ECONNREFUSED 127.0.0.1:8545"))).to.equal(
      false,
    );
    expect(isRangeLimitError(new Error("missing trie node"))).to.equal(false);
  });

  it("takes no rate limit for a range limit: it propagates at once, the range unchanged", async function () {
    for (const [code, message] of [
      [-32005, "Limit exceeded"], // Hardhat's HTTP provider after its retries of a 429
      [-32005, "project ID request rate exceeded"],
      [429, "Too Many Requests"],
      [-32000, "Your app has exceeded its compute units per second capacity"],
    ] as const) {
      expect(isRangeLimitError(rpcError(code, message)), message).to.equal(false);
      let calls = 0;
      let caught: unknown;
      await queryInChunks(0, 50_000, async () => {
        calls++;
        throw rpcError(code, message);
      }).catch((e: unknown) => (caught = e));
      expect(JSON.stringify(caught), message).to.include(message);
      expect(calls, message).to.equal(1);
    }
  });
});

describe("findCreation", function () {
  const address = getAddress("0x2ee7174c8541e0dc33e645742526df5248b1ba6c");
  const deployer = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
  const topic = "0x" + address.slice(2).toLowerCase().padStart(64, "0");

  /**
   * A chain where CreateX created `address` at block `created`; `prunedBelow` makes getCode fail for
   * older blocks, as a node without archive state does; getLogs refuses ranges over `cap` blocks.
   */
  function chain(latest: number, created: number | null, prunedBelow = 0, cap = 1000) {
    const creation = created === null ? [] : [log(created)];
    const logs = cappedProvider(latest, creation, cap);
    const codeCalls: number[] = [];
    const provider = {
      ...logs,
      getLogs: async (filter: Filter) => {
        expect(filter.address).to.equal(CREATEX_ADDRESS);
        expect(filter.topics?.[1]).to.equal(topic);
        return logs.getLogs(filter);
      },
      getCode: async (_: string, block: number) => {
        codeCalls.push(block);
        if (block < prunedBelow) throw rpcError(-32000, "missing trie node");
        return created !== null && block >= created ? "0x6080" : "0x";
      },
      getTransaction: async (hash: string) => ({ hash, from: deployer }),
    };
    return { provider: provider as unknown as Provider, logCalls: logs.calls, codeCalls };
  }

  for (const [latest, created] of [
    [20_000_000, 19_999_997],
    [20_000_000, 12_345_678],
    [20_000_000, 0],
    [20_000_000, 20_000_000],
    [5, 2],
  ] as const) {
    it(`finds block ${created} of ${latest} with O(log n) getCode calls and one block of logs`, async function () {
      const { provider, logCalls, codeCalls } = chain(latest, created);
      expect(await findCreation(provider, address)).to.deep.equal({
        txHash: log(created).transactionHash,
        blockNumber: created,
        deployer,
      });
      expect(logCalls).to.deep.equal([[created, created]]);
      expect(codeCalls.length).to.be.at.most(2 * Math.ceil(Math.log2(latest + 2)) + 2);
    });
  }

  it("finds a fresh deployment within the recent state a non-archive node keeps", async function () {
    const { provider, codeCalls } = chain(20_000_000, 19_999_990, 20_000_000 - 128);
    expect((await findCreation(provider, address))?.blockNumber).to.equal(19_999_990);
    expect(Math.min(...codeCalls)).to.be.at.least(20_000_000 - 128);
  });

  it("falls back to the logs, in chunks, where old state is pruned", async function () {
    const { provider, logCalls } = chain(100_000, 3_000, 100_000 - 128, 1000);
    expect(await findCreation(provider, address)).to.deep.equal({
      txHash: log(3_000).transactionHash,
      blockNumber: 3_000,
      deployer,
    });
    expect(Math.max(...logCalls.map(([from, to]) => to - from + 1))).to.be.at.least(1000);
  });

  it("passes on any other error of a past block's code (a rate limit): no scan of the logs", async function () {
    const { provider, logCalls } = chain(100_000, 3_000);
    const throttled = {
      ...provider,
      getCode: async (address: string, block: number) => {
        if (block < 99_000) throw rpcError(-32005, "Limit exceeded");
        return provider.getCode(address, block);
      },
    } as unknown as Provider;
    let caught: unknown;
    await findCreation(throttled, address).catch((e: unknown) => (caught = e));
    expect(JSON.stringify(caught)).to.include("Limit exceeded");
    expect(logCalls).to.deep.equal([]);
  });

  it("finds the creation where the node reads some later blocks as empty (Hardhat's hardhat_mine)", async function () {
    const { provider } = chain(1000, 2);
    const gaps = {
      ...provider,
      getCode: async (address: string, block: number) =>
        block > 10 && block < 990 ? "0x" : provider.getCode(address, block),
    } as unknown as Provider;
    expect((await findCreation(gaps, address))?.blockNumber).to.equal(2);
  });

  it("is null without code at the address, or when CreateX did not create it", async function () {
    expect(await findCreation(chain(1000, null).provider, address)).to.equal(null);
    // Code since block 40 but no ContractCreation log (created some other way).
    const { provider } = chain(1000, 40);
    const noLog = { ...provider, getLogs: async () => [] } as unknown as Provider;
    expect(await findCreation(noLog, address)).to.equal(null);
  });

  it("is null for a creation before fromBlock", async function () {
    expect(await findCreation(chain(1000, 40).provider, address, 500)).to.equal(null);
    expect((await findCreation(chain(1000, 40).provider, address, 40))?.blockNumber).to.equal(40);
  });
});
