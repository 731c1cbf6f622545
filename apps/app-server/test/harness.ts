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
import type { RequestId, v2 } from "@codex-ts/protocol";
import { type FakeResponsesServer, startFakeResponsesServer, writeFakeProviderConfig as writeFakeConfig } from "@codex-ts/test-support";
import { afterEach, beforeEach } from "vitest";
import { validateServerMessage } from "./schema.js";

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(PACKAGE_DIR, "bin", "codex-ts-app-server.js");

export type Message = Record<string, any>;
/** A notification the server sent, typed by its method. */
export interface Notification<M extends v2.ServerNotificationMethod = v2.ServerNotificationMethod> {
  method: M;
  params: v2.ServerNotificationParams<M>;
}
/** A request the server sent the client, typed by its method. */
export interface ServerRequestMessage<M extends v2.ServerRequestMethod = v2.ServerRequestMethod> {
  id: RequestId;
  method: M;
  params: v2.ServerRequestParams<M>;
}
export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}
/** A response: `result` typed by the method when it is a known one. */
export interface RpcResult<R = unknown> {
  result?: R;
  error?: RpcError;
}
type ResponseOf<M extends string> = M extends v2.ClientRequestMethod ? v2.ClientRequestResponse<M> : unknown;

const DEFAULT_TIMEOUT = 30_000;

