/**
 * Drives the BUILT app-server (`bin/codex-ts-app-server.js`) as a subprocess over stdio.
 * Every line it writes is parsed and validated against the official schema; `close()` fails the
 * test if any message was invalid or stdout carried a non-protocol line.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { v2 } from "@codex-ts/protocol";
import { type FakeResponsesServer, startFakeResponsesServer, writeFakeProviderConfig as writeFakeConfig } from "@codex-ts/test-support";
import { afterEach, beforeEach } from "vitest";
import { DEFAULT_TIMEOUT, type Message, type Notification, RpcClient } from "./rpc-client.js";

export type { Message, Notification, RpcError, RpcResult, ServerRequestMessage } from "./rpc-client.js";

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(PACKAGE_DIR, "bin", "codex-ts-app-server.js");


export function makeTempDir(prefix = "codex-ts-app-server-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a config.toml that points the default provider at a fake Responses server. */
export function writeFakeProviderConfig(codexHome: string, baseUrl: string, extra = ""): void {
  writeFakeConfig(codexHome, baseUrl, { model: "gpt-test", extra });
}

export interface SpawnOptions {
  codexHome?: string;
  /** `app-server` options, e.g. `["--listen", "ws://127.0.0.1:0"]`. */
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export class AppServerProcess extends RpcClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly codexHome: string;
  ownsCodexHome: boolean;
  stderr = "";
  #exit: Promise<number | null>;

  constructor(options: SpawnOptions = {}) {
    super();
    this.ownsCodexHome = options.codexHome === undefined;
    this.codexHome = options.codexHome ?? makeTempDir("codex-home-");
    this.child = spawn(process.execPath, [BIN, ...(options.args ?? [])], {
      cwd: options.cwd ?? this.codexHome,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: this.codexHome,
        CODEX_HOME: this.codexHome,
        OPENAI_API_KEY: "test-key",
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => {
      this.stderr += chunk;
      this.wake();
    });
    this.child.stdin.on("error", () => {});
    this.#exit = new Promise((resolve) =>
      this.child.on("exit", (code) => {
        resolve(code);
        this.wake();
      }),
    );
    const lines = createInterface({ input: this.child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (line) => this.receive(line));
  }

  protected write(text: string): void {
    this.child.stdin.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  protected gone(): string | undefined {
    return this.child.exitCode !== null ? `server exited (${this.child.exitCode})` : undefined;
  }

  protected override diagnostics(): string {
    return `stderr:\n${this.stderr.slice(-4000)}`;
  }

  /** Resolves with the process's exit code once it exited. */
  get exited(): Promise<number | null> {
    return this.#exit;
  }

  /** Closes stdin (client disconnect) and waits for the exit code. */
  async close(timeoutMs = DEFAULT_TIMEOUT): Promise<number | null> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    const code = await this.#exit;
    clearTimeout(timer);
    return code;
  }

  #disposed: Promise<number | null> | undefined;

  /** close + assertClean + remove the temp CODEX_HOME it created. Later calls return the first result. */
  dispose(): Promise<number | null> {
    this.#disposed ??= this.#dispose();
    return this.#disposed;
  }

  async #dispose(): Promise<number | null> {
    let code: number | null = null;
    try {
      code = await this.close();
      this.assertClean();
    } finally {
      if (this.child.exitCode === null) this.child.kill("SIGKILL");
      if (this.ownsCodexHome) rmSync(this.codexHome, { recursive: true, force: true });
    }
    return code;
  }
}

export async function startServer(options: SpawnOptions = {}): Promise<AppServerProcess> {
  return new AppServerProcess(options);
}

/**
 * A server whose config points at `fakeUrl`, initialized with experimentalApi. The returned
 * process owns its CODEX_HOME unless `codexHome` is given.
 */
export async function startWithFakeModel(
  fakeUrl: string,
  options: FixtureBootOptions = {},
): Promise<AppServerProcess> {
  const home = options.codexHome ?? makeTempDir("codex-home-");
  writeFakeProviderConfig(home, fakeUrl, options.extraConfig ?? "");
  const server = new AppServerProcess({ codexHome: home, ...(options.env ? { env: options.env } : {}) });
  if (!options.codexHome) server.ownsCodexHome = true;
  await server.initialize(options.capabilities ?? { experimentalApi: true });
  return server;
}

/** The first item of `type` in `items`, narrowed to that variant. */
export function findItem<T extends v2.ThreadItemType>(
  items: readonly v2.ThreadItem[],
  type: T,
): Extract<v2.ThreadItem, { type: T }> | undefined {
  return items.find((item): item is Extract<v2.ThreadItem, { type: T }> => item.type === type);
}

