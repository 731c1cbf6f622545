import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeResponsesServer, startFakeResponsesServer } from "@codex-ts/test-support";
import { afterEach, beforeAll, beforeEach } from "vitest";
import type { RunResult } from "./helpers.js";

/** The built binary, exactly as users (and @openai/codex-sdk) start it. */
export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "codex-ts.js");

export function requireBuilt(): void {
  beforeAll(() => {
    if (!existsSync(path.resolve(path.dirname(BIN), "..", "dist", "main.js"))) {
      throw new Error("apps/cli is not built: run `pnpm build` (turbo builds before `pnpm test`)");
    }
  });
}

export interface BinOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, then closed; undefined leaves stdin empty (closed). */
  stdin?: string;
  timeoutMs?: number;
}

/** Runs the built `codex-ts` with `argv` and collects its exit code and output. */
export function runBin(argv: readonly string[], options: BinOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? { PATH: process.env.PATH },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(options.stdin ?? "");
  });
}

export interface BinFixture {
  server: FakeResponsesServer;
  /** CODEX_HOME (created, empty). */
  home: string;
  /** A working directory with a `.git` folder (a real repo when `git: true`). */
  work: string;
  /** Environment for the binary: CODEX_HOME, HOME, PATH and the fake provider's key. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** `-c` flags pointing the default provider at the fake server. */
  providerArgs(): string[];
}

/** A fake model server and fresh CODEX_HOME / work directories for every test. */
export function useBinFixture(): BinFixture {
  requireBuilt();
  const fx = {} as BinFixture;
  beforeEach(async () => {
    fx.server = await startFakeResponsesServer();
    fx.home = realpathSync(mkdtempSync(path.join(tmpdir(), "cli-bin-home-")));
    fx.work = realpathSync(mkdtempSync(path.join(tmpdir(), "cli-bin-work-")));
    mkdirSync(path.join(fx.work, ".git"));
  });
  afterEach(async () => {
    await fx.server.close();
    rmSync(fx.home, { recursive: true, force: true });
    rmSync(fx.work, { recursive: true, force: true });
  });
  fx.env = (extra = {}) => ({ CODEX_HOME: fx.home, HOME: fx.home, FAKE_KEY: "k", PATH: process.env.PATH, SHELL: "/bin/bash", ...extra });
  fx.providerArgs = () => [
    "-c",
    `model_providers.fake={name="fake",base_url="${fx.server.url}",env_key="FAKE_KEY",wire_api="responses",request_max_retries=0,stream_max_retries=0}`,
    "-c",
    "model_provider=fake",
  ];
  return fx;
}
