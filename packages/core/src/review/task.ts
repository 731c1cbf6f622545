// The review task: a turn of its own kind on the reviewed thread. It enters review mode, runs the
// review in a child session (a `review` sub-agent: the reviewer's instructions instead of the
// coding agent's, read-only, no approvals, no editing or sub-agent tools), reads the reviewer's
// JSON answer, exits review mode with it and leaves the result in the thread's history, as Codex.
import type { EventMsg, ResponseItem, TurnItem } from "@codex-ts/protocol";
import { v7 as uuidv7 } from "uuid";
import type { SessionEvent } from "../session/events.js";
import type { Session } from "../session/session.js";
import { Aborted, type SessionState } from "../session/state.js";
import type { SessionTask, TaskContext } from "../tasks/task.js";
import { formatReviewOutput, parseReviewOutput, type ReviewOutput, reviewResultMessage } from "./output.js";
import { runHelperTurn } from "./child.js";
import { REVIEW_INSTRUCTIONS } from "./prompt.js";
import type { ReviewRequest, ReviewTarget } from "./target.js";

/** Options of one review. */
export interface ReviewOptions {
  /** The reviewer's model (config `review_model`); default the thread's current model. */
  model?: string;
}

/** The rollout/wire shape of a target (Codex's snake_case `ReviewTarget`). */
function coreTarget(target: ReviewTarget): Record<string, unknown> {
  switch (target.type) {
    case "uncommittedChanges":
      return { type: "uncommittedChanges" };
    case "baseBranch":
      return { type: "baseBranch", branch: target.branch };
    case "commit":
      return { type: "commit", sha: target.sha, title: target.title ?? null };
    case "custom":
      return { type: "custom", instructions: target.instructions };
  }
}

/** Child events the reviewed thread shows live (the reviewer's commands and their output). */
const FORWARDED = new Set(["item_started", "item_completed", "exec_command_output_delta", "terminal_interaction"]);

export class ReviewTask implements SessionTask {
  readonly kind = "review" as const;

  constructor(
    private readonly session: Session,
    private readonly request: ReviewRequest,
    readonly origin: string = "user",
    private readonly options: ReviewOptions = {},
  ) {}

  async run(s: SessionState, ctx: TaskContext): Promise<string | null> {
    const { subId, turnId } = ctx;
    s.emit(subId, {
      type: "entered_review_mode",
      target: coreTarget(this.request.target),
      user_facing_hint: this.request.userFacingHint,
    } as EventMsg);
    let output: ReviewOutput | null = null;
    try {
      const answer = await this.runReviewer(s, ctx);
      output = parseReviewOutput(answer ?? "");
    } finally {
      // Leaving review mode happens whatever ended it (an interrupt exits with no output).
      s.emit(subId, { type: "exited_review_mode", review_output: output } as EventMsg);
    }
    const text = formatReviewOutput(output);
    const result: ResponseItem[] = [
      { type: "message", role: "user", content: [{ type: "input_text", text: reviewResultMessage(text) }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text }] },
    ] as ResponseItem[];
    s.history.push(...result);
    const item: TurnItem = { type: "AgentMessage", id: `msg_${uuidv7()}`, content: [{ type: "Text", text }] };
    const started = Date.now();
    s.emitItem(subId, turnId, "started", item, started);
    s.emit(subId, { type: "agent_message", message: text });
    s.emitItem(subId, turnId, "completed", item, started);
    return text;
  }

  /** Run the reviewer to its end; its last message, or null. Throws `Aborted` when interrupted. */
  private async runReviewer(s: SessionState, ctx: TaskContext): Promise<string | null> {
    const result = await runHelperTurn(this.session, {
      kind: "review",
      instructions: REVIEW_INSTRUCTIONS,
      message: this.request.prompt,
      ...(this.options.model ? { model: this.options.model } : {}),
      signal: ctx.signal,
      onEvent: (event) => this.forward(s, ctx, event),
    });
    if (result.aborted) throw new Aborted();
    if (result.error && result.lastMessage === null) s.emit(ctx.subId, { type: "warning", message: `review failed: ${result.error}` });
    return result.lastMessage;
  }

  /** The reviewer's items and command output appear in the reviewed thread's turn (not recorded there). */
  private forward(s: SessionState, ctx: TaskContext, event: SessionEvent): void {
    const msg = event.msg as EventMsg & { turn_id?: string; thread_id?: string; item?: TurnItem };
    if (!FORWARDED.has(msg.type)) return;
    // The reviewer's raw JSON answer is shown once, formatted, by the review turn itself.
    if (msg.item?.type === "AgentMessage" || msg.item?.type === "UserMessage") return;
    const rewritten = { ...msg, ...(msg.turn_id ? { turn_id: ctx.turnId } : {}), ...(msg.thread_id ? { thread_id: s.threadId } : {}) };
    s.hub.emit({ id: ctx.subId, msg: rewritten as SessionEvent["msg"] });
  }
}
