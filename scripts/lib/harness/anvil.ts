/**
 * An anvil node (from `@foundry-rs/anvil`) for the fault suite: started from the native binary, in a
 * process group of its own, on a fixed loopback port with `--state <file>`, so that it can be stopped
 * (SIGTERM writes the state) and started again with the same chain: same blocks, same hashes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import { JsonRpcProvider, toQuantity } from "ethers";

import { ROOT } from "../deployment.js";
import { freePort, signalGroup } from "../processes.js";
import { waitRpcUp } from "./node.js";
import { sleep } from "./model/rng.js";

function anvilBinary(): string {
  const os = process.platform;
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const exe = os === "win32" ? "anvil.exe" : "anvil";
  return path.join(ROOT, "node_modules", "@foundry-rs", `anvil-${os}-${arch}`, "bin", exe);
}

/**
 * An anvil node on a fixed loopback port, started from the native binary (the `npx anvil` wrapper
 * forwards only SIGINT/SIGTERM), with `--state <file>` so that a stop and a start keep the chain.
 */
export class Anvil {
  private child: ChildProcess | null = null;
  private lines: string[] = [];
  readonly url: string;
  readonly provider: JsonRpcProvider;

  private constructor(
    readonly port: number,
    readonly stateFile: string,
    readonly chainId: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.provider = new JsonRpcProvider(this.url, chainId, { staticNetwork: true });
  }

  static async start(stateFile: string, chainId = 31337): Promise<Anvil> {
    const anvil = new Anvil(await freePort(), stateFile, chainId);
    await anvil.up();
    return anvil;
  }

  /** Starts the process (again, on the same port and state file) and waits until it answers. */
  async up(): Promise<void> {
    const args = [
      ["--host", "127.0.0.1", "--port", String(this.port), "--chain-id", String(this.chainId)],
      ["--accounts", "20", "--gas-limit", "300000000", "--state", this.stateFile],
    ].flat();
    const child = spawn(anvilBinary(), args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.child = child;
    const keep = (d: Buffer) => {
      for (const line of d.toString().split("\n")) if (line.trim()) this.lines.push(line);
      if (this.lines.length > 500) this.lines.splice(0, this.lines.length - 500);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    await waitRpcUp(this.url, child, () => this.logTail(), 30_000, "anvil");
  }

  running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Raw JSON-RPC, with a timeout (a paused node never answers). */
  async rpc<T>(method: string, params: unknown[], timeoutMs = 30_000): Promise<T> {
    const res = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  }

  async head(): Promise<number> {
    return Number(await this.rpc<string>("eth_blockNumber", []));
  }

  async blockHash(n: number): Promise<string> {
    const b = await this.rpc<{ hash: string } | null>("eth_getBlockByNumber", [
      toQuantity(n),
      false,
    ]);
    return b?.hash ?? "";
  }

  /** Stops the process group; SIGTERM makes anvil write its state file first. */
  async down(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child || !this.running()) return;
    const exited = new Promise((r) => child.once("exit", r));
    signalGroup(child, signal);
    await Promise.race([exited, sleep(15_000)]);
    if (this.running()) {
      signalGroup(child, "SIGKILL");
      await exited;
    }
  }

  async stop(): Promise<void> {
    this.provider.destroy();
    await this.down("SIGKILL");
  }

  logTail(n = 20): string {
    return this.lines.slice(-n).join("\n");
  }
}
