// `exec --goal OBJECTIVE [--goal-budget TOKENS]` (beyond Codex 0.169, whose exec has no goal
// option): the thread gets a goal and exec keeps going while the goal continues, until it is
// complete, blocked, over budget or otherwise stopped; the goal's status is printed at the end.
// Unlike the app-server (which continues as Codex 0.169 does), exec stops after
// EXEC_GOAL_TURNS_WITHOUT_TOOL_CALLS continuation turns in a row that called no tool: nobody is
// watching to stop a model that only talks.
import {
  type Goal,
  type GoalEvent,
  GoalRuntime,
  goalFromEvents,
  goalsFor,
  type Session,
  type SessionRecorder,
  type ToolProviderSource,
  toThreadGoal,
} from "@codex-ts/core";
import type { RolloutLine } from "@codex-ts/protocol";
import type { CliIO } from "../io.js";

export { type ExecGoalRequest, parseGoalBudget } from "./goal-budget.js";

import type { ExecGoalRequest } from "./goal-budget.js";

export const EXEC_GOAL_TURNS_WITHOUT_TOOL_CALLS = 3;

/** One exec run's goal: its runtime (recorded in the rollout), and whether another turn follows each one. */
export class ExecGoal {
  readonly runtime: GoalRuntime;
  readonly #idle: boolean[] = [];
  readonly #waiters: Array<(more: boolean) => void> = [];

  /** `resumed`: the rollout lines of a resumed thread, whose goal (if any) is taken up again. */
  constructor(threadId: string, recorder: SessionRecorder | undefined, resumed: readonly RolloutLine[] = []) {
    this.runtime = new GoalRuntime({
      threadId,
      onEvent: (event: GoalEvent) => recorder?.recordEvent(event),
      maxTurnsWithoutToolCalls: EXEC_GOAL_TURNS_WITHOUT_TOOL_CALLS,
    });
    const events = resumed.flatMap((line) => (line.type === "event_msg" ? [line.payload] : []));
    this.runtime.restore(goalFromEvents(events, threadId));
  }

  /** The session's `toolProviders` entry; also starts watching the session go idle. */
  toolProvider(): ToolProviderSource {
    const attach = goalsFor(this.runtime);
    return (session: Session) => {
      const provider = attach(session);
      // Registered after the goal runtime's own idle listener: by then it has asked for its next turn, or not.
      session.onIdle(() => {
        const more = this.runtime.isWorking();
        const waiter = this.#waiters.shift();
        if (waiter) waiter(more);
        else this.#idle.push(more);
      });
      return provider;
    };
  }

  /** Gives the thread its goal (after the user's prompt was submitted, so that turn goes first). */
  start(request: ExecGoalRequest): string | undefined {
    // Asked to work on it: a paused or blocked goal of a resumed thread becomes active (unless over budget).
    const result = this.runtime.set({
      objective: request.objective,
      tokenBudget: request.tokenBudget,
      status: "active",
    });
    return result.ok ? undefined : result.error;
  }

  /** After a turn ended: whether the goal started another one. */
  nextTurnFollows(): Promise<boolean> {
    const known = this.#idle.shift();
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  goal(): Goal | null {
    return this.runtime.get();
  }

  /** The final report: a `goal.status` JSONL event (the SDK skips types it does not know), or a line on stderr. */
  report(io: CliIO, json: boolean): void {
    const goal = this.runtime.get();
    if (!goal) return;
    const wire = toThreadGoal(goal);
    if (json) {
      io.stdout.write(`${JSON.stringify({ type: "goal.status", goal: wire })}\n`);
      return;
    }
    const budget = wire.tokenBudget === null ? "" : ` of ${wire.tokenBudget}`;
    const stalled =
      wire.status === "active"
        ? ` (stopped: ${EXEC_GOAL_TURNS_WITHOUT_TOOL_CALLS} turns in a row without a tool call)`
        : "";
    io.stderr.write(
      `goal ${wire.status}: ${wire.tokensUsed}${budget} tokens, ${wire.timeUsedSeconds}s${stalled}\n`,
    );
  }

  /** exec's exit status for the goal: success only when it is complete. */
  succeeded(): boolean {
    return this.runtime.get()?.status === "complete";
  }
}
