/**
 * One loaded thread: a core session, its recorded history (rollout lines, persisted through the
 * thread store), the running turn, and the mapping of core events to v2 notifications and server
 * requests.
 */

import type { Session, SessionEvent } from "@codex-ts/core";
import type { HookEngine } from "@codex-ts/hooks";
import type { ResponseItem, RolloutLine, v2 } from "@codex-ts/protocol";
import { type PersistenceMode, reconstructThread } from "@codex-ts/rollout";
import { type StoredThread, type ThreadStore, toV2Thread } from "@codex-ts/thread-store";
import { withCommandActions } from "./command-actions.js";
import { errorMessage } from "./errors.js";
import { type HookRunsByTurn, recordHookRun, withHookRuns } from "./hook-runs.js";
import type { Logger } from "./log.js";
import { toV2ThreadSettings, withEnvironment } from "./mapping.js";
import { NotificationGate } from "./notification-gate.js";
import { publishCompletedTurn } from "./read-state.js";
import type { ThreadSubscribers } from "./subscriptions.js";
import { ThreadRecorder } from "./thread-recorder.js";
import { clientCallbacks } from "./thread-requests.js";
import { ThreadServerRequests } from "./thread-server-requests.js";
import { ThreadTurns } from "./thread-turns.js";
import type { ServerRequestOutcome } from "./transport.js";
import { activeFlags, completedTurnView, endStatus, type TurnState, turnEventNotifications, turnView } from "./turn-events.js";

/** What a thread needs from its clients: its subscribers (see subscriptions.ts). */
export type ThreadOutlet = ThreadSubscribers;

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

