/**
 * A small JSON-RPC client for the BUILT app-server over stdio, for the reliability suite: requests,
 * waiting for notifications, raw lines, the process's RSS, and a record of non-JSON stdout lines.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { APP_SERVER_BIN, binEnv } from "./harness.js";

export type Message = Record<string, any>;

export class AppServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly messages: Message[] = [];
  readonly nonJsonLines: string[] = [];
  stderr = "";
  readonly exited: Promise<number | null>;
  #nextId = 1;
  #waiters = new Set<() => void>();
  #byId = new Map<unknown, Message>();

  constructor(home: string, cwd: string, env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [APP_SERVER_BIN], { cwd, env: binEnv(home, env), stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdin.on("error", () => {});
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (c: string) => {
      this.stderr = (this.stderr + c).slice(-20_000);
    });
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code) => {
        resolve(code);
        this.#wake();
      }),
    );
    createInterface({ input: this.child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
      let m: Message;
      try {
        m = JSON.parse(line) as Message;
      } catch {
        this.nonJsonLines.push(line);
        return;
      }
      this.messages.push(m);
      if ("id" in m && !("method" in m)) this.#byId.set(m.id, m);
      this.#wake();
    });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  sendRaw(text: string): void {
    this.child.stdin.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** The response to request `id`, once it arrived. */
  responseTo(id: unknown): Message | undefined {
    return this.#byId.get(id);
  }

  waitFor(check: () => Message | undefined, what: string, timeoutMs = 30_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        const found = check();
        if (found) {
          clearTimeout(timer);
          this.#waiters.delete(done);
          resolve(found);
        } else if (!this.alive) {
          clearTimeout(timer);
          this.#waiters.delete(done);
          reject(new Error(`app-server exited while waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`));
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(done);
        reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      this.#waiters.add(done);
      done();
    });
  }

  async request(method: string, params?: unknown, timeoutMs = 30_000): Promise<Message> {
    const id = this.#nextId++;
    this.sendRaw(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
    return this.waitFor(() => this.#byId.get(id), `response to ${method}`, timeoutMs);
  }

  async call(method: string, params?: unknown, timeoutMs = 30_000): Promise<any> {
    const r = await this.request(method, params, timeoutMs);
    if (r.error) throw new Error(`${method} failed: ${JSON.stringify(r.error)}`);
    return r.result;
  }

  notification(method: string, match: (params: any) => boolean, timeoutMs = 30_000): Promise<Message> {
    return this.waitFor(() => this.messages.find((m) => m.method === method && !("id" in m) && match(m.params)), method, timeoutMs);
  }

  async initialize(): Promise<void> {
    await this.call("initialize", { clientInfo: { name: "reliability", title: "reliability", version: "0.0.1" }, capabilities: { experimentalApi: true } });
    this.sendRaw(JSON.stringify({ method: "initialized" }));
  }

  async startThread(cwd: string): Promise<string> {
    const r = await this.call("thread/start", { cwd });
    return r.thread.id as string;
  }

  /** Starts a turn; resolves with its id. */
  async startTurn(threadId: string, text: string): Promise<string> {
    const r = await this.call("turn/start", { threadId, input: [{ type: "text", text }] });
    return r.turn.id as string;
  }

  /** Starts a turn and waits for its `turn/completed`; returns the completed turn. */
  async runTurn(threadId: string, text: string, timeoutMs = 60_000): Promise<any> {
    const turnId = await this.startTurn(threadId, text);
    const done = await this.notification("turn/completed", (p) => p.turn?.id === turnId, timeoutMs);
    return done.params.turn;
  }

  /** Resident set size of the server process, in MiB. */
  rssMiB(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  }

  async close(timeoutMs = 10_000): Promise<number | null> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
