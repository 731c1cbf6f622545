/**
 * Long-running processes started by `exec_command`, addressed by a numeric session id that
 * `write_stdin` uses to send input and poll for more output.
 */
import type { ExecSessionStoreLike, RunningProcess } from "../types.js";

/** Keeps the first and last `cap / 2` characters of a stream, counting what it dropped. */
export class HeadTailBuffer {
  private head = "";
  private tail = "";
  private dropped = 0;
  constructor(private readonly cap: number) {}

  push(chunk: string): void {
    const half = Math.floor(this.cap / 2);
    if (this.head.length < half) {
      const take = chunk.slice(0, half - this.head.length);
      this.head += take;
      chunk = chunk.slice(take.length);
    }
    if (chunk.length === 0) return;
    this.tail += chunk;
    if (this.tail.length > half) {
      this.dropped += this.tail.length - half;
      this.tail = this.tail.slice(this.tail.length - half);
    }
  }

  /** Contents (with a marker where characters were dropped), then reset. */
  take(): string {
    const out = this.text();
    this.head = "";
    this.tail = "";
    this.dropped = 0;
    return out;
  }

  text(): string {
    if (this.dropped === 0) return this.head + this.tail;
    return `${this.head}\n[... ${this.dropped} characters dropped ...]\n${this.tail}`;
  }
}

const BUFFER_CAP = 1024 * 1024;
/** How long an interrupted command may take to be reaped after SIGKILL before we stop waiting. */
const KILL_GRACE_MS = 5000;

export class ExecSession {
  readonly startedAt = Date.now();
  private unread = new HeadTailBuffer(BUFFER_CAP);
  readonly aggregated = new HeadTailBuffer(BUFFER_CAP);
  exit: { exitCode: number; signal?: string } | undefined;
  /** The exec_command call that started it (its item id), for write_stdin's terminal_interaction. */
  callId: string | undefined;
  private wake: (() => void)[] = [];

  constructor(
    readonly id: number,
    readonly process: RunningProcess,
    readonly command: string,
  ) {
    process.onOutput((chunk) => {
      this.unread.push(chunk);
      this.aggregated.push(chunk);
    });
    void process.exited.then((exit) => {
      this.exit = exit;
      this.notify();
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }

  /**
   * Wait until the process exits, `yieldMs` passes, or `signal` aborts (which kills the process
   * group), then return the output produced since the last call.
   */
  async collect(yieldMs: number, signal?: AbortSignal): Promise<{ output: string; exit?: { exitCode: number; signal?: string } }> {
    if (this.exit === undefined && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, yieldMs);
        const onAbort = () => done();
        signal?.addEventListener("abort", onAbort, { once: true });
        this.wake.push(done);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }
      });
    }
    if (signal?.aborted && this.exit === undefined) {
      this.process.kill("SIGKILL");
      // Give the killed group a moment to be reaped. The grace timer is cleared as soon as the
      // command exits: left running, it held the event loop open and kept `exec` alive for the
      // whole grace after Ctrl-C.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([this.process.exited, new Promise((r) => (grace = setTimeout(r, KILL_GRACE_MS)))]);
      clearTimeout(grace);
    }
    const result: { output: string; exit?: { exitCode: number; signal?: string } } = {
      output: this.unread.take(),
    };
    if (this.exit !== undefined) result.exit = this.exit;
    return result;
  }
}

const MAX_SESSIONS = 64;

export class ExecSessionStore implements ExecSessionStoreLike {
  private sessions = new Map<number, ExecSession>();
  private nextId = 1000;

  add(process: RunningProcess, command: string): ExecSession {
    if (this.sessions.size >= MAX_SESSIONS) this.evictOne();
    const session = new ExecSession(this.nextId++, process, command);
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: number): ExecSession | undefined {
    return this.sessions.get(id);
  }

  remove(id: number): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Drop an exited session if there is one, else kill the oldest. */
  private evictOne(): void {
    let victim: ExecSession | undefined;
    for (const s of this.sessions.values()) {
      if (s.exit !== undefined) {
        victim = s;
        break;
      }
      victim ??= s;
    }
    if (!victim) return;
    if (victim.exit === undefined) victim.process.kill("SIGKILL");
    this.sessions.delete(victim.id);
  }

  /** Kill every running process group (session shutdown). */
  killAll(): void {
    for (const s of this.sessions.values()) if (s.exit === undefined) s.process.kill("SIGKILL");
    this.sessions.clear();
  }
}

const fallbackStores = new WeakMap<object, ExecSessionStore>();

/** The store for a context: the session's own, or one keyed to its session-scoped approval set. */
export function sessionStoreFor(ctx: { execSessions?: ExecSessionStoreLike; approvedForSession: Set<string> }): ExecSessionStore {
  if (ctx.execSessions instanceof ExecSessionStore) return ctx.execSessions;
  let store = fallbackStores.get(ctx.approvedForSession);
  if (!store) {
    store = new ExecSessionStore();
    fallbackStores.set(ctx.approvedForSession, store);
  }
  return store;
}
