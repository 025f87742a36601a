/**
 * A JSON-RPC proxy in front of a node that refuses `eth_getLogs` over more than `maxBlocks` blocks,
 * as public RPC providers do ("query exceeds max block range 1000"); every other call passes through.
 * It counts the refusals, so a test can tell the cap was met.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

interface RpcRequest {
  id: unknown;
  method: string;
  params?: unknown[];
}

export interface LogCapProxy {
  url: string;
  /** eth_getLogs calls refused for their range. */
  refused: number;
  /** eth_getLogs calls passed to the node. */
  passed: number;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return text;
}

export async function startLogCapProxy(upstream: string, maxBlocks: number): Promise<LogCapProxy> {
  const forward = async (request: RpcRequest): Promise<unknown> => {
    const res = await fetch(upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    return res.json();
  };
  const blockOf = async (tag: unknown): Promise<number> => {
    if (typeof tag === "string" && tag.startsWith("0x")) return Number(tag);
    if (tag === "earliest") return 0;
    const latest = (await forward({ id: 0, method: "eth_blockNumber", params: [] })) as {
      result: string;
    };
    return Number(latest.result);
  };
  const proxy: LogCapProxy = { url: "", refused: 0, passed: 0, close: async () => {} };
  const answer = async (request: RpcRequest): Promise<unknown> => {
    if (request.method === "eth_getLogs") {
      const filter = (request.params?.[0] ?? {}) as { fromBlock?: unknown; toBlock?: unknown };
      const blocks = (await blockOf(filter.toBlock)) - (await blockOf(filter.fromBlock)) + 1;
      if (blocks > maxBlocks) {
        proxy.refused++;
        const message = `query exceeds max block range ${maxBlocks}`;
        return { jsonrpc: "2.0", id: request.id, error: { code: -32000, message } };
      }
      proxy.passed++;
    }
    return forward(request);
  };
  const server = createServer((req, res) => {
    void (async () => {
      const parsed = JSON.parse(await body(req)) as RpcRequest | RpcRequest[];
      const reply = Array.isArray(parsed)
        ? await Promise.all(parsed.map(answer))
        : await answer(parsed);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(reply));
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