export function makeTempDir(prefix = "codex-ts-app-server-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a config.toml that points the default provider at a fake Responses server. */
export function writeFakeProviderConfig(codexHome: string, baseUrl: string, extra = ""): void {
  writeFakeConfig(codexHome, baseUrl, { model: "gpt-test", extra });
}

export interface SpawnOptions {
  codexHome?: string;
  env?: Record<string, string>;
  cwd?: string;
}

export class AppServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly codexHome: string;
  ownsCodexHome: boolean;
  /** Every message received, in order. */
  readonly messages: Message[] = [];
  readonly schemaProblems: string[] = [];
  readonly nonProtocolLines: string[] = [];
  stderr = "";
  readonly #methodOfId = new Map<unknown, string>();
  readonly #waiters = new Set<() => void>();
  #nextId = 1000;
  #exit: Promise<number | null>;
  /** Answers server requests automatically when set; otherwise they wait for `respond`. */
  autoRespond: ((request: Message) => unknown) | undefined;

  constructor(options: SpawnOptions = {}) {
    this.ownsCodexHome = options.codexHome === undefined;
    this.codexHome = options.codexHome ?? makeTempDir("codex-home-");
    this.child = spawn(process.execPath, [BIN], {
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
    });
    this.child.stdin.on("error", () => {});
    this.#exit = new Promise((resolve) =>
      this.child.on("exit", (code) => {
        resolve(code);
        for (const wake of [...this.#waiters]) wake();
      }),
    );
    const lines = createInterface({ input: this.child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (line) => this.#onLine(line));
  }

  #onLine(line: string): void {
    let message: Message;
    try {
      message = JSON.parse(line) as Message;
    } catch {
      this.nonProtocolLines.push(line);
      return;
    }
    const problems = validateServerMessage(message, (id) => this.#methodOfId.get(id));
    for (const problem of problems) this.schemaProblems.push(`${problem}\n  in ${line.slice(0, 2000)}`);
    this.messages.push(message);
    if (typeof message.method === "string" && "id" in message && this.autoRespond) {
      const answer = this.autoRespond(message);
      if (answer !== undefined) this.respond(message.id, answer);
    }
    for (const wake of [...this.#waiters]) wake();
  }

  /** Tells the validator which method an id sent through `sendRaw` belongs to. */
  trackRequest(id: unknown, method: string): void {
    this.#methodOfId.set(id, method);
  }

  sendRaw(line: string): void {
    this.child.stdin.write(line.endsWith("\n") ? line : `${line}\n`);
  }

  send(message: object): void {
    const m = message as Message;
    if ("id" in m && typeof m.method === "string") this.#methodOfId.set(m.id, m.method);
    this.sendRaw(JSON.stringify(message));
  }

  /** Sends a request and resolves with its response (result or error). */
  async request<M extends string>(method: M, params?: unknown, timeoutMs = DEFAULT_TIMEOUT): Promise<RpcResult<ResponseOf<M>>> {
    const id = this.#nextId++;
    this.#methodOfId.set(id, method);
    this.send(params === undefined ? { id, method } : { id, method, params });
    const response = await this.waitFor((m) => m.id === id && !("method" in m), timeoutMs, `response to ${method}`);
    return response.error ? { error: response.error } : { result: response.result };
  }

  /** Like `request` but fails on an error response. */
  async call<M extends v2.ClientRequestMethod>(method: M, params?: unknown, timeoutMs = DEFAULT_TIMEOUT): Promise<v2.ClientRequestResponse<M>> {
    const response = await this.request(method, params, timeoutMs);
    if (response.error) throw new Error(`${method} failed: ${JSON.stringify(response.error)}`);
    return response.result as v2.ClientRequestResponse<M>;
  }

  notify(method: string, params?: unknown): void {
    this.send(params === undefined ? { method } : { method, params });
  }

  respond(id: unknown, result: unknown): void {
    this.send({ id, result });
  }

  respondError(id: unknown, code: number, message: string): void {
    this.send({ id, error: { code, message } });
  }

  async initialize(capabilities: Record<string, unknown> = { experimentalApi: true }): Promise<v2.InitializeResponse> {
    const result = await this.call("initialize", {
      clientInfo: { name: "codex_ts_tests", title: "tests", version: "0.0.1" },
      capabilities,
    });
    this.notify("initialized");
    return result;
  }

  /** Waits for the first message (after index `from`) matching `predicate`. */
  waitFor(predicate: (m: Message) => boolean, timeoutMs = DEFAULT_TIMEOUT, what = "a message", from = 0): Promise<Message> {
    return new Promise((resolve, reject) => {
      let scanned = from;
      const check = () => {
        for (; scanned < this.messages.length; scanned++) {
          const m = this.messages[scanned] as Message;
          if (predicate(m)) {
            cleanup();
            resolve(m);
            return;
          }
        }
        if (this.child.exitCode !== null) {
          cleanup();
          reject(new Error(`server exited (${this.child.exitCode}) while waiting for ${what}; stderr:\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; last messages:\n${this.tail()}\nstderr:\n${this.stderr.slice(-4000)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Waits for a notification; typed by v2 for the methods its table knows, loose for the others. */
  waitForNotification<M extends v2.ServerNotificationMethod>(
    method: M,
    predicate?: (params: v2.ServerNotificationParams<M>) => boolean,
    timeoutMs?: number,
    from?: number,
  ): Promise<Notification<M>>;
  waitForNotification(method: string, predicate?: (params: Message) => boolean, timeoutMs?: number, from?: number): Promise<Message>;
  waitForNotification(
    method: string,
    predicate: (params: Message) => boolean = () => true,
    timeoutMs?: number,
    from = 0,
  ): Promise<Message> {
    return this.waitFor((m) => isNotification(m, method) && predicate(m.params), timeoutMs, `notification ${method}`, from);
  }

  async waitForServerRequest<M extends v2.ServerRequestMethod>(method: M, timeoutMs?: number, from = 0): Promise<ServerRequestMessage<M>> {
    const found = await this.waitFor((m) => m.method === method && "id" in m, timeoutMs, `server request ${method}`, from);
    return found as ServerRequestMessage<M>;
  }

  /** The notifications received so far (of one method when given), loosely typed so tests can pick item variants. */
  notifications(method?: string): Message[] {
    return this.messages.filter((m) => isNotification(m, method));
  }

  tail(n = 15): string {
    return this.messages.slice(-n).map((m) => JSON.stringify(m).slice(0, 600)).join("\n");
  }

  /** Closes stdin (client disconnect) and waits for the exit code. */
  async close(timeoutMs = DEFAULT_TIMEOUT): Promise<number | null> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    const code = await this.#exit;
    clearTimeout(timer);
    return code;
  }

  /** Throws if any emitted message violated the schema or stdout carried non-JSON lines. */
  assertClean(): void {
    const issues = [...this.schemaProblems, ...this.nonProtocolLines.map((l) => `non-protocol stdout line: ${l}`)];
    if (issues.length > 0) throw new Error(`app-server emitted invalid output:\n${issues.slice(0, 20).join("\n")}`);
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

/** A notification (no id) of `method`, or of any method when it is undefined. Shapes are the schema validator's job. */
function isNotification(m: Message, method: string | undefined): boolean {
  return typeof m.method === "string" && !("id" in m) && (method === undefined || m.method === method);
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
