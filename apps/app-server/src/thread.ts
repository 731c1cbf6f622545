/**
 * One loaded thread: a core session, its recorded history (rollout lines, persisted through the
 * thread store), the running turn, and the mapping of core events to v2 notifications and server
 * requests.
 */
import type { RequestId, ResponseItem, RolloutItem, RolloutLine, v2 } from "@codex-ts/protocol";
import type { Session, SessionEvent, SessionEventMsg } from "@codex-ts/core";
import { type PersistenceMode, prepareForPersistence, reconstructThread, shouldPersistRolloutItem } from "@codex-ts/rollout";
import { type StoredThread, type ThreadStore, toV2Thread } from "@codex-ts/thread-store";
import { withCommandActions } from "./command-actions.js";
import { clientCallbacks } from "./thread-requests.js";
import { errorMessage, invalidRequest } from "./errors.js";
import { addRun, appendHookRuns, type HookRunsByTurn, withHookRuns } from "./hook-runs.js";
import type { Logger } from "./log.js";
import {
  itemEventToV2,
  planStatus,
  toV2RateLimits,
  toV2ThreadSettings,
  toV2TokenBreakdown,
} from "./mapping.js";
import type { ThreadSubscribers } from "./subscriptions.js";
import type { ServerRequestOutcome } from "./transport.js";
import type { HookEngine } from "@codex-ts/hooks";

/** What a thread needs from its clients: its subscribers (see subscriptions.ts). */
export type ThreadOutlet = ThreadSubscribers;

interface PendingServerRequest {
  id: RequestId;
  kind: "approval" | "userInput" | "tool";
  /** Set once `serverRequest/resolved` was sent (an answer, or an interrupt). */
  resolved: boolean;
}

interface TurnState {
  id: string;
  kind: "regular" | "compact";
  items: v2.ThreadItem[];
  startedAt: number;
  startedAtMs: number;
  error: v2.TurnError | null;
  agentItemId: string | null;
  reasoningItemId: string | null;
  summaryIndex: number;
  pending: Map<RequestId, PendingServerRequest>;
}

interface StartWaiter {
  subId: string;
  kind: TurnState["kind"];
  resolve: (turn: v2.Turn) => void;
  reject: (error: Error) => void;
}

export interface LiveThreadInit {
  id: string;
  stored: StoredThread;
  ephemeral: boolean;
  mode: PersistenceMode;
  store: ThreadStore | null;
  outlet: ThreadOutlet;
  log: Logger;
  history: RolloutLine[];
  /** Where the hook-runs sidecar lives (see hook-runs.ts). */
  codexHome: string;
  /** Whether experimental fields (`Turn.hookRuns`) may be sent to the client. */
  experimentalApi: () => boolean;
  /** Persisted hook runs of the thread's earlier turns. */
  hookRuns?: HookRunsByTurn;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** `total_token_usage` of the last token_count event in `lines`, numbers only; null when none. */
function lastTokenTotal(lines: readonly RolloutLine[]): Record<string, number> | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as { type: string; payload: { type?: string; info?: { total_token_usage?: Record<string, unknown> } | null } };
    if (line.type !== "event_msg" || line.payload?.type !== "token_count" || !line.payload.info?.total_token_usage) continue;
    const total: Record<string, number> = {};
    for (const [key, value] of Object.entries(line.payload.info.total_token_usage)) if (typeof value === "number") total[key] = value;
    return total;
  }
  return null;
}

export class LiveThread {
  readonly id: string;
  stored: StoredThread;
  readonly ephemeral: boolean;
  readonly mode: PersistenceMode;
  readonly #store: ThreadStore | null;
  readonly #outlet: ThreadOutlet;
  readonly #log: Logger;
  readonly #lines: RolloutLine[];
  #unflushed: RolloutLine[] = [];
  #writes: Promise<void> = Promise.resolve();
  #session: Session | undefined;
  #turn: TurnState | null = null;
  #startWaiter: StartWaiter | null = null;
  /** Collects events emitted synchronously while an op is being submitted. */
  #capture: SessionEvent[] | null = null;
  // Held until the response that created or loaded the thread is written (see `release`).
  #held: [string, unknown][] | null = [];
  #closed = false;
  /** The session's hook engine (hooks.state changes are applied to it live). */
  hookEngine: HookEngine | null = null;
  readonly #codexHome: string;
  readonly #experimentalApi: () => boolean;
  readonly hookRuns: HookRunsByTurn;

