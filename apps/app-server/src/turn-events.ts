/**
 * The running turn's state and the pure mapping of core turn events to v2 notifications: no I/O,
 * no session, so it is tested alone (turn-events.test.ts). `LiveThread` (thread.ts) owns the turn's
 * lifecycle (task_started / task_complete / turn_aborted), server requests and persistence, and
 * hands every other event to `turnEventNotifications`.
 */
import { randomUUID } from "node:crypto";
import { formatReviewOutput, ReviewOutput, type SessionEventMsg } from "@codex-ts/core";
import type { RequestId, v2 } from "@codex-ts/protocol";
import { withCommandActions } from "./command-actions.js";
import { itemEventToV2, planStatus, toV2RateLimits, toV2TokenBreakdown } from "./mapping.js";

/** A server request of the turn that is still open. */
export interface PendingServerRequest {
  id: RequestId;
  kind: "approval" | "userInput" | "tool";
  /** Set once `serverRequest/resolved` was sent (an answer, or an interrupt). */
  resolved: boolean;
}

export interface TurnState {
  id: string;
  kind: "regular" | "compact" | "review";
  items: v2.ThreadItem[];
  startedAt: number;
  startedAtMs: number;
  error: v2.TurnError | null;
  pending: Map<RequestId, PendingServerRequest>;
  /** The first turn of the chain of work this turn belongs to (its own id for a turn a client started). */
  rootTurnId: string | null;
}

/** One notification: method and params. */
export type Notification = [method: string, params: unknown];

export function newTurnState(
  id: string,
  kind: TurnState["kind"],
  nowMs = Date.now(),
  rootTurnId: string | null = null,
): TurnState {
  return {
    id,
    kind,
    rootTurnId,
    items: [],
    startedAt: Math.floor(nowMs / 1000),
    startedAtMs: nowMs,
    error: null,
    pending: new Map(),
  };
}

/** The v2 `Turn` of `turn` in `status` (items only once it ended; `hookRuns` only when given). */
export function turnView(turn: TurnState, status: v2.TurnStatus, hookRuns?: readonly v2.HookRunSummary[]): v2.Turn {
  return {
    ...(hookRuns ? { hookRuns: [...hookRuns] } : {}),
    id: turn.id,
    items: status === "inProgress" ? [] : [...turn.items],
    status,
    error: status === "failed" ? turn.error : null,
    startedAt: turn.startedAt,
    completedAt: null,
    durationMs: null,
    rootTurnId: turn.rootTurnId,
  } as v2.Turn;
}

/** What the running turn waits for: the thread's `activeFlags`. */
export function activeFlags(turn: TurnState): ("waitingOnApproval" | "waitingOnUserInput")[] {
  const flags: ("waitingOnApproval" | "waitingOnUserInput")[] = [];
  for (const pending of turn.pending.values()) {
    if (pending.kind === "approval" && !flags.includes("waitingOnApproval")) flags.push("waitingOnApproval");
    if (pending.kind === "userInput" && !flags.includes("waitingOnUserInput")) flags.push("waitingOnUserInput");
  }
  return flags;
}

/** The status a turn ends with. */
export function endStatus(turn: TurnState, aborted: boolean): v2.TurnStatus {
  return aborted ? "interrupted" : turn.error ? "failed" : "completed";
}

/** The finished view: `turn/completed`'s turn (completedAt, durationMs set). */
export function completedTurnView(turn: TurnState, status: v2.TurnStatus, hookRuns?: readonly v2.HookRunSummary[], nowMs = Date.now()): v2.Turn {
  return { ...turnView(turn, status, hookRuns), completedAt: Math.floor(nowMs / 1000), durationMs: nowMs - turn.startedAtMs };
}

export interface TurnEventContext {
  threadId: string;
  /** The running turn (updated in place: items, error); null between turns. */
  turn: TurnState | null;
  /** The thread's token totals (core's session total plus what the thread had before a resume). */
  threadTotal: <T extends object | null | undefined>(sessionTotal: T) => T;
  nowMs?: () => number;
}

/**
 * The notifications one core event becomes while `ctx.turn` runs (or between turns: warnings).
 * `null` when the event is not a turn event (lifecycle, hooks, names, settings: thread.ts).
 */
