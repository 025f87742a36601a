/**
 * A local stand-in for the explorers `npm run verify` talks to, answering as their APIs do: the
 * Etherscan v2 API (`/etherscan/v2/api`: getsourcecode, verifysourcecode, checkverifystatus, with
 * `chainid` and `apikey`), a Blockscout instance's Etherscan-compatible API (`/blockscout/api`) and
 * Sourcify's v2 API (`/sourcify/v2/...`). It records every submission for the tests to inspect, and
 * answers "verified" to what was submitted.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

import type { Explorer } from "../../scripts/lib/deployment.js";

export interface Submission {
  explorer: Explorer;
  /** Lower-case address. */
  address: string;
  /** `project/contracts/AccessGrants.sol:AccessGrants`, as the plugin names it. */
  contractName: string;
  compilerVersion: string;
  /** The standard-JSON input, parsed. */
  input: { language: string; sources: Record<string, unknown>; settings: Record<string, unknown> };
  /** Unprefixed hex (Etherscan, Blockscout). */
  constructorArguments?: string;
  /** Etherscan's `chainid` (v2 API) or Sourcify's path chain id. */
  chainId?: string;
  apiKey?: string;
  /** Sourcify's creationTransactionHash. */
  creationTxHash?: string;
}

export interface ExplorerStandIn {
  etherscanApiUrl: string;
  blockscoutApiUrl: string;
  sourcifyApiUrl: string;
  submissions: Submission[];
  stop(): Promise<void>;
}

export async function startExplorerStandIn(port: number): Promise<ExplorerStandIn> {
  const submissions: Submission[] = [];
  const verified = new Set<string>(); // `${explorer}:${address}`
  const jobs = new Map<string, Submission>();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = "";
      req.on("data", (d: Buffer) => (data += d.toString()));
      req.on("end", () => resolve(data));
    });

  async function etherscanLike(
    explorer: "etherscan" | "blockscout",
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
  ) {
    const ok = (result: unknown) => json(res, 200, { status: "1", message: "OK", result });
    const notOk = (result: string) => json(res, 200, { status: "0", message: "NOTOK", result });
    if (explorer === "etherscan") {
      // The v2 API needs both.
      if (!query.get("apikey")) return notOk("Missing/Invalid API Key");
      if (!query.get("chainid")) return notOk("Missing chainid parameter (required for v2 api)");
    }
    const action = query.get("action");
    if (query.get("module") !== "contract") return notOk("Error! Missing Or invalid Module name");
    if (req.method === "GET" && action === "getsourcecode") {
      const address = (query.get("address") ?? "").toLowerCase();
      const done = verified.has(`${explorer}:${address}`);
      return ok([{ SourceCode: done ? "{...}" : "", ABI: "", ContractName: "" }]);
    }
    if (req.method === "POST" && action === "verifysourcecode") {
      const form = new URLSearchParams(await readBody(req));
      if (form.get("codeformat") !== "solidity-standard-json-input") {
        return notOk("Invalid codeformat");
      }
      let input: Submission["input"];
      try {
        input = JSON.parse(form.get("sourceCode") ?? "") as Submission["input"];
      } catch {
        return notOk("Invalid sourceCode: not JSON");
      }
      const submission: Submission = {
        explorer,
        address: (form.get("contractaddress") ?? "").toLowerCase(),
        contractName: form.get("contractname") ?? "",
        compilerVersion: form.get("compilerversion") ?? "",
        input,
        constructorArguments:
          form.get("constructorArguements") ?? form.get("constructorArguments") ?? "",
        ...(query.get("chainid") ? { chainId: query.get("chainid")! } : {}),
        ...(query.get("apikey") ? { apiKey: query.get("apikey")! } : {}),
      };
      submissions.push(submission);
      const guid = randomUUID();
      jobs.set(guid, submission);
      return ok(guid);
    }
    if (req.method === "GET" && action === "checkverifystatus") {
      const job = jobs.get(query.get("guid") ?? "");
      if (!job) return notOk("Fail - Unable to verify. Unknown guid");
      verified.add(`${explorer}:${job.address}`);
      return ok("Pass - Verified");
    }
    return notOk(`unsupported: ${req.method} ${action}`);
  }

  async function sourcify(req: IncomingMessage, res: ServerResponse, parts: string[]) {
    // parts: ["v2", "contract", chainId, address] | ["v2", "verify", chainId, address] | ["v2", "verify", id]
    if (req.method === "GET" && parts[1] === "contract" && parts.length === 4) {
      const [, , chainId, address] = parts as [string, string, string, string];
      const done = verified.has(`sourcify:${address.toLowerCase()}`);
      const match = done ? "exact_match" : null;
      return json(res, done ? 200 : 404, {
        match,
        creationMatch: match,
        runtimeMatch: match,
        chainId,
        address,
      });
    }
    if (req.method === "POST" && parts[1] === "verify" && parts.length === 4) {
      const [, , chainId, address] = parts as [string, string, string, string];
      const body = JSON.parse(await readBody(req)) as {
        stdJsonInput: Submission["input"];
        compilerVersion: string;
        contractIdentifier: string;
        creationTransactionHash?: string;
      };
      const submission: Submission = {
        explorer: "sourcify",
        address: address.toLowerCase(),
        contractName: body.contractIdentifier,
        compilerVersion: body.compilerVersion,
        input: body.stdJsonInput,
        chainId,
        ...(body.creationTransactionHash ? { creationTxHash: body.creationTransactionHash } : {}),
      };
      submissions.push(submission);
      const verificationId = randomUUID();
      jobs.set(verificationId, submission);
      return json(res, 202, { verificationId });
    }
    if (req.method === "GET" && parts[1] === "verify" && parts.length === 3) {
      const job = jobs.get(parts[2]!);
      if (!job) {
        return json(res, 404, { customCode: "not_found", message: "no such job", errorId: "1" });
      }
      verified.add(`sourcify:${job.address}`);
      return json(res, 200, {
        isJobCompleted: true,
        verificationId: parts[2],
        jobStartTime: new Date().toISOString(),
        contract: {
          match: "exact_match",
          creationMatch: "exact_match",
          runtimeMatch: "exact_match",
          chainId: job.chainId,
          address: job.address,
        },
      });
    }
    return json(res, 404, { customCode: "not_found", message: "unsupported", errorId: "2" });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const parts = url.pathname.split("/").filter((p) => p !== "");
    const handle =
      parts[0] === "etherscan"
        ? etherscanLike("etherscan", req, res, url.searchParams)
        : parts[0] === "blockscout"
          ? etherscanLike("blockscout", req, res, url.searchParams)
          : parts[0] === "sourcify"
            ? sourcify(req, res, parts.slice(1))
            : Promise.resolve(json(res, 404, { error: "unknown explorer" }));
    handle.catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${port}`;
  return {
    etherscanApiUrl: `${base}/etherscan/v2/api`,
    blockscoutApiUrl: `${base}/blockscout/api`,
    sourcifyApiUrl: `${base}/sourcify`,
    submissions,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
