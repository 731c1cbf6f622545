/**
 * Shared pieces of the end-to-end benchmarks: where the built binaries are, a minimal JSON-RPC
 * client for the built app-server over stdio, process memory from /proc, and rollout generators.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { newThreadId, rolloutPath } from "@codex-ts/rollout";
import { writeFakeProviderConfig as writeFakeConfig } from "@codex-ts/test-support";
import { z } from "zod";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI_BIN = path.join(REPO_ROOT, "apps", "cli", "bin", "codex-ts.js");
export const APP_SERVER_BIN = path.join(REPO_ROOT, "apps", "app-server", "bin", "codex-ts-app-server.js");

/** The built (dist) entry points a bin needs; a reason to skip when one is missing. */
export function missingBuild(app: "cli" | "app-server"): string | undefined {
  const needed = [
    path.join(REPO_ROOT, "apps", app, "dist", "main.js"),
    path.join(REPO_ROOT, "apps", "app-server", "dist", "index.js"),
    path.join(REPO_ROOT, "packages", "core", "dist", "index.js"),
    path.join(REPO_ROOT, "packages", "protocol", "dist", "index.js"),
    path.join(REPO_ROOT, "packages", "thread-store", "dist", "index.js"),
    path.join(REPO_ROOT, "packages", "rollout", "dist", "index.js"),
  ];
  const missing = needed.filter((f) => !existsSync(f));
  if (missing.length === 0) return undefined;
  return `built code is missing (${missing.map((f) => path.relative(REPO_ROOT, f)).join(", ")}): run \`pnpm build\` at the repository root first`;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `codex-ts-bench-${prefix}-`));
}

/**
 * A "realistic" HOME: a login shell's profile that takes ~100 ms (`sleep 0.1`), as a user's
 * ~/.profile with a version manager or two does, plus a ~/.bashrc it sources (Ubuntu's layout).
 */
export function writeSlowShellProfile(home: string): void {
  writeFileSync(
    path.join(home, ".profile"),
    '# bench: a profile that takes ~100 ms\nsleep 0.1\nexport BENCH_PROFILE_LOADED=1\nif [ -n "$BASH_VERSION" ] && [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi\n',
  );
  writeFileSync(path.join(home, ".bashrc"), "# bench\nexport BENCH_BASHRC_LOADED=1\nalias ll='ls -l'\n");
}

/**
 * HOMEs (= CODEX_HOME, with a `work` directory) for the start-up benchmarks: a fresh bare one per
 * run, or one realistic HOME (`writeSlowShellProfile`) per variant, kept across runs as a user's
 * is, until `removeAll`. `keep` says whether the caller must leave the directory in place.
 */
export class BenchHomes {
  readonly #kept = new Map<string, string>();

  constructor() {
    // A benchmark that fails midway never reaches its last repetition's `removeAll`.
    process.once("exit", () => this.removeAll());
  }

  get(variant: string, realistic: boolean): { home: string; keep: boolean } {
    const known = realistic ? this.#kept.get(variant) : undefined;
    if (known) return { home: known, keep: true };
    const home = tempDir(realistic ? "real-home" : "home");
    mkdirSync(path.join(home, "work"));
    if (!realistic) return { home, keep: false };
    writeSlowShellProfile(home);
    this.#kept.set(variant, home);
    return { home, keep: true };
  }