export function turnEventNotifications(msg: SessionEventMsg, ctx: TurnEventContext): Notification[] | null {
  const { threadId, turn } = ctx;
  const now = ctx.nowMs ?? Date.now;
  const base = turn ? { threadId, turnId: turn.id } : null;
  switch (msg.type) {
    case "item_started":
    case "item_completed": {
      const mapped = itemEventToV2(msg);
      if (!mapped) return [];
      const item = withCommandActions(mapped);
      const turnId = msg.turn_id;
      if (msg.type === "item_started") {
        return [["item/started", { threadId, turnId, item, startedAtMs: msg.started_at_ms ?? now() }]];
      }
      if (turn) {
        const index = turn.items.findIndex((existing) => existing.id === item.id && existing.type === item.type);
        if (index >= 0) turn.items[index] = item;
        else turn.items.push(item);
      }
      return [["item/completed", { threadId, turnId, item, completedAtMs: msg.completed_at_ms ?? now() }]];
    }
    // Streamed text names its item (core's item-tied deltas, as Codex 0.169).
    case "agent_message_content_delta":
      return base ? [["item/agentMessage/delta", { ...base, itemId: msg.item_id, delta: msg.delta }]] : [];
    case "reasoning_content_delta":
      return base
        ? [["item/reasoning/summaryTextDelta", { ...base, itemId: msg.item_id, delta: msg.delta, summaryIndex: msg.summary_index }]]
        : [];
    case "reasoning_raw_content_delta":
      return base ? [["item/reasoning/textDelta", { ...base, itemId: msg.item_id, delta: msg.delta, contentIndex: msg.content_index }]] : [];
    case "agent_reasoning_section_break":
      return base && msg.item_id !== undefined
        ? [["item/reasoning/summaryPartAdded", { ...base, itemId: msg.item_id, summaryIndex: msg.summary_index ?? 0 }]]
        : [];
    case "exec_command_output_delta":
      return base
        ? [["item/commandExecution/outputDelta", { ...base, itemId: msg.call_id, delta: Buffer.from(msg.chunk, "base64").toString("utf8") }]]
        : [];
    case "terminal_interaction":
      return base
        ? [["item/commandExecution/terminalInteraction", { ...base, itemId: msg.call_id, processId: msg.process_id, stdin: msg.stdin }]]
        : [];
    case "turn_diff":
      return base ? [["turn/diff/updated", { ...base, diff: msg.unified_diff }]] : [];
    case "plan_update":
      return base
        ? [
            [
              "turn/plan/updated",
              {
                ...base,
                explanation: msg.explanation ?? null,
                plan: msg.plan.map((step) => ({ step: step.step, status: planStatus(step.status) })),
              },
            ],
          ]
        : [];
    case "token_count": {
      const out: Notification[] = [];
      if (msg.info && base) {
        out.push([
          "thread/tokenUsage/updated",
          {
            ...base,
            tokenUsage: {
              total: toV2TokenBreakdown(ctx.threadTotal(msg.info.total_token_usage)),
              last: toV2TokenBreakdown(msg.info.last_token_usage),
              modelContextWindow: msg.info.model_context_window ?? null,
            },
          },
        ]);
      }
      // As real Codex 0.169: a (sparse) rate-limit update after every model response, headers or not.
      if (msg.rate_limits || (msg.info && base)) out.push(["account/rateLimits/updated", { rateLimits: toV2RateLimits(msg.rate_limits ?? {}) }]);
      return out;
    }
    case "model_reroute":
      return base ? [["model/rerouted", { ...base, fromModel: msg.from_model, toModel: msg.to_model, reason: "highRiskCyberActivity" }]] : [];
    case "context_compacted":
      return base ? [["thread/compacted", base]] : [];
    case "entered_review_mode":
    case "exited_review_mode": {
      // Review mode (core's review task): one item each, started and completed at once, as Codex.
      if (!base || !turn) return [];
      const review =
        msg.type === "entered_review_mode"
          ? (msg.user_facing_hint ?? "")
          : msg.review_output
            ? formatReviewOutput(ReviewOutput.parse(msg.review_output))
            : "";
      const at = now();
      const type = msg.type === "entered_review_mode" ? "enteredReviewMode" : "exitedReviewMode";
      const item = { type, id: randomUUID(), review, startedAtMs: at, completedAtMs: null } as unknown as v2.ThreadItem;
      const done = { ...item, completedAtMs: at } as v2.ThreadItem;
      turn.items.push(done);
      return [
        ["item/started", { ...base, item, startedAtMs: at }],
        ["item/completed", { ...base, item: done, completedAtMs: at }],
      ];
    }
    case "warning":
      return [["warning", { threadId, message: msg.message }]];
    case "error":
    case "stream_error": {
      if (!base || !turn) return [["warning", { threadId, message: msg.message }]];
      const error = {
        message: msg.message,
        codexErrorInfo: null,
        additionalDetails: msg.type === "stream_error" ? (msg.additional_details ?? null) : null,
      } as v2.TurnError;
      const willRetry = msg.type === "stream_error";
      if (!willRetry) turn.error = error;
      return [["error", { ...base, error, willRetry }]];
    }
    default:
      return null;
  }
}
