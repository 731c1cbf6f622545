// The goal runtime of one thread: the goal, its accounting at turn boundaries, the changes it
// publishes, and the continuation turns it starts when the session is idle.
import type { EventMsg, ResponseItem } from "@codex-ts/protocol";
import type { SessionEvent } from "../session/events.js";
import {
  createGoal,
  type Goal,
  type GoalResult,
  type ModelGoalStatus,
  overBudget,
  type SetGoalRequest,
  setGoal,
  toSnapshot,
  updateGoalByModel,
} from "./model.js";
import { budgetLimitMessage, continuationMessage, objectiveItem } from "./prompts.js";

/** The turn origin goal continuation turns carry (`Session.startTurn`). */
export const GOAL_TURN_ORIGIN = "goal";

/** What the runtime needs of a session (a subset of core's `Session`). */
export interface GoalHost {
  subscribe(listener: (event: SessionEvent) => void): () => void;
  onIdle(listener: () => void): () => void;
  startTurn(start: { items?: ResponseItem[] }, options: { origin: string }): { ok: boolean };
  /** Plan mode starts no continuation turns. */
  planMode?(): boolean;
}

/** `thread_goal_updated` / `thread_goal_cleared`: record them in the rollout and tell clients. */
export type GoalEvent = Extract<EventMsg, { type: "thread_goal_updated" | "thread_goal_cleared" }>;

export interface GoalRuntimeOptions {
  threadId: string;
  /** The goal found in the thread's rollout (see `goalFromRollout`). */
  initial?: Goal | null;
  /** Every change, in order. */
  onEvent?: (event: GoalEvent) => void;
  /** Milliseconds; for tests. */
  now?: () => number;
  /**
   * Stop continuing after this many continuation turns in a row made no tool call (one model
   * response each). Unset: keep going, as Codex 0.169 does (it leaves no-progress turns to the
   * model's judgement). The goal stays active; a user turn or a set starts the count again.
   */
  maxTurnsWithoutToolCalls?: number;
}

interface TurnState {
  turnId: string;
  subId: string;
  /** Started by the runtime (a continuation turn). */
  continuation: boolean;
  /** The goal turned budget-limited during this turn (its tokens still count). */
  limited: boolean;
  /** Model responses so far: a turn of one response made no tool call. */
  responses: number;
}

export class GoalRuntime {
  readonly threadId: string;
  private goal: Goal | null;
  private readonly now: () => number;
  private readonly listeners = new Set<(event: GoalEvent) => void>();
  /** Wall-clock mark of the last time accounting (while the goal is active). */
  private mark: number;
  private turn: TurnState | undefined;
  /** A continuation turn was asked for and its `task_started` has not come yet. */
  private continuationRequested = false;
  /** After an interrupt the goal stays active but starts no turn until the user acts (Codex 0.169). */
  private deferred = false;
  /** The objective the model was last given as a `goal_objective` item (null: give it again). */
  private objectiveTold: string | null = null;
  /** Items for the next model request of the running turn (budget steering, a new objective). */
  private pending: { steer?: boolean; objective?: boolean } = {};
  /** Continuation turns in a row without a tool call (see `maxTurnsWithoutToolCalls`). */
  private idleStreak = 0;
  private readonly maxIdleStreak: number | undefined;
  private host: GoalHost | undefined;

  constructor(options: GoalRuntimeOptions) {
    this.threadId = options.threadId;
    this.goal = options.initial ? { ...options.initial } : null;
    this.now = options.now ?? Date.now;
    this.mark = this.now();
    this.maxIdleStreak = options.maxTurnsWithoutToolCalls;
    if (options.onEvent) this.listeners.add(options.onEvent);
  }