  constructor(init: LiveThreadInit) {
    this.id = init.id;
    this.stored = init.stored;
    this.ephemeral = init.ephemeral;
    this.mode = init.mode;
    this.#store = init.store;
    this.#outlet = init.outlet;
    this.#log = init.log;
    this.#lines = [...init.history];
    this.#codexHome = init.codexHome;
    this.#experimentalApi = init.experimentalApi;
    this.hookRuns = init.hookRuns ?? new Map();
    this.#tokenBase = lastTokenTotal(init.history);
    this.#callbacks = clientCallbacks({
      id: this.id,
      log: this.#log,
      ask: (kind, method, params) => this.#serverRequest(kind, method, params),
      warn: (message) => {
        this.#log.warn(`thread ${this.id}: ${message}`);
        this.#emit("warning", { threadId: this.id, message });
      },
    });
  }

  /** The thread's token totals before this session (the last persisted token_count), added to core's. */
  readonly #tokenBase: Record<string, number> | null;

  #threadTotal<T extends object | null | undefined>(sessionTotal: T): T {
    const base = this.#tokenBase;
    if (!base || !sessionTotal) return sessionTotal;
    const sum: Record<string, unknown> = { ...sessionTotal };
    for (const [key, value] of Object.entries(base)) {
      const current = sum[key];
      if (typeof current === "number") sum[key] = current + value;
      else if (current === undefined || current === null) sum[key] = value;
    }
    return sum as T;
  }

  /** Connects the core session (created with this thread's recorder and callbacks). */
  attach(session: Session): void {
    this.#session = session;
    session.subscribe((event) => {
      if (this.#capture) this.#capture.push(event);
      else this.#dispatch(event);
    });
  }

  #dispatch(event: SessionEvent): void {
    try {
      this.#onEvent(event);
    } catch (error) {
      this.#log.error(`thread ${this.id}: event ${event.msg.type} failed to map: ${errorMessage(error)}`);
    }
  }

  get session(): Session {
    if (!this.#session) throw new Error(`thread ${this.id} has no session`);
    return this.#session;
  }

  /** The connections that hear this thread's events. */
  get subscribers(): ThreadSubscribers {
    return this.#outlet;
  }

  get subscribed(): boolean {
    return this.#outlet.size > 0;
  }

  get activeTurnId(): string | null {
    return this.#turn?.id ?? null;
  }

  /* -------------------------------------------------------------- recorder (core → rollout lines) */

  recorder = {
    recordItems: (items: ResponseItem[]) => {
      for (const item of items) this.#record({ type: "response_item", payload: item } as RolloutItem);
    },
    recordEvent: (msg: SessionEventMsg) => {
      // Persisted totals are the whole thread's (core counts from zero again after a resume).
      const payload = msg.type === "token_count" && msg.info ? { ...msg, info: { ...msg.info, total_token_usage: this.#threadTotal(msg.info.total_token_usage) } } : msg;
      this.#record({ type: "event_msg", payload } as RolloutItem);
    },
    recordTurnContext: (payload: unknown) => this.#record({ type: "turn_context", payload } as RolloutItem),
    recordCompacted: (payload: unknown) => this.#record({ type: "compacted", payload } as RolloutItem),
  };

  #record(item: RolloutItem): void {
    if (!shouldPersistRolloutItem(item, this.mode)) return;
    const prepared = prepareForPersistence(item);
    const line = { timestamp: new Date().toISOString(), ...prepared } as RolloutLine;
    this.#lines.push(line);
    if (!this.ephemeral) this.#unflushed.push(line);
  }

  /** Writes recorded lines to the store (in order); resolves when they are on disk. */
  flush(): Promise<void> {
    if (this.ephemeral || !this.#store) return Promise.resolve();
    const batch = this.#unflushed;
    this.#unflushed = [];
    if (batch.length === 0) return this.#writes;
    const store = this.#store;
    const items = batch.map((line) => ({ type: line.type, payload: line.payload }) as RolloutItem);
    this.#writes = this.#writes.then(async () => {
      const result = await store.append(this.id, items, { mode: this.mode });
      if (result.ok) this.stored = result.value;
      else this.#log.error(`thread ${this.id}: cannot persist history: ${result.error.message}`);
    });
    return this.#writes;
  }

  /* -------------------------------------------------------------- v2 views */

  status(): v2.ThreadStatus {
    const turn = this.#turn;
    if (!turn) return this.#startWaiter || this.#shellTurn ? { type: "active", activeFlags: [] } : { type: "idle" };
    const flags: ("waitingOnApproval" | "waitingOnUserInput")[] = [];
    for (const pending of turn.pending.values()) {
      if (pending.kind === "approval" && !flags.includes("waitingOnApproval")) flags.push("waitingOnApproval");
      if (pending.kind === "userInput" && !flags.includes("waitingOnUserInput")) flags.push("waitingOnUserInput");
    }
    return { type: "active", activeFlags: flags };
  }

  turns(): v2.Turn[] {
    const { turns: rebuilt, warnings } = reconstructThread(this.#lines, { activeTurnId: this.#turn?.id ?? null });
    for (const warning of warnings) this.#log.debug(`thread ${this.id}: ${warning}`);
    const turns = rebuilt.map((turn) => ({ ...turn, items: turn.items.map(withCommandActions) }));
    return this.#experimentalApi() ? (withHookRuns(turns, this.hookRuns) as v2.Turn[]) : turns;
  }

  toV2(includeTurns: boolean): v2.Thread {
    const thread = toV2Thread(this.stored, {
      status: this.status(),
      turns: includeTurns ? this.turns() : [],
      ephemeral: this.ephemeral,
    });
    if (!this.#experimentalApi()) return thread;
    const settings = this.session.settings();
    return withEnvironment(thread, settings.cwd, settings.runtime_workspace_roots ?? [settings.cwd]);
  }

  /* -------------------------------------------------------------- notifications */

  #emit(method: string, params: unknown): void {
    if (this.#held) {
      this.#held.push([method, params]);
      return;
    }
    this.#outlet.notify(method, params);
  }

  /** A notification a feature sends for this thread (MCP statuses, progress): held like the thread's own. */
  notify(method: string, params: unknown): void {
    this.#emit(method, params);
  }

  /** Buffers this thread's notifications until `release` (so a response goes out first). */
  hold(): void {
    if (!this.#held) this.#held = [];
  }

  release(): void {
    const held = this.#held;
    this.#held = null;
    for (const [method, params] of held ?? []) this.#emit(method, params);
  }

  /* -------------------------------------------------------------- user shell commands (user-shell.ts) */

  /** The turn of a running `thread/shellCommand` on an otherwise idle thread. */
  #shellTurn: string | null = null;

  cwd(): string {
    return this.session.settings().cwd;
  }

  emit(method: string, params: unknown): void {
    this.#emit(method, params);
  }

  setUserShellTurn(turnId: string | null): void {
    this.#shellTurn = turnId;
    this.emitStatus();
  }

  inject(items: ResponseItem[]): void {
    this.session.inject(items);
  }

  emitStatus(): void {
    this.#emit("thread/status/changed", { threadId: this.id, status: this.status() });
  }

  notifyNameUpdated(): void {
    this.#emit("thread/name/updated", { threadId: this.id, threadName: this.stored.name ?? null });
  }

  /* -------------------------------------------------------------- turns */

  /** Submits user input as a new turn; resolves with the turn once core started it. */
  startTurn(op: Record<string, unknown>): Promise<v2.Turn> {
    if (this.#closed) return Promise.reject(invalidRequest(`thread ${this.id} is closed`));
    if (this.#turn || this.#startWaiter || this.#shellTurn) {
      return Promise.reject(
        invalidRequest(`thread ${this.id} already has a turn in progress (${this.#turn?.id ?? this.#shellTurn ?? "starting"}); use turn/steer or turn/interrupt`),
      );
    }
    return new Promise((resolve, reject) => this.#submitWaiting(op, { kind: "regular", resolve, reject }));
  }

  /**
   * Submits an op that starts a turn and registers the waiter for its `task_started`. Events core
   * emits synchronously inside `submit` (an invalid-op error, settings applied) are replayed once
   * the submission id is known, so none is attributed to the wrong submission.
   */
  #submitWaiting(op: Record<string, unknown>, waiter: Omit<StartWaiter, "subId">): void {
    const early: SessionEvent[] = [];
    this.#capture = early;
    let subId: string;
    try {
      subId = this.session.submit(op);
    } finally {
      this.#capture = null;
    }
    this.#startWaiter = { ...waiter, subId };
    for (const event of early) this.#dispatch(event);
  }

  /** Starts a manual compaction turn. */
  compact(): void {
    if (this.#closed) throw invalidRequest(`thread ${this.id} is closed`);
    if (this.#turn || this.#startWaiter) throw invalidRequest(`thread ${this.id} already has a turn in progress`);
    this.#submitWaiting({ type: "compact" }, { kind: "compact", resolve: () => {}, reject: () => {} });
  }

  steer(expectedTurnId: string, items: unknown[]): string {
    const turn = this.#turn;
    if (!turn) throw invalidRequest("no active turn to steer");
    if (turn.id !== expectedTurnId) throw invalidRequest(`expected active turn id \`${expectedTurnId}\` but found \`${turn.id}\``);
    if (turn.kind === "compact") throw invalidRequest(`turn ${turn.id} is a manual compaction and cannot be steered`);
    this.session.submit({ type: "user_input", items });
    return turn.id;
  }

  /** Resolves pending server requests of the turn (each with `serverRequest/resolved`), then interrupts it. */
  interrupt(turnId: string): void {
    const turn = this.#turn;
    if (!turn) throw invalidRequest(`no active turn to interrupt in thread ${this.id}`);
    if (turn.id !== turnId) throw invalidRequest(`expected active turn id \`${turnId}\` but found \`${turn.id}\``);
    this.#resolvePending(turn);
    this.session.submit({ type: "interrupt" });
  }

  #resolvePending(turn: TurnState): void {
    for (const pending of turn.pending.values()) {
      if (pending.resolved) continue;
      pending.resolved = true;
      this.#emit("serverRequest/resolved", { threadId: this.id, requestId: pending.id });
      this.#outlet.cancelRequest(pending.id);
    }
  }

  /** Stops the session and writes everything recorded. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const turn = this.#turn;
    if (turn) this.#resolvePending(turn);
    try {
      await this.#session?.shutdown();
    } catch (error) {
      this.#log.error(`thread ${this.id}: shutdown failed: ${errorMessage(error)}`);
    }
    await this.flush();
  }

  /* -------------------------------------------------------------- server requests (core callbacks) */

  async #serverRequest(
    kind: PendingServerRequest["kind"],
    method: string,
    params: unknown,
  ): Promise<ServerRequestOutcome> {
    const turn = this.#turn;
    const { id, outcome } = this.#outlet.request(method, params);
    const pending: PendingServerRequest = { id, kind, resolved: false };
    turn?.pending.set(id, pending);
    if (turn && kind !== "tool") this.emitStatus();
    const result = await outcome;
    turn?.pending.delete(id);
    if (!pending.resolved) {
      pending.resolved = true;
      this.#emit("serverRequest/resolved", { threadId: this.id, requestId: id });
      if (turn && kind !== "tool" && this.#turn === turn) this.emitStatus();
    }
    return result;
  }

  /** A server request a feature sends for the active turn (MCP elicitations): resolved on interrupt like approvals. */
  serverRequest(method: string, params: unknown): Promise<ServerRequestOutcome> {
    return this.#serverRequest("userInput", method, params);
  }

  readonly #callbacks: ReturnType<typeof clientCallbacks>;

  get approvalHandler() {
    return this.#callbacks.approvalHandler;
  }

  get permissionsHandler() {
    return this.#callbacks.permissionsHandler;
  }

  get dynamicToolHandler() {
    return this.#callbacks.dynamicToolHandler;
  }

  get userInputHandler() {
    return this.#callbacks.userInputHandler;
  }

  /* -------------------------------------------------------------- core events → notifications */

  #onEvent(event: SessionEvent): void {
    const msg = event.msg;
    const waiter = this.#startWaiter;
    if (waiter && event.id === waiter.subId && msg.type === "error" && !this.#turn) {
      this.#startWaiter = null;
      waiter.reject(invalidRequest(msg.message));
      return;
    }
    const turn = this.#turn;
    const base = turn ? { threadId: this.id, turnId: turn.id } : null;
    switch (msg.type) {
      case "task_started": {
        const state: TurnState = {
          id: msg.turn_id,
          kind: waiter && event.id === waiter.subId ? waiter.kind : "regular",
          items: [],
          startedAt: nowSeconds(),
          startedAtMs: Date.now(),
          error: null,
          agentItemId: null,
          reasoningItemId: null,
          summaryIndex: 0,
          pending: new Map(),
        };
        this.#turn = state;
        const v2turn = this.#turnView(state, "inProgress");
        if (waiter && event.id === waiter.subId) {
          this.#startWaiter = null;
          waiter.resolve(v2turn);
        }
        this.emitStatus();
        this.#emit("turn/started", { threadId: this.id, turn: v2turn });
        return;
      }
      case "task_complete":
      case "turn_aborted": {
        if (!turn) return;
        this.#resolvePending(turn);
        const status: v2.TurnStatus =
          msg.type === "turn_aborted" ? "interrupted" : turn.error ? "failed" : "completed";
        this.#turn = null;
        const view = this.#turnView(turn, status);
        view.completedAt = nowSeconds();
        view.durationMs = Date.now() - turn.startedAtMs;
        // As Codex orders them: the thread is idle before its turn is reported completed.
        this.emitStatus();
        this.#emit("turn/completed", { threadId: this.id, turn: view });
        void this.flush();
        return;
      }
      case "item_started":
      case "item_completed": {
        const mapped = itemEventToV2(msg);
        if (!mapped) return;
        const item = withCommandActions(mapped);
        const turnId = msg.turn_id;
        if (msg.type === "item_started") {
          if (turn && item.type === "agentMessage") turn.agentItemId = item.id;
          if (turn && item.type === "reasoning") {
            turn.reasoningItemId = item.id;
            turn.summaryIndex = 0;
          }
          this.#emit("item/started", { threadId: this.id, turnId, item, startedAtMs: msg.started_at_ms ?? Date.now() });
        } else {
          if (turn) {
            const index = turn.items.findIndex((existing) => existing.id === item.id && existing.type === item.type);
            if (index >= 0) turn.items[index] = item;
            else turn.items.push(item);
          }
          this.#emit("item/completed", { threadId: this.id, turnId, item, completedAtMs: msg.completed_at_ms ?? Date.now() });
        }
        return;
      }
      case "agent_message_delta":
        if (base && turn?.agentItemId) this.#emit("item/agentMessage/delta", { ...base, itemId: turn.agentItemId, delta: msg.delta });
        return;
      case "agent_reasoning_delta":
        if (base && turn?.reasoningItemId) {
          this.#emit("item/reasoning/summaryTextDelta", {
            ...base,
            itemId: turn.reasoningItemId,
            delta: msg.delta,
            summaryIndex: turn.summaryIndex,
          });
        }
        return;
      case "agent_reasoning_raw_content_delta":
        if (base && turn?.reasoningItemId) {
          this.#emit("item/reasoning/textDelta", { ...base, itemId: turn.reasoningItemId, delta: msg.delta, contentIndex: 0 });
        }
        return;
      case "agent_reasoning_section_break":
        if (turn) turn.summaryIndex += 1;
        return;
      case "exec_command_output_delta":
        if (base) {
          this.#emit("item/commandExecution/outputDelta", {
            ...base,
            itemId: msg.call_id,
            delta: Buffer.from(msg.chunk, "base64").toString("utf8"),
          });
        }
        return;
      case "turn_diff":
        if (base) this.#emit("turn/diff/updated", { ...base, diff: msg.unified_diff });
        return;
      case "plan_update":
        if (base) {
          this.#emit("turn/plan/updated", {
            ...base,
            explanation: msg.explanation ?? null,
            plan: msg.plan.map((step) => ({ step: step.step, status: planStatus(step.status) })),
          });
        }
        return;
      case "token_count":
        if (msg.info && base) {
          this.#emit("thread/tokenUsage/updated", {
            ...base,
            tokenUsage: {
              total: toV2TokenBreakdown(this.#threadTotal(msg.info.total_token_usage)),
              last: toV2TokenBreakdown(msg.info.last_token_usage),
              modelContextWindow: msg.info.model_context_window ?? null,
            },
          });
        }
        if (msg.rate_limits) this.#emit("account/rateLimits/updated", { rateLimits: toV2RateLimits(msg.rate_limits) });
        return;
      case "model_reroute":
        if (base) {
          this.#emit("model/rerouted", { ...base, fromModel: msg.from_model, toModel: msg.to_model, reason: "highRiskCyberActivity" });
        }
        return;
      case "hook_started":
      case "hook_completed": {
        const turnId = msg.turn_id ?? turn?.id ?? null;
        if (msg.type === "hook_completed" && turnId) {
          addRun(this.hookRuns, turnId, msg.run as v2.HookRunSummary);
          if (!this.ephemeral) {
            const problem = appendHookRuns(this.#codexHome, this.id, [{ turnId, run: msg.run as v2.HookRunSummary }]);
            if (problem) this.#log.warn(`thread ${this.id}: ${problem}`);
          }
        }
        this.#emit(msg.type === "hook_started" ? "hook/started" : "hook/completed", { threadId: this.id, turnId, run: msg.run });
        return;
      }
      case "thread_name_updated":
        this.stored = { ...this.stored, name: msg.thread_name ?? null };
        this.notifyNameUpdated();
        return;
      case "thread_settings_applied":
        this.#emit("thread/settings/updated", { threadId: this.id, threadSettings: toV2ThreadSettings(msg.thread_settings) });
        return;
      case "context_compacted":
        if (base) this.#emit("thread/compacted", base);
        return;
      case "warning":
        this.#emit("warning", { threadId: this.id, message: msg.message });
        return;
      case "error":
      case "stream_error": {
        const error: v2.TurnError = {
          message: msg.message,
          codexErrorInfo: null,
          additionalDetails: msg.type === "stream_error" ? (msg.additional_details ?? null) : null,
        } as v2.TurnError;
        if (!base || !turn) {
          this.#emit("warning", { threadId: this.id, message: msg.message });
          return;
        }
        const willRetry = msg.type === "stream_error";
        if (!willRetry) turn.error = error;
        this.#emit("error", { ...base, error, willRetry });
        return;
      }
      default:
        return;
    }
  }

  #turnView(turn: TurnState, status: v2.TurnStatus): v2.Turn {
    const hookRuns = this.#experimentalApi() ? { hookRuns: this.hookRuns.get(turn.id) ?? [] } : {};
    return {
      ...hookRuns,
      id: turn.id,
      items: status === "inProgress" ? [] : [...turn.items],
      status,
      error: status === "failed" ? turn.error : null,
      startedAt: turn.startedAt,
      completedAt: null,
      durationMs: null,
      rootTurnId: null,
    } as v2.Turn;
  }
}


/**
 * The experimental `environments` of a v2 Thread, as Codex 0.169 answers an experimentalApi client:
 * the one local environment with its cwd and runtime workspace roots.
 */
export function withEnvironment(thread: v2.Thread, cwd: string, runtimeWorkspaceRoots: readonly string[]): v2.Thread {
  const environments = [{ environmentId: "local", cwd, runtimeWorkspaceRoots: [...runtimeWorkspaceRoots] }];
  return { ...thread, environments } as v2.Thread;
}
