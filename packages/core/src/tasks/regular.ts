// The regular task: one turn (session/turn.ts) from a user's input or a feature's `startTurn`.
import type { SessionState } from "../session/state.js";
import { runTurn, type TurnStart } from "../session/turn.js";
import type { SessionTask, TaskContext } from "./task.js";

export class RegularTask implements SessionTask {
  readonly kind = "turn" as const;

  constructor(
    private readonly start: TurnStart,
    readonly origin: string = "user",
  ) {}

  run(s: SessionState, ctx: TaskContext): Promise<string | null> {
    return runTurn(s, ctx, this.start);
  }
}