/** Starts a thread and one turn; resolves with their ids once the turn completed. */
export async function runTurn(
  server: AppServerProcess,
  threadId: string,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<{ turnId: string; completed: Notification<"turn/completed"> }> {
  const { turn } = await server.call("turn/start", { threadId, input: [{ type: "text", text }], ...extra });
  const completed = await server.waitForNotification("turn/completed", (p) => p.turn.id === turn.id);
  return { turnId: turn.id, completed };
}

/** Whether bubblewrap can build a sandbox here (Linux with user namespaces); sandbox tests skip otherwise. */
export function bwrapWorks(): boolean {
  if (process.platform !== "linux") return false;
  try {
    execFileSync("bwrap", ["--ro-bind", "/", "/", "--unshare-net", "--dev", "/dev", "true"], { stdio: "ignore", timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

export interface FixtureBootOptions {
  /** CODEX_HOME for this server; default the fixture's `home`, shared by every boot in the test. */
  codexHome?: string;
  /** Appended to the fake-provider config.toml. */
  extraConfig?: string;
  /** `initialize` capabilities; default `{ experimentalApi: true }`. */
  capabilities?: Record<string, unknown>;
  /** Extra environment variables for the server process. */
  env?: Record<string, string>;
}

/** Per-test state of `useAppServerFixture`; reading a field outside a test throws. */
export interface AppServerFixture {
  /** A fake Responses server on 127.0.0.1, fresh for each test. */
  readonly fake: FakeResponsesServer;
  /** An empty temp directory for thread cwds. */
  readonly workDir: string;
  /** A temp CODEX_HOME; servers started with `boot` share it, so a restart sees the same state. */
  readonly home: string;
  /** An initialized server whose config.toml points at `fake`. */
  boot(options?: FixtureBootOptions): Promise<AppServerProcess>;
  /** An initialized server whose config.toml in `home` is exactly `configToml`. */
  bootWithConfig(configToml: string): Promise<AppServerProcess>;
  /** A server that is not initialized yet (its own CODEX_HOME unless `codexHome` is given). */
  spawn(options?: SpawnOptions): Promise<AppServerProcess>;
  /** Another temp directory, removed after the test. */
  tempDir(prefix: string): string;
  /** The raw `output` of the model's function_call_output for `callId`, from any request so far. */
  toolOutput(callId: string): unknown;
  /** `toolOutput` as text (non-string outputs as JSON), "" when there is none. */
  toolOutputText(callId: string): string;
}

interface FixtureState {
  fake: FakeResponsesServer;
  workDir: string;
  home: string;
  servers: AppServerProcess[];
  dirs: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Registers beforeEach/afterEach hooks that give each test a fake Responses server, a work dir and
 * a CODEX_HOME; after the test every server started through the fixture is disposed (failing the
 * test on invalid output), the fake server closed and the temp dirs removed. Hooks a file
 * registers after this call run after the fixture's setup, so they can use its fields.
 */
export function useAppServerFixture(): AppServerFixture {
  let state: FixtureState | undefined;
  const current = (): FixtureState => {
    if (!state) throw new Error("the app-server fixture is only available inside a test");
    return state;
  };
  const track = (server: AppServerProcess): AppServerProcess => {
    current().servers.push(server);
    return server;
  };

  beforeEach(async () => {
    const workDir = makeTempDir("codex-work-");
    const home = makeTempDir("codex-home-");
    state = { fake: await startFakeResponsesServer(), workDir, home, servers: [], dirs: [workDir, home] };
  });
  afterEach(async () => {
    const done = state;
    state = undefined;
    if (!done) return;
    const failures: unknown[] = [];
    for (const server of done.servers) await server.dispose().catch((error: unknown) => failures.push(error));
    await done.fake.close();
    for (const dir of done.dirs) rmSync(dir, { recursive: true, force: true });
    if (failures.length > 0) throw failures[0];
  });

  const toolOutput = (callId: string): unknown => {
    for (const request of current().fake.responsesRequests()) {
      const input: unknown = isRecord(request.body) ? request.body.input : undefined;
      if (!Array.isArray(input)) continue;
      const item: unknown = input.find((i: unknown) => isRecord(i) && i.type === "function_call_output" && i.call_id === callId);
      if (isRecord(item)) return item.output;
    }
    return undefined;
  };

  return {
    get fake() {
      return current().fake;
    },
    get workDir() {
      return current().workDir;
    },
    get home() {
      return current().home;
    },
    async boot(options = {}) {
      const { fake, home } = current();
      return track(await startWithFakeModel(fake.url, { codexHome: home, ...options }));
    },
    async bootWithConfig(configToml) {
      const { home } = current();
      writeFileSync(path.join(home, "config.toml"), configToml);
      const server = track(new AppServerProcess({ codexHome: home }));
      await server.initialize();
      return server;
    },
    async spawn(options = {}) {
      return track(new AppServerProcess(options));
    },
    tempDir(prefix) {
      const dir = makeTempDir(prefix);
      current().dirs.push(dir);
      return dir;
    },
    toolOutput,
    toolOutputText(callId) {
      const output = toolOutput(callId);
      if (output === undefined) return "";
      return typeof output === "string" ? output : JSON.stringify(output);
    },
  };
}