  /** Listen to goal changes; returns an unsubscribe. */
  subscribe(listener: (event: GoalEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The goal as last accounted (reading accounts nothing). */
  get(): Goal | null {
    return this.goal ? { ...this.goal } : null;
  }

  /**
   * Take the goal a resumed thread had (from its store or rollout) without publishing it or
   * starting anything (call `continueIfIdle` when the thread is ready).
   */
  restore(goal: Goal | null): void {
    this.goal = goal ? { ...goal } : null;
    this.objectiveTold = null;
    this.mark = this.now();
  }

  /** Whether a turn is running or a continuation turn was just started (and has not begun yet). */
  isWorking(): boolean {
    return this.turn !== undefined || this.continuationRequested;
  }

  /** The turn running now, if any. */
  currentTurnId(): string | null {
    return this.turn?.turnId ?? null;
  }

  /** `thread/goal/set` (the user or a client): create or change the goal; an active goal continues at once when idle. */
  set(request: SetGoalRequest, options: { continueNow?: boolean } = {}): GoalResult<Goal> {
    this.account();
    const result = setGoal(this.goal, request, this.threadId, this.seconds());
    if (!result.ok) return result;
    this.replace(result.value);
    this.deferred = false;
    this.idleStreak = 0;
    // A running turn learns a changed objective before its next request.
    if (this.turn && result.value.objective !== this.objectiveTold) this.pending.objective = true;
    this.publish(null);
    // `continueNow: false`: the caller starts it (`continueIfIdle`) once it answered its client.
    if (options.continueNow !== false) this.continueIfIdle();
    return { ok: true, value: { ...result.value } };
  }

  /** `thread/goal/clear`: whether there was a goal. */
  clear(): boolean {
    if (!this.goal) return false;
    this.goal = null;
    this.pending = {};
    this.objectiveTold = null;
    this.emit({ type: "thread_goal_cleared", threadId: this.threadId });
    return true;
  }

  /** `create_goal` (model tool, inside a turn). */
  createByModel(objective: string, tokenBudget: number | null): GoalResult<Goal> {
    this.account();
    const result = createGoal(this.goal, objective, tokenBudget, this.threadId, this.seconds());
    if (!result.ok) return result;
    this.replace(result.value);
    this.pending.objective = true;
    this.publish(this.currentTurnId());
    return { ok: true, value: { ...result.value } };
  }

  /** `update_goal` (model tool, inside a turn). Completing drops any budget steering not yet sent. */
  updateByModel(status: ModelGoalStatus): GoalResult<Goal> {
    this.account();
    const result = updateGoalByModel(this.goal, status, this.seconds());
    if (!result.ok) return result;
    this.goal = result.value;
    if (status === "complete") this.pending.steer = false;
    this.publish(this.currentTurnId());
    return { ok: true, value: { ...result.value } };
  }

  /**
   * Items the running turn should add before its next model request: the new objective after
   * `create_goal`, and once the budget ran out, the wrap-up steering (not when the goal was
   * completed meanwhile). Taken once.
   */
  takeRequestItems(): ResponseItem[] {
    const items: ResponseItem[] = [];
    const goal = this.goal;
    if (goal && this.pending.objective && goal.objective !== this.objectiveTold) {
      items.push(objectiveItem(goal));
      this.objectiveTold = goal.objective;
    }
    if (goal && this.pending.steer && goal.status === "budgetLimited") items.push(budgetLimitMessage(goal));
    this.pending = {};
    return items;
  }

  /** Follow a session: accounting from its events, continuation when it goes idle. Returns a detach. */
  attach(host: GoalHost): () => void {
    this.host = host;
    const unsubscribe = host.subscribe((event) => this.observe(event));
    const offIdle = host.onIdle(() => this.continueIfIdle());
    return () => {
      unsubscribe();
      offIdle();
      if (this.host === host) this.host = undefined;
    };
  }

  /** Start a continuation turn if the goal is active and nothing holds it back. */
  continueIfIdle(): boolean {
    const goal = this.goal;
    const host = this.host;
    if (
      !host ||
      !goal ||
      goal.status !== "active" ||
      this.deferred ||
      this.turn ||
      this.continuationRequested
    )
      return false;
    if (host.planMode?.()) return false;
    if (this.maxIdleStreak !== undefined && this.idleStreak >= this.maxIdleStreak) return false;
    const items: ResponseItem[] = [];
    if (this.objectiveTold !== goal.objective) items.push(objectiveItem(goal));
    items.push(continuationMessage(goal));
    const started = host.startTurn({ items }, { origin: GOAL_TURN_ORIGIN });
    if (!started.ok) return false;
    this.continuationRequested = true;
    this.objectiveTold = goal.objective;
    return true;
  }

  /** Feed one session event (what `attach` does for each). */
  observe(event: SessionEvent): void {
    const msg = event.msg;
    switch (msg.type) {
      case "task_started": {
        this.account();
        const continuation = this.continuationRequested;
        this.continuationRequested = false;
        this.turn = { turnId: msg.turn_id, subId: event.id, continuation, limited: false, responses: 0 };
        if (!continuation) {
          // The user acts: an interrupted goal may go on afterwards, and the model is told the objective again.
          this.deferred = false;
          this.idleStreak = 0;
          this.objectiveTold = null;
        }
        return;
      }
      case "token_count": {
        // As Codex counts a goal's tokens: uncached input plus output.
        const last = msg.info?.last_token_usage;
        const used = last
          ? Math.max(0, last.input_tokens - last.cached_input_tokens) + last.output_tokens
          : 0;
        if (this.turn) this.turn.responses++;
        if (used > 0) this.countTokens(used);
        return;
      }
      case "error": {
        if (!this.turn || event.id !== this.turn.subId) return;
        const info = msg.codex_error_info;
        this.failTurn(info === "usage_limit_exceeded" ? "usageLimited" : "blocked");
        return;
      }
      case "turn_aborted": {
        if (this.goal?.status === "active" && msg.reason === "interrupted") {
          this.account();
          this.deferred = true;
          this.publish(this.currentTurnId());
        }
        this.endTurn();
        return;
      }
      case "task_complete":
        this.account();
        if (this.turn?.continuation) this.idleStreak = this.turn.responses <= 1 ? this.idleStreak + 1 : 0;
        this.endTurn();
        return;
      default:
        return;
    }
  }

  // -------------------------------------------------------------------------------------------

  private countTokens(used: number): void {
    const goal = this.goal;
    if (!goal) return;
    const counts =
      goal.status === "active" || (goal.status === "budgetLimited" && this.turn?.limited === true);
    if (!counts) return;
    this.account();
    goal.tokensUsed += used;
    goal.updatedAt = this.seconds();
    if (goal.status === "active" && overBudget(goal)) {
      goal.status = "budgetLimited";
      if (this.turn) this.turn.limited = true;
      this.pending.steer = true;
    }
    this.publish(this.currentTurnId());
  }

  private failTurn(status: "usageLimited" | "blocked"): void {
    const goal = this.goal;
    if (goal?.status !== "active") return;
    this.account();
    goal.status = status;
    goal.updatedAt = this.seconds();
    this.publish(this.currentTurnId());
  }

  private endTurn(): void {
    this.turn = undefined;
    this.pending = {};
  }

  /** Wall-clock time since the last boundary counts while the goal is active (milliseconds kept). */
  private account(): void {
    const now = this.now();
    if (this.goal?.status === "active") this.goal.timeUsedMs += Math.max(0, now - this.mark);
    this.mark = now;
  }

  private replace(goal: Goal): void {
    if (this.goal?.objective !== goal.objective) this.objectiveTold = null;
    this.goal = goal;
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  private publish(turnId: string | null): void {
    if (!this.goal) return;
    const event: GoalEvent = {
      type: "thread_goal_updated",
      threadId: this.threadId,
      goal: toSnapshot(this.goal),
    };
    if (turnId) event.turnId = turnId;
    this.emit(event);
  }

  private emit(event: GoalEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not break the goal.
      }
    }
  }
}
