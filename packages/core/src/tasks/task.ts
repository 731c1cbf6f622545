// Tasks: what the session runs one at a time (a regular turn, a compaction). `TaskRunner.spawn`
// starts, finishes and aborts every kind the same way: task_started, then task_complete, or
// turn_aborted on interrupt. It also knows when the session is idle (the `onIdle` seam).
import { v7 as uuidv7 } from "uuid";
import { Aborted, type ActiveTask, type SessionState } from "../session/state.js";

/** What a running task gets. */
export interface TaskContext {
  subId: string;
  turnId: string;
  signal: AbortSignal;
  /** The session's view of this task (steered input arrives in `pendingInput`). */
  active: ActiveTask;
}

export interface SessionTask {
  readonly kind: ActiveTask["kind"];
  /** Who started it: `user` (an op), or a feature (e.g. `goal`) through `startTurn`. */
  readonly origin: string;
  /** Run to the end; returns the last agent message. Throws `Aborted` when interrupted. */
  run(s: SessionState, ctx: TaskContext): Promise<string | null>;
}

export class TaskRunner {
  private queue: Promise<void> = Promise.resolve();
  /** Tasks spawned and not finished yet (running or waiting). */
  private pending = 0;
  private readonly idleListeners = new Set<() => void>();

  constructor(private readonly s: SessionState) {}

  /** Nothing running and nothing waiting. */
  isIdle(): boolean {
    return this.pending === 0;
  }

  /** Wait for everything queued so far. */
  drained(): Promise<void> {
    return this.queue.catch(() => {});
  }

  /**
   * Called each time the session becomes idle after a task (a tick later, and only if it still
   * is: an op submitted meanwhile goes first). Returns an unsubscribe function.
   */
  onIdle(listener: () => void): () => void {
    this.idleListeners.add(listener);
    return () => this.idleListeners.delete(listener);
  }

  /** Queue a task behind the running one. */
  spawn(subId: string, task: SessionTask): void {
    this.pending++;
    this.queue = this.queue.then(async () => {
      try {
        if (!this.s.shuttingDown) await this.runOne(subId, task);
      } finally {
        this.pending--;
        if (this.pending === 0) setImmediate(() => this.notifyIdle());
      }
    });
  }

  private async runOne(subId: string, task: SessionTask): Promise<void> {
    const s = this.s;
    const turnId = uuidv7();
    // A sub-agent's turn belongs to the chain of work of its parent's running turn.
    const rootTurnId = s.options.parentTurn?.()?.rootTurnId ?? turnId;
    const controller = new AbortController();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const active: ActiveTask = {
      kind: task.kind,
      origin: task.origin,
      turnId,
      rootTurnId,
      subId,
      controller,
      pendingInput: [],
      done,
    };
    s.active = active;
    const startedAt = Date.now();
    try {
      s.emit(subId, {
        type: "task_started",
        turn_id: turnId,
        root_turn_id: rootTurnId,
        model_context_window: s.contextWindow() ?? null,
        collaboration_mode_kind: s.modeKind(),
      });
      const lastAgentMessage = await task.run(s, { subId, turnId, signal: controller.signal, active });
      // Not busy any more by the time listeners see task_complete.
      s.active = undefined;
      s.emit(subId, {
        type: "task_complete",
        turn_id: turnId,
        last_agent_message: lastAgentMessage,
        duration_ms: Date.now() - startedAt,
      });
    } catch (error) {
      s.active = undefined;
      if (error instanceof Aborted) {
        s.emit(subId, {
          type: "turn_aborted",
          turn_id: turnId,
          reason: "interrupted",
          duration_ms: Date.now() - startedAt,
        });
      } else {
        // Defensive: a bug must surface as an event, never as an unhandled rejection.
        s.emit(subId, {
          type: "error",
          message: `internal error: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    } finally {
      s.active = undefined;
      finish();
    }
  }

  private notifyIdle(): void {
    if (!this.isIdle() || this.s.shuttingDown) return;
    for (const listener of [...this.idleListeners]) {
      try {
        listener();
      } catch {
        // a listener's failure is its own
      }
    }
  }
}
