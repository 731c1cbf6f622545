/**
 * Shared pieces of the reliability suite: where the BUILT binaries are, throwaway CODEX_HOMEs
 * pointing at the fake Responses server, running `codex-ts exec` as a subprocess, finding
 * processes by a marker in their command line (orphans), and printing the suite's figures.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readRollout } from "@codex-ts/rollout";
import { type FakeResponsesServer, startFakeResponsesServer } from "@codex-ts/test-support";
import { afterAll, afterEach, beforeAll } from "vitest";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const CLI_BIN = path.join(REPO, "apps", "cli", "bin", "codex-ts.js");
export const APP_SERVER_BIN = path.join(REPO, "apps", "app-server", "bin", "codex-ts-app-server.js");

/** Fails early with a readable line when the binaries were not built. */
export function assertBuilt(): void {
  for (const dist of [
    path.join(REPO, "apps", "cli", "dist", "main.js"),
    path.join(REPO, "apps", "app-server", "dist", "server.cjs"),
  ]) {
    if (!existsSync(dist))
      throw new Error(`${dist} is missing: run \`pnpm build\` before the reliability suite`);
  }
}

const made: string[] = [];

/** A fresh real directory under the OS temp dir, removed by `cleanupDirs()`. */
export function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), `rel-${prefix}-`)));
  made.push(dir);
  return dir;
}

export function cleanupDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface HomeOptions {
  requestRetries?: number;
  streamRetries?: number;
  idleTimeoutMs?: number;
  /** Top-level TOML keys (before the provider table). */
  top?: string;
}

/** A CODEX_HOME whose default provider is the fake server, and a work dir with a `.git` folder. */
export function makeHome(baseUrl: string, options: HomeOptions = {}): { home: string; work: string } {
  const home = tempDir("home");
  const work = tempDir("work");
  mkdirSync(path.join(work, ".git"));
  writeFileSync(
    path.join(home, "config.toml"),
    [
      'model = "gpt-test"',
      'model_provider = "fake"',
      'approval_policy = "never"',
      'sandbox_mode = "danger-full-access"',
      options.top ?? "",
      "",
      "[model_providers.fake]",
      'name = "Fake"',
      `base_url = "${baseUrl}"`,
      'wire_api = "responses"',
      `request_max_retries = ${options.requestRetries ?? 0}`,
      `stream_max_retries = ${options.streamRetries ?? 0}`,
      options.idleTimeoutMs !== undefined ? `stream_idle_timeout_ms = ${options.idleTimeoutMs}` : "",
      "",
    ].join("\n"),
  );
  return { home, work };
}

export function binEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    CODEX_HOME: home,
    HOME: home,
    OPENAI_API_KEY: "k",
    PATH: process.env.PATH,
    SHELL: "/bin/bash",
    ...extra,
  };
}

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the process exited: its code (128 + n for a signal). */
  done: Promise<{ code: number; stdout: string; stderr: string; ms: number }>;
}

/** Starts `node <bin> ...argv` (stdin closed) and collects its output. `prefix` wraps the command (e.g. setpriv). */
export function startBin(
  bin: string,
  argv: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; prefix?: string[] },
): Run {
  const started = Date.now();
  const [cmd, ...pre] = options.prefix?.length ? options.prefix : [process.execPath];
  const args = options.prefix?.length ? [...pre, process.execPath, bin, ...argv] : [bin, ...argv];
  const child = spawn(cmd as string, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c) => {
    out += c;
  });
  child.stderr?.on("data", (c) => {
    err += c;
  });
  child.stdin?.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
  const done = new Promise<{ code: number; stdout: string; stderr: string; ms: number }>(
    (resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 + 9 : 1), stdout: out, stderr: err, ms: Date.now() - started });
      });
    },
  );
  return { child, stdout: () => out, stderr: () => err, done };
}

/** `codex-ts exec --json ...argv` to completion. */
export function runExec(
  argv: readonly string[],
  home: string,
  work: string,
  extra: { timeoutMs?: number; prefix?: string[]; env?: NodeJS.ProcessEnv } = {},
) {
  return startBin(CLI_BIN, ["exec", "--json", "--skip-git-repo-check", ...argv], {
    cwd: work,
    env: binEnv(home, extra.env),
    ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
    ...(extra.prefix ? { prefix: extra.prefix } : {}),
  }).done;
}

/** JSONL events printed by `exec --json`. */
export function events(stdout: string): Array<Record<string, any>> {
  return stdout
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, any>);
}

/** The thread id announced by `exec --json` (`thread.started`). */
export function threadIdOf(stdout: string): string | undefined {
  return events(stdout).find((e) => e.type === "thread.started")?.thread_id;
}

/** Pids of live processes whose command line contains `marker` (excluding this process). */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state !== "Z" && cmdline.includes(marker)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Polls until `check` is true or `timeoutMs` passed; returns the last value of `check`. */
export async function eventually(check: () => boolean, timeoutMs = 5_000, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}

/** Every rollout file under CODEX_HOME/sessions. */
export function rolloutFiles(home: string): string[] {
  const root = path.join(home, "sessions");
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(".jsonl")) out.push(full);
    }
  };
  walk(root);
  return out;
}

/** Reads a rollout with @codex-ts/rollout's reader; throws when it cannot be loaded. */
export async function loadRollout(file: string) {
  const r = await readRollout(file);
  if (!r.ok) throw new Error(`rollout ${file} does not load: ${JSON.stringify(r.error)}`);
  return r.value;
}

/** Prints one figure of the suite (the README explains them). */
export function figure(name: string, value: unknown): void {
  process.stdout.write(
    `[reliability] ${name}: ${typeof value === "string" ? value : JSON.stringify(value)}\n`,
  );
}

/**
 * The setup of a fault suite over the built binaries: one fake model server per test (closed, with
 * the test's temp dirs, after it), and a tally of faults survived printed as a figure after the file.
 */
export function useFaultSuite(figureName: string, total: number) {
  const suite = {
    survived: 0,
    server: undefined as FakeResponsesServer | undefined,
    async start(options: Parameters<typeof startFakeResponsesServer>[0]): Promise<FakeResponsesServer> {
      suite.server = await startFakeResponsesServer(options);
      return suite.server;
    },
  };
  beforeAll(assertBuilt);
  afterEach(async () => {
    await suite.server?.close();
    suite.server = undefined;
    cleanupDirs();
  });
  afterAll(() => figure(figureName, `${suite.survived}/${total}`));
  return suite;
}