export class LiveThread {
  readonly id: string;
  stored: StoredThread;
  readonly ephemeral: boolean;
  readonly mode: PersistenceMode;
  readonly #outlet: ThreadOutlet;
  readonly #log: Logger;
  /** The thread's rollout lines: kept for thread/read, written through the store (thread-recorder.ts). */
  readonly #history: ThreadRecorder;
  #session: Session | undefined;
  /** The turn lifecycle: start, join, compact, review, steer, interrupt (thread-turns.ts). */
  readonly #turns: ThreadTurns;
  /** Approvals and other server requests of the active turn (thread-server-requests.ts). */
  readonly #requests: ThreadServerRequests;
  /** Collects events emitted synchronously while an op is being submitted. */
  #capture: SessionEvent[] | null = null;
  /** The thread's notifications, in order; paused while a response or a turn's last write is pending. */
  readonly #gate: NotificationGate;
  // Held until the response that created or loaded the thread is written (see `release`).
  #responseHold: (() => void) | null;
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
    this.#outlet = init.outlet;
    this.#gate = new NotificationGate((method, params) => this.#outlet.notify(method, params));
    this.#responseHold = this.#gate.pause();
    this.#log = init.log;
    this.#history = new ThreadRecorder({
      threadId: init.id,
      mode: init.mode,
      store: init.ephemeral ? null : init.store,
      history: init.history,
      log: init.log,
      onStored: (stored) => {
        this.stored = stored;
      },
    });
    this.#codexHome = init.codexHome;
    this.#experimentalApi = init.experimentalApi;
    this.hookRuns = init.hookRuns ?? new Map();
    const thread = this;
    this.#requests = new ThreadServerRequests({
      id: this.id,
      outlet: this.#outlet,
      activeTurn: () => this.#turns.turn,
      // After the notifications emitted before it (they may still wait for their rollout lines).
      afterEmitted: () => new Promise<void>((resolve) => this.#gate.run(resolve)),
      emit: (method, params) => this.#emit(method, params),
      emitStatus: () => this.emitStatus(),
    });
    this.#turns = new ThreadTurns({
      id: this.id,
      get session() {
        return thread.session;
      },
      get closed() {
        return thread.#closed;
      },
      get shellTurn() {
        return thread.#shellTurn;
      },
      submitCapturing: (op, registered) => this.#submitCapturing(op, registered),
      resolvePending: (turn) => this.#requests.resolvePending(turn),
      view: (turn, status) => this.#turnView(turn, status),
    });
    this.callbacks = clientCallbacks({
      id: this.id,
      log: this.#log,
      ask: (kind, method, params) => this.#requests.ask(kind, method, params),
      warn: (message) => {
        this.#log.warn(`thread ${this.id}: ${message}`);
        this.#emit("warning", { threadId: this.id, message });
      },
    });
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
    return this.#turns.turn?.id ?? null;
  }

  /* -------------------------------------------------------------- recorder (core → rollout lines) */

  /** Core's recorder for this thread (items, events, turn contexts → rollout lines). */
  get recorder(): ThreadRecorder["sink"] {
    return this.#history.sink;
  }

  /** Writes recorded lines to the store (in order); resolves when they are on disk. */
  flush(): Promise<void> {
    return this.#history.flush();
  }

  /* -------------------------------------------------------------- v2 views */

  status(): v2.ThreadStatus {
    const turn = this.#turns.turn;
    if (!turn) return this.#turns.starting || this.#shellTurn ? { type: "active", activeFlags: [] } : { type: "idle" };
    return { type: "active", activeFlags: activeFlags(turn) };
  }

  turns(): v2.Turn[] {
    const { turns: rebuilt, warnings } = reconstructThread(this.#history.lines, {
      activeTurnId: this.#turns.turn?.id ?? null,
    });
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

  /**
   * Write-ahead: a notification goes out only once every line recorded before it is written, so
   * what a client saw — the turn's prompt on turn/started, the whole turn on turn/completed —
   * survives a crash and is there for a thread/read on another server sharing the store.
   */
  #emit(method: string, params: unknown): void {
    if (!this.#history.dirty) {
      this.#gate.emit(method, params);
      return;
    }
    const written = this.#gate.pause();
    this.#gate.emit(method, params);
    void this.#history.flush().finally(written);
  }

  /** A notification a feature sends for this thread (MCP statuses, progress): held like the thread's own. */
  notify(method: string, params: unknown): void {
    this.#emit(method, params);
  }

  /** Buffers this thread's notifications until `release` (so a response goes out first). */
  hold(): void {
    this.#responseHold ??= this.#gate.pause();
  }

  release(): void {
    this.#responseHold?.();
    this.#responseHold = null;
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

  /* -------------------------------------------------------------- turns (thread-turns.ts) */

  /** User input: starts a turn on an idle thread, joins a running regular one (see ThreadTurns.start). */
  startTurn(op: Record<string, unknown>): Promise<v2.Turn> {
    return this.#turns.start(op);
  }

  /** Runs `start` (core's startReview) so that the turn it begins is known as a review turn. */
  beginReview<T extends { ok: boolean }>(start: () => T): T {
    return this.#turns.beginReview(start);
  }

  /** Starts a manual compaction turn. */
  compact(): void {
    this.#turns.compact();
  }

  steer(expectedTurnId: string, items: unknown[]): string {
    return this.#turns.steer(expectedTurnId, items);
  }

  interrupt(turnId: string): void {
    this.#turns.interrupt(turnId);
  }

  /**
   * Submits an op with the events core emits synchronously inside `submit` (an invalid-op error,
   * settings applied) held back until `registered(subId)` ran, then dispatched.
   */
  #submitCapturing(op: Record<string, unknown>, registered: (subId: string) => void): void {
    const early: SessionEvent[] = [];
    this.#capture = early;
    let subId: string;
    try {
      subId = this.session.submit(op);
    } finally {
      this.#capture = null;
    }
    registered(subId);
    for (const event of early) this.#dispatch(event);
  }

  /** Stops the session and writes everything recorded. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const turn = this.#turns.turn;
    if (turn) this.#requests.resolvePending(turn);
    try {
      await this.#session?.shutdown();
    } catch (error) {
      this.#log.error(`thread ${this.id}: shutdown failed: ${errorMessage(error)}`);
    }
    await this.flush();
  }

  /* -------------------------------------------------------------- server requests (thread-server-requests.ts) */

  /** A server request a feature sends for the active turn (MCP elicitations): resolved on interrupt like approvals. */
  serverRequest(method: string, params: unknown): Promise<ServerRequestOutcome> {
    return this.#requests.ask("userInput", method, params);
  }

  /** Core's callbacks for approvals, permissions, dynamic tools and user input (thread-requests.ts). */
  readonly callbacks: ReturnType<typeof clientCallbacks>;

  /* -------------------------------------------------------------- core events → notifications */

  #onEvent(event: SessionEvent): void {
    const msg = event.msg;
    if (msg.type === "error" && this.#turns.onStartError(event, msg.message)) return;
    const turn = this.#turns.turn;
    switch (msg.type) {
      case "task_started": {
        const state = this.#turns.onStarted(event, msg.turn_id, msg.root_turn_id ?? null);
        this.emitStatus();
        this.#emit("turn/started", { threadId: this.id, turn: this.#turnView(state, "inProgress") });
        return;
      }
      case "task_complete":
      case "turn_aborted": {
        const turn = this.#turns.onEnded();
        if (!turn) return;
        const view = completedTurnView(turn, endStatus(turn, msg.type === "turn_aborted"), this.#hookRunsOf(turn));
        // A durable thread's read state now points at its first unread turn (experimental clients).
        if (!this.ephemeral && this.#experimentalApi()) {
          try {
            const readState = publishCompletedTurn(this.#codexHome, this.id, turn.id);
            this.#emit("thread/readState/changed", { threadId: this.id, readState });
          } catch (error) {
            this.#log.warn(`thread ${this.id}: cannot record the read state: ${errorMessage(error)}`);
          }
        }
        // As Codex orders them: the thread is idle before its turn is reported completed (which,
        // as every notification, waits for the turn's last line to be written: see #emit).
        this.emitStatus();
        this.#emit("turn/completed", { threadId: this.id, turn: view });
        return;
      }
      case "hook_started":
      case "hook_completed": {
        const turnId = msg.turn_id ?? turn?.id ?? null;
        const problem = msg.type === "hook_completed" && turnId ? recordHookRun(this.hookRuns, this.ephemeral ? null : this.#codexHome, this.id, turnId, msg.run as v2.HookRunSummary) : undefined;
        if (problem) this.#log.warn(`thread ${this.id}: ${problem}`);
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
      default: {
        const notifications = turnEventNotifications(msg, { threadId: this.id, turn, threadTotal: (total) => this.#history.threadTotal(total) });
        for (const [method, params] of notifications ?? []) this.#emit(method, params);
      }
    }
  }

  /** The turn's hook runs, for an experimentalApi client only. */
  #hookRunsOf(turn: TurnState): v2.HookRunSummary[] | undefined {
    return this.#experimentalApi() ? (this.hookRuns.get(turn.id) ?? []) : undefined;
  }

  #turnView(turn: TurnState, status: v2.TurnStatus): v2.Turn {
    return turnView(turn, status, this.#hookRunsOf(turn));
  }
}
