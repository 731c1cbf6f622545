// The session: ops in, events out. `SessionImpl` is the public face over the rooms:
//   state.ts (shared state + plumbing) · handlers.ts (one function per op) · ../tasks/ (regular
//   turn, compaction, the task runner) · turn.ts (the turn loop) · sampling.ts + stream.ts (model
//   requests) · ../context/ (history, what the model was told) · prompt.ts (user input) ·
//   tool-calls.ts + tool-events.ts (tools) · approvals.ts · hook-runtime.ts · services.ts (exec
//   sessions, network proxy, rate limits) · children.ts (sub-agent seam).
import {
  Op as OpSchema,
  type Op,
  type ResponseItem,
  type ThreadSettings,
  type TokenUsage,
  type v2,
} from "@codex-ts/protocol";
import type { RateLimitSnapshot } from "../client/rate-limits.js";
import { RegularTask } from "../tasks/regular.js";
import { type SessionTask, TaskRunner } from "../tasks/task.js";
import type { ToolProvider } from "../tools/registry.js";
import { ChildSessions, type SessionSpawner } from "./children.js";
import type { SessionEvent } from "./events.js";
import { handleOp, type OpContext } from "./handlers.js";
import type { SessionOptions } from "./options.js";
import { SessionState } from "./state.js";
import type { TurnStart } from "./turn.js";

export type { TurnStart } from "./turn.js";
// The module's earlier surface (the options, recorder and compaction now live in their own rooms).
export {
  DEFAULT_MAX_STOP_HOOK_CONTINUATIONS,
  hookEngineFromConfig,
  sessionOptionsFromConfig,
  type SessionNetworkProxyOptions,
  type SessionOptions,
} from "./options.js";
export { rolloutRecorder, type SessionRecorder } from "./recorder.js";
export { knownContextWindow } from "./state.js";
export { SUMMARIZATION_PROMPT, SUMMARY_PREFIX } from "../tasks/compact.js";

/** `startTurn`'s answer: the submission id of the new turn, or why none was started. */
export type StartTurnResult = { ok: true; subId: string } | { ok: false; reason: "busy" | "shut_down" };

export interface Session {
  readonly threadId: string;
  readonly sessionId: string;
  /** Queue an op; returns the submission id its events carry. Invalid ops become error events. */
  submit(op: Op | unknown): string;
  /** All events in order (a single shared queue; ends after shutdown). */
  events(): AsyncIterableIterator<SessionEvent>;
  /** Listen to every event; returns an unsubscribe function. */
  subscribe(listener: (event: SessionEvent) => void): () => void;
  /** The effective thread settings. */
  settings(): ThreadSettings;
  /** The conversation history (copy). */
  history(): ResponseItem[];
  /** Rate-limit snapshots seen so far, keyed by limit id. */
  rateLimits(): Record<string, RateLimitSnapshot>;
  /** Cumulative token usage. */
  tokenUsage(): TokenUsage;
  /** Whether a turn or compaction is running. */
  isBusy(): boolean;
  /** Completed hook runs of a turn, in completion order (for `Turn.hookRuns`). */
  hookRuns(turnId: string): v2.HookRunSummary[];
  /** Interrupt anything running, kill processes, emit shutdown_complete, end the event stream. */
  shutdown(): Promise<void>;
  /** Seam (sub-agents): start child sessions that share this session id; see `SessionSpawner`. */
  readonly children: SessionSpawner;
  /**
   * Seam (goal continuation): start a turn by itself. Only when idle — nothing running and no op
   * waiting — so user input always goes first; user input sent while it runs steers it.
   * `origin` names the feature (e.g. `goal`).
   */
  startTurn(start: TurnStart, options: { origin: string }): StartTurnResult;
  /**
   * Seam (review mode): run a task of its own kind (e.g. core's `ReviewTask`) as the next turn;
   * refused while a task runs (queued behind one that is just ending).
   */
  startTask(task: SessionTask): StartTurnResult;
  /**
   * Seam: called each time the session becomes idle after a task (a tick later, if nothing was
   * submitted meanwhile). The goal feature calls `startTurn` from here. Returns an unsubscribe.
   */
  onIdle(listener: () => void): () => void;
  /** Seam: items for the model's next request (e.g. `<subagent_notification>`); a running turn takes them before its next request. */
  inject(items: readonly ResponseItem[]): void;
}

