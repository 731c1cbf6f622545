/**
 * Drives the BUILT app-server (`bin/codex-ts-app-server.js`) as a subprocess over stdio.
 * Every line it writes is parsed and validated against the official schema; `close()` fails the
 * test if any message was invalid or stdout carried a non-protocol line.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { validateServerMessage } from "./schema.js";

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(PACKAGE_DIR, "bin", "codex-ts-app-server.js");

export type Message = Record<string, any>;
export interface RpcResult {
  result?: any;
  error?: { code: number; message: string; data?: unknown };
}

const DEFAULT_TIMEOUT = 30_000;

export function makeTempDir(prefix = "codex-ts-app-server-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a config.toml that points the default provider at a fake Responses server. */
export function writeFakeProviderConfig(codexHome: string, baseUrl: string, extra = ""): void {
  writeFileSync(
    path.join(codexHome, "config.toml"),
    [
      'model = "gpt-test"',
      'model_provider = "fake"',
      'approval_policy = "never"',
      'sandbox_mode = "danger-full-access"',
      "",
      "[model_providers.fake]",
      'name = "Fake"',
      `base_url = "${baseUrl}"`,
      'wire_api = "responses"',
      "request_max_retries = 0",
      "stream_max_retries = 0",
      extra,
    ].join("\n"),
  );
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
  async request(method: string, params?: unknown, timeoutMs = DEFAULT_TIMEOUT): Promise<RpcResult> {
    const id = this.#nextId++;
    this.#methodOfId.set(id, method);
    this.send(params === undefined ? { id, method } : { id, method, params });
    const response = await this.waitFor((m) => m.id === id && !("method" in m), timeoutMs, `response to ${method}`);
    return response.error ? { error: response.error } : { result: response.result };
  }

  /** Like `request` but fails on an error response. */
  async call(method: string, params?: unknown, timeoutMs = DEFAULT_TIMEOUT): Promise<any> {
    const response = await this.request(method, params, timeoutMs);
    if (response.error) throw new Error(`${method} failed: ${JSON.stringify(response.error)}`);
    return response.result;
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

  async initialize(capabilities: Record<string, unknown> = { experimentalApi: true }): Promise<any> {
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

  waitForNotification(method: string, predicate: (params: any) => boolean = () => true, timeoutMs?: number, from = 0): Promise<Message> {
    return this.waitFor((m) => m.method === method && !("id" in m) && predicate(m.params), timeoutMs, `notification ${method}`, from);
  }

  waitForServerRequest(method: string, timeoutMs?: number, from = 0): Promise<Message> {
    return this.waitFor((m) => m.method === method && "id" in m, timeoutMs, `server request ${method}`, from);
  }

  notifications(method?: string): Message[] {
    return this.messages.filter((m) => typeof m.method === "string" && !("id" in m) && (method === undefined || m.method === method));
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

  /** close + assertClean + remove the temp CODEX_HOME it created. */
  async dispose(): Promise<number | null> {
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
  options: { codexHome?: string; extraConfig?: string; capabilities?: Record<string, unknown> } = {},
): Promise<AppServerProcess> {
  const home = options.codexHome ?? makeTempDir("codex-home-");
  writeFakeProviderConfig(home, fakeUrl, options.extraConfig ?? "");
  const server = new AppServerProcess({ codexHome: home });
  if (!options.codexHome) server.ownsCodexHome = true;
  await server.initialize(options.capabilities ?? { experimentalApi: true });
  return server;
}

/** Starts a thread and one turn; resolves with their ids once the turn completed. */
export async function runTurn(
  server: AppServerProcess,
  threadId: string,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<{ turnId: string; completed: Message }> {
  const { turn } = await server.call("turn/start", { threadId, input: [{ type: "text", text }], ...extra });
  const completed = await server.waitForNotification("turn/completed", (p) => p.turn.id === turn.id);
  return { turnId: turn.id, completed };
}
