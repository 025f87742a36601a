/**
 * Helpers to run docs/deploy.md's walkthrough as a deployer would: its commands read from the doc, run
 * in a copy of the repository (a fresh clone's files, node_modules linked) with a keystore of their
 * own, answering the keystore's prompts on standard input; and anvil standing in for a public chain.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { ROOT } from "../../scripts/lib/deployment.js";
import {
  freePort,
  startRpcNode,
  type CliResult,
  type LocalNode,
} from "../../scripts/lib/harness/node.js";

export interface Walkthrough {
  /** Shell commands, in order. */
  commands: string[];
  /** The deploy.config.ts entry the doc shows. */
  configEntry: string;
}

/** The commands and the configuration entry of a doc section, in order. */
export function readWalkthrough(docFile: string, heading: string): Walkthrough {
  const doc = readFileSync(docFile, "utf8");
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section "${heading}" in ${docFile}`);
  const next = doc.indexOf("\n## ", start + 1);
  const section = doc.slice(start, next < 0 ? undefined : next);
  const commands: string[] = [];
  let configEntry = "";
  for (const m of section.matchAll(/```(sh|ts)\n([\s\S]*?)```/g)) {
    if (m[1] === "ts") {
      configEntry += m[2];
      continue;
    }
    for (const line of m[2]!.split("\n")) {
      const command = line.replace(/\s+#.*$/, "").trim();
      if (command !== "" && !command.startsWith("#")) commands.push(command);
    }
  }
  return { commands, configEntry };
}

/** A copy of the repository's tracked (and staged) files, with node_modules linked, as a clone has. */
export function copyRepository(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "grantkit-clone-"));
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .split("\n")
    .filter((f) => f !== "");
  for (const file of files) {
    const from = path.join(ROOT, file);
    const to = path.join(dir, file);
    mkdirSync(path.dirname(to), { recursive: true });
    try {
      cpSync(from, to);
    } catch {
      // deleted in the work tree but still in the index
    }
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

/** Inserts an entry into deploy.config.ts's `deployConfig`, as the doc tells the deployer to. */
export function addConfigEntry(repo: string, entry: string): void {
  const file = path.join(repo, "deploy.config.ts");
  const source = readFileSync(file, "utf8");
  const anchor = "export const deployConfig: Record<string, NetworkDeployConfig> = {\n";
  if (!source.includes(anchor)) throw new Error("deploy.config.ts has no deployConfig object");
  writeFileSync(file, source.replace(anchor, anchor + entry));
}

/**
 * Runs a shell command in `cwd` and answers prompts: `answer(prompt)` returns the line to type when
 * the output ends with a prompt it knows (e.g. "Enter the password: "), or undefined; with `last`,
 * standard input is closed after it (a process that read from a pipe stays alive until its end).
 */
export function runInteractive(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  answer: (prompt: string) => { line: string; last?: boolean } | undefined,
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", command], {
      cwd,
      env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    child.stdin?.on("error", () => {}); // the process may exit before reading
    let stdout = "";
    let stderr = "";
    let answered = 0; // output length up to the last prompt answered
    const onOutput = () => {
      const all = stdout + stderr;
      const tail = all.slice(answered);
      const m = /([^\n\]]+): $/.exec(tail);
      if (!m) return;
      const reply = answer(m[1]!.trim());
      if (reply === undefined) return;
      answered = all.length;
      child.stdin?.write(reply.line + "\n");
      if (reply.last) child.stdin?.end();
    };
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      onOutput();
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
      onOutput();
    });
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal ? 137 : 1), stdout, stderr }),
    );
  });
}

/** anvil on a free loopback port with the given chain id (a stand-in for a public chain). */
export async function startAnvil(chainId: number): Promise<LocalNode> {
  const port = await freePort();
  return startRpcNode(
    "anvil",
    ["anvil", "--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId)],
    port,
  );
}