  removeAll(): void {
    for (const home of this.#kept.values()) removeDir(home);
    this.#kept.clear();
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `VmRSS` / `VmHWM` of a live process in MiB (undefined when /proc is unavailable). */
export function procMemoryMiB(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** config.toml for the app-server: default provider = the fake server, no approvals, no sandbox. */
export function writeFakeProviderConfig(codexHome: string, baseUrl: string): void {
  writeFakeConfig(codexHome, baseUrl, { model: "gpt-bench" });
}

/** One JSON-RPC line from the server, checked before use (the fields we read are validated where used). */
const RpcMessage = z.looseObject({
  id: z.union([z.number(), z.string()]).optional(),
  method: z.string().optional(),
  params: z.unknown().optional(),
  result: z.unknown().optional(),
  error: z.looseObject({ code: z.number(), message: z.string() }).optional(),
});
export interface Notification {
  method: string;
  params: unknown;
}

/** The few response and notification shapes the benchmarks read (zod, loose: other fields pass). */
export const Shapes = {
  threadResult: z.looseObject({ thread: z.looseObject({ id: z.string() }) }),
  threadList: z.looseObject({ data: z.array(z.unknown()), nextCursor: z.string().nullable() }),
  turnCompleted: z.looseObject({
    threadId: z.string(),
    turn: z.looseObject({ id: z.string(), status: z.string() }),
  }),
  itemCompleted: z.looseObject({
    item: z.looseObject({ type: z.string(), durationMs: z.number().nullish() }),
  }),
};

/** `schema.parse` with a message naming what was being read. */
export function expectShape<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `${what}: unexpected shape (${parsed.error.message}): ${JSON.stringify(value).slice(0, 400)}`,
    );
  return parsed.data;
}

/** A minimal client for the built app-server (JSON-RPC lines over stdio). */
export class AppServerClient {
  readonly child: ChildProcessWithoutNullStreams;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(result: unknown): void; reject(e: Error): void }>();
  readonly #listeners = new Set<(m: Notification) => void>();
  stderr = "";

  /**
   * `nodeArgs`: extra node flags for the server process (e.g. `--cpu-prof` when profiling);
   * `env`: extra environment variables; `command`: another server to run instead of ours (e.g.
   * `[codex, "app-server"]` for real Codex; `nodeArgs` are then ignored).
   */
  constructor(
    codexHome: string,
    cwd: string,
    nodeArgs: readonly string[] = [],
    env: Record<string, string> = {},
    command: readonly string[] = [process.execPath, ...nodeArgs, APP_SERVER_BIN],
  ) {
    this.child = spawn(command[0] as string, command.slice(1), {
      cwd,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: codexHome,
        CODEX_HOME: codexHome,
        OPENAI_API_KEY: "bench-key",
        ...env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (c: string) => {
      this.stderr = (this.stderr + c).slice(-8000);
    });
    this.child.stdin.on("error", () => {});
    this.child.on("exit", (code) => {
      for (const p of this.#pending.values())
        p.reject(new Error(`app-server exited (${code}); stderr: ${this.stderr}`));
      this.#pending.clear();
    });
    createInterface({ input: this.child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
      let decoded: unknown;
      try {
        decoded = JSON.parse(line);
      } catch {
        return; // not a protocol line
      }
      const parsed = RpcMessage.safeParse(decoded);
      if (!parsed.success) return;
      const m = parsed.data;
      if (m.method !== undefined && m.id !== undefined) {
        // A server request (approval etc.): the benchmarks run with approvals off; decline anything.
        this.#send({ id: m.id, error: { code: -32601, message: "bench client answers no requests" } });
        return;
      }
      if (m.method === undefined) {
        const p = typeof m.id === "number" ? this.#pending.get(m.id) : undefined;
        if (p && typeof m.id === "number") {
          this.#pending.delete(m.id);
          if (m.error) p.reject(new Error(`${m.error.code} ${m.error.message}`));
          else p.resolve(m.result);
        }
        return;
      }
      const note: Notification = { method: m.method, params: m.params };
      for (const l of [...this.#listeners]) l(note);
    });
  }

  #send(message: object): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  /** Sends a request; resolves with its raw `result` (validate it with `expectShape` after timing). */
  call(method: string, params?: unknown, timeoutMs = 120_000): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no response in ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(new Error(`${method}: ${e.message}`));
        },
      });
      this.#send(params === undefined ? { id, method } : { id, method, params });
    });
  }

  /** Resolves with the first notification for which `predicate` holds. */
  until(predicate: (m: Notification) => boolean, timeoutMs = 120_000): Promise<Notification> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`no matching notification in ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
      const listener = (m: Notification) => {
        if (!predicate(m)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(m);
      };
      this.#listeners.add(listener);
    });
  }

  onNotification(listener: (m: Notification) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async initialize(): Promise<void> {
    await this.call("initialize", {
      clientInfo: { name: "codex_ts_bench", title: "bench", version: "0.0.0" },
      capabilities: { experimentalApi: true },
    });
    this.#send({ method: "initialized" });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---- rollout generators --------------------------------------------------------------------

const line = (timestamp: string, type: string, payload: unknown) =>
  `${JSON.stringify({ timestamp, type, payload })}\n`;

function sessionMeta(id: string, at: Date, cwd: string): string {
  return line(at.toISOString(), "session_meta", {
    id,
    session_id: id,
    timestamp: at.toISOString(),
    cwd,
    originator: "codex_cli_rs",
    cli_version: "0.169.0",
    source: "cli",
    model_provider: "openai",
  });
}

const userMessage = (ts: string, text: string) =>
  line(ts, "event_msg", { type: "user_message", message: text, images: [] }) +
  line(ts, "response_item", { type: "message", role: "user", content: [{ type: "input_text", text }] });

/**
 * `count` small threads (one user prompt and one answer each) spread over the last ~29 days (mtime
 * = creation time), in the Codex layout under `codexHome/sessions`.
 */
export function writeManyThreads(codexHome: string, count: number, cwd: string): void {
  const now = Date.now();
  const made = new Set<string>();
  for (let i = 0; i < count; i++) {
    const at = new Date(now - (count - i) * 250_000);
    const id = newThreadId(at);
    const file = rolloutPath(codexHome, id, at);
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const ts = at.toISOString();
    writeFileSync(
      file,
      sessionMeta(id, at, cwd) +
        line(ts, "turn_context", {
          cwd,
          approval_policy: "never",
          sandbox_policy: { type: "danger-full-access" },
          model: "gpt-5.1-codex",
          summary: "auto",
        }) +
        userMessage(ts, `thread ${i}: please look at module ${i % 97} and fix the flaky test`) +
        line(ts, "response_item", {
          type: "message",
          role: "assistant",
          content: [{ type: "output_text", text: `Fixed module ${i % 97}.` }],
        }) +
        line(ts, "event_msg", { type: "agent_message", message: `Fixed module ${i % 97}.` }),
    );
    // A rollout's mtime is its last write: the thread's own time, not the benchmark's.
    utimesSync(file, at, at);
  }
}

/**
 * One thread whose rollout has `items` lines after the session_meta: turns of task_started, a user
 * prompt, a reasoning item, an exec_command call and its output, an answer and task_complete (with
 * the matching event_msg lines and turn ids, as Codex 0.169 writes them). Returns its id.
 */
export function writeLongThread(codexHome: string, items: number, cwd: string): string {
  const at = new Date(Date.now() - 3_600_000);
  const id = newThreadId(at);
  const file = rolloutPath(codexHome, id, at);
  mkdirSync(path.dirname(file), { recursive: true });
  const parts: string[] = [sessionMeta(id, at, cwd)];
  let n = 0;
  let turn = 0;
  const ts = () => new Date(at.getTime() + n * 10).toISOString();
  const push = (type: string, payload: unknown) => {
    if (n >= items) return;
    parts.push(line(ts(), type, payload));
    n++;
  };
  while (n < items) {
    const callId = `call_${turn}`;
    const text = `turn ${turn}: run the tests in package ${turn % 13} and summarise the failures`;
    const turnId = `turn_${turn}`;
    push("event_msg", { type: "task_started", turn_id: turnId, model_context_window: 272000 });
    push("turn_context", {
      cwd,
      approval_policy: "never",
      sandbox_policy: { type: "danger-full-access" },
      model: "gpt-5.1-codex",
      summary: "auto",
    });
    push("event_msg", { type: "user_message", message: text, images: [] });
    push("response_item", { type: "message", role: "user", content: [{ type: "input_text", text }] });
    push("response_item", {
      type: "reasoning",
      summary: [{ type: "summary_text", text: `Thinking about package ${turn % 13}` }],
      encrypted_content: null,
    });
    push("response_item", {
      type: "function_call",
      name: "exec_command",
      arguments: JSON.stringify({ cmd: `pnpm test --filter pkg${turn % 13}` }),
      call_id: callId,
    });
    push("response_item", {
      type: "function_call_output",
      call_id: callId,
      output: `ran ${turn % 50} tests\n${"ok\n".repeat(20)}`,
    });
    push("response_item", {
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: `All tests in package ${turn % 13} pass.` }],
    });
    push("event_msg", { type: "agent_message", message: `All tests in package ${turn % 13} pass.` });
    push("event_msg", { type: "token_count", info: null, rate_limits: null });
    push("event_msg", {
      type: "task_complete",
      turn_id: turnId,
      last_agent_message: `All tests in package ${turn % 13} pass.`,
    });
    turn++;
  }
  writeFileSync(file, parts.join(""));
  return id;
}