/** Create a session. Never throws for bad input: problems surface as `error` events. */
export function createSession(options: SessionOptions): Session {
  return new SessionImpl(options);
}

class SessionImpl implements Session {
  readonly threadId: string;
  readonly sessionId: string;
  readonly children: ChildSessions;
  private readonly s: SessionState;
  private readonly tasks: TaskRunner;
  private readonly ops: OpContext;

  constructor(options: SessionOptions) {
    const s = new SessionState(options);
    this.s = s;
    this.threadId = s.threadId;
    this.sessionId = s.sessionId;
    this.tasks = new TaskRunner(s);
    this.children = new ChildSessions(s, createSession);
    this.ops = {
      s,
      tasks: this.tasks,
      interrupt: () => this.interrupt(),
      shutdown: (subId) => this.shutdown(subId),
    };
    s.toolProviders = (options.toolProviders ?? []).map((p) => (typeof p === "function" ? p(this) : p));
    if (options.onEvent) s.hub.subscribe(options.onEvent);
    const invalidSandbox = s.applyInitialSandbox();
    s.emit("session", s.configuredEvent());
    if (invalidSandbox)
      s.emit("session", {
        type: "error",
        message: `invalid sandboxPolicy (the session stays read-only): ${invalidSandbox}`,
      });
  }

  submit(raw: Op | unknown): string {
    const subId = this.s.nextSubId();
    const parsed = OpSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ");
      this.s.emit(subId, { type: "error", message: `invalid op: ${issues}` });
    } else if (this.s.shuttingDown) {
      this.s.emit(subId, { type: "error", message: "session is shut down" });
    } else {
      handleOp(this.ops, subId, parsed.data);
    }
    return subId;
  }

  startTurn(start: TurnStart, options: { origin: string }): StartTurnResult {
    if (this.s.shuttingDown) return { ok: false, reason: "shut_down" };
    if (!this.tasks.isIdle()) return { ok: false, reason: "busy" };
    const subId = this.s.nextSubId();
    this.tasks.spawn(subId, new RegularTask(start, options.origin));
    return { ok: true, subId };
  }

  startTask(task: SessionTask): StartTurnResult {
    if (this.s.shuttingDown) return { ok: false, reason: "shut_down" };
    // Busy only while a task runs: one that just ended may still be leaving the queue.
    if (this.s.active) return { ok: false, reason: "busy" };
    const subId = this.s.nextSubId();
    this.tasks.spawn(subId, task);
    return { ok: true, subId };
  }

  onIdle(listener: () => void): () => void {
    return this.tasks.onIdle(listener);
  }

  inject(items: readonly ResponseItem[]): void {
    this.s.inject(items);
  }

  events(): AsyncIterableIterator<SessionEvent> {
    return this.s.hub.iterator();
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    return this.s.hub.subscribe(listener);
  }

  settings(): ThreadSettings {
    return this.s.settings();
  }

  history(): ResponseItem[] {
    return this.s.history.snapshot();
  }

  rateLimits(): Record<string, RateLimitSnapshot> {
    return { ...this.s.services.rateLimits };
  }

  tokenUsage(): TokenUsage {
    return { ...this.s.totalUsage };
  }

  isBusy(): boolean {
    return this.s.active !== undefined;
  }

  hookRuns(turnId: string): v2.HookRunSummary[] {
    return this.s.hooks.runs(turnId);
  }

  async shutdown(subId = this.s.nextSubId()): Promise<void> {
    if (this.s.shuttingDown) return;
    this.s.shuttingDown = true;
    this.interrupt();
    await this.tasks.drained();
    await this.children.shutdownAll();
    await this.s.services.close();
    this.s.emit(subId, { type: "shutdown_complete" });
    this.s.hub.close();
  }

  private interrupt(): void {
    this.children.interruptAll();
    const active = this.s.active;
    if (!active) return;
    // Resolve pending approvals first so tools waiting on them unwind.
    this.s.approvals.abortAll();
    active.controller.abort();
    // The running command dies through the abort signal; background exec_command sessions too.
    this.s.services.execSessions.killAll();
  }
}

/** A tool provider, or a factory given the session it serves (for tools that act on the session). */
export type ToolProviderSource = ToolProvider | ((session: Session) => ToolProvider);
