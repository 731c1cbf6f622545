// Compaction: the compact task (the `compact` op) and the summarization the turn also uses
// (auto-compaction, context-window overflow). PreCompact / PostCompact hooks around it.
import type { ResponseItem, TurnItem } from "@codex-ts/protocol";
import { v7 as uuidv7 } from "uuid";
import { compactedHistory } from "../context/updates.js";
import { userTextMessage } from "../session/context.js";
import { buildRequest, emitTurnError, type SampleResult, sample } from "../session/sampling.js";
import { Aborted, type SessionState } from "../session/state.js";
import type { SessionTask, TaskContext } from "./task.js";

export const SUMMARIZATION_PROMPT = `You are performing a CONTEXT CHECKPOINT COMPACTION. Write a handoff summary for another model that
will continue this task: the user's goals and constraints, what has been done (files touched, commands
run, results), decisions made, open problems, and the concrete next steps. Be concise and factual.`;

export const SUMMARY_PREFIX = `Another language model started to solve this problem and produced a summary of its thinking process. Use it to continue the task without repeating finished work:`;

/** The `compact` op: a task that only compacts (trigger `manual`). */
export class CompactTask implements SessionTask {
  readonly kind = "compact" as const;
  readonly origin = "user";

  async run(s: SessionState, ctx: TaskContext): Promise<string | null> {
    await compactHistory(s, ctx.subId, ctx.turnId, ctx.signal, "manual");
    return null;
  }
}

/** Context messages (not the user's own words): dropped by compaction. */
function isContextMessage(item: ResponseItem): boolean {
  if (item.type !== "message") return true;
  if (item.role !== "user") return true;
  const first = item.content[0];
  const text = first && (first.type === "input_text" || first.type === "output_text") ? first.text : "";
  return (
    text.startsWith("<environment_context>") ||
    text.startsWith("# AGENTS.md instructions") ||
    text.startsWith(SUMMARY_PREFIX)
  );
}

/**
 * Replace the history by a summary (the base instructions still open every request). PreCompact hooks
 * run first (`continue:false` cancels), PostCompact hooks after a successful compaction.
 */
export async function compactHistory(
  s: SessionState,
  subId: string,
  turnId: string,
  signal: AbortSignal,
  trigger: "manual" | "auto",
): Promise<"done" | "failed" | "cancelled"> {
  const pre = await s.hooks.fire(subId, turnId, { event: "PreCompact", trigger }, signal);
  if (signal.aborted) throw new Aborted();
  s.hooks.systemMessages(subId, pre);
  if (pre?.stop) {
    s.emit(subId, {
      type: "warning",
      message: `compaction cancelled by a PreCompact hook${pre.stopReason ? `: ${pre.stopReason}` : ""}`,
    });
    return "cancelled";
  }
  const item: TurnItem = { type: "ContextCompaction", id: uuidv7() };
  const started = Date.now();
  s.emitItem(subId, turnId, "started", item, started);
  // When even the summarization request is too long, drop the oldest items until it fits.
  let source = s.history.snapshot();
  let result: SampleResult;
  for (;;) {
    const request = buildRequest(s, [...source, userTextMessage(SUMMARIZATION_PROMPT)], []);
    result = await sample(s, subId, turnId, request, signal, false);
    if (result.ok || result.error.kind !== "context_window_exceeded" || source.length <= 1) break;
    source = source.slice(1);
  }
  if (!result.ok) {
    emitTurnError(s, subId, result.error, result.retriesSpent);
    s.emitItem(subId, turnId, "completed", item, started);
    return "failed";
  }
  const summary = result.items
    .flatMap((i) =>
      i.type === "message" && i.role === "assistant"
        ? [i.content.flatMap((c) => (c.type === "output_text" ? [c.text] : [])).join("")]
        : [],
    )
    .join("\n");
  // Keep the user's own messages (most recent first, up to a budget), then the summary.
  const userMessages = s.history.items.filter(
    (i) => i.type === "message" && i.role === "user" && !isContextMessage(i),
  );
  const kept: ResponseItem[] = [];
  let budget = 80_000;
  for (let i = userMessages.length - 1; i >= 0 && budget > 0; i--) {
    const message = userMessages[i]!;
    budget -= JSON.stringify(message).length;
    if (budget >= 0) kept.unshift(message);
  }
  s.lastTotalTokens = 0;
  s.history.replace(compactedHistory(s, kept, userTextMessage(`${SUMMARY_PREFIX}\n${summary}`)));
  s.record((r) => r.recordCompacted?.({ message: summary, replacement_history: s.history.snapshot() }));
  s.emitItem(subId, turnId, "completed", item, started);
  s.emit(subId, { type: "context_compacted" });
  const post = await s.hooks.fire(subId, turnId, { event: "PostCompact", trigger }, signal);
  s.hooks.systemMessages(subId, post);
  return "done";
}
