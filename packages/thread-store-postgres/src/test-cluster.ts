/**
 * Test support (the package's `./test-cluster` entry; not part of the public API): a database for
 * the tests. `CODEX_TS_TEST_PG_URL` names one (CI's cluster, or yours); without it a throw-away
 * cluster is made with the installed PostgreSQL binaries — `initdb` into a temp dir (as the
 * `postgres` user when we are root: postgres refuses to run as root), started on a free loopback
 * port, removed by `stop()`. Without binaries it fails with one message saying how to install them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

export const TEST_URL_ENV = "CODEX_TS_TEST_PG_URL";

export interface TestDatabase {
  url: string;
  /** Stops and removes the cluster this helper started (no-op for `CODEX_TS_TEST_PG_URL`). */
  stop(): Promise<void>;
}

const INSTALL_HINT =
  "PostgreSQL is needed by these tests and was not found (no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin). " +
  "Install it (Debian/Ubuntu: `apt-get install -y postgresql`; macOS: `brew install postgresql`) " +
  `or set ${TEST_URL_ENV}=postgres://user:password@127.0.0.1:5432/db to use a server you run.`;

/** The directory holding initdb/pg_ctl/postgres, or null. */
export function findPostgresBinDir(): string | null {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  try {
    candidates.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  } catch {
    // not on PATH
  }
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, "bin")));
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) if (dir) candidates.push(dir);
  return candidates.find((dir) => existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"))) ?? null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Runs a PostgreSQL binary, as the `postgres` user when we are root. Throws with its output on failure. */
function runPg(binDir: string, tool: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? "runuser" : path.join(binDir, tool);
  const argv = asRoot ? ["-u", "postgres", "--", path.join(binDir, tool), ...args] : args;
  const run = spawnSync(command, argv, { encoding: "utf8", cwd: "/", timeout: 120_000 });
  if (run.status !== 0) {
    throw new Error(`${tool} ${args.join(" ")} failed (${run.status ?? run.signal}): ${run.stderr || run.stdout || run.error?.message}`);
  }
}

/** A database for tests: `CODEX_TS_TEST_PG_URL`, or a fresh throw-away cluster. */
export async function startTestDatabase(): Promise<TestDatabase> {
  const given = process.env[TEST_URL_ENV];
  if (given) return { url: given, stop: async () => undefined };
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error(INSTALL_HINT);
  const dir = mkdtempSync(path.join(os.tmpdir(), "codex-ts-pg-"));
  const data = path.join(dir, "data");
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  try {
    runPg(binDir, "initdb", ["-D", data, "-U", "codex", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]);
    const options = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${dir}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
    ].join(" ");
    runPg(binDir, "pg_ctl", ["-D", data, "-l", path.join(dir, "log"), "-o", options, "-w", "-t", "60", "start"]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://codex@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        runPg(binDir, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
