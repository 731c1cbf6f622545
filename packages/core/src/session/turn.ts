// The turn loop: context → prompt → sample → dispatch tools → repeat until the model answers
// without tool calls (and Stop hooks let it stop). Mid-turn auto-compaction and the one
// compact-and-retry on a context-window overflow happen here too.
import type { ResponseItem, UserInput } from "@codex-ts/protocol";
import { estimateTokensAfterLastModelItem } from "../context/estimate.js";
import { contextUpdates } from "../context/updates.js";
import { compactHistory } from "../tasks/compact.js";
import type { TaskContext } from "../tasks/task.js";
import { buildToolRegistry } from "../tools/registry.js";
import type { ToolRegistry, ToolRegistryOptions } from "../tools/index.js";
import { DEFAULT_MAX_STOP_HOOK_CONTINUATIONS } from "./options.js";
import { loadSkills, recordUserInput, submitPrompt } from "./prompt.js";
import { buildRequest, emitTurnError, sample } from "./sampling.js";
import { networkRestricted } from "./services.js";
import { Aborted, type SessionState } from "./state.js";
import { runToolCall, toolOutput } from "./tool-calls.js";

/** How a turn starts: the user's input (an op), or a feature's (`Session.startTurn`). */
export interface TurnStart {
  /** Shown as the user's message and sent (UserPromptSubmit hooks run on it). */
  input?: UserInput[];
  /** Added to the history as they are, after the input, before the first request. */
  items?: ResponseItem[];
  clientId?: string;
  /** `final_output_json_schema`: the response format of every request of the turn. */
  outputSchema?: unknown;
}

/** The turn's tools: the built-in ones for the settings, then every `ToolProvider`'s. */
export function turnRegistry(s: SessionState): ToolRegistry {
  const planMode = s.modeKind() === "plan";
  const options: ToolRegistryOptions = { ...(s.options.tools ?? {}), planMode };
  if (s.options.dynamicTools) options.dynamicTools = s.options.dynamicTools;
  const provided = s.toolProviders.flatMap((provider) =>
    provider.handlers({ threadId: s.threadId, planMode }),
  );
  return buildToolRegistry(options, provided);
}

/** What the tool providers add before the next request (see `ToolProvider.beforeRequest`). */
function providerItems(s: SessionState): ResponseItem[] {
  const turn = { threadId: s.threadId, planMode: s.modeKind() === "plan" };
  return s.toolProviders.flatMap((provider) => [...(provider.beforeRequest?.(turn) ?? [])]);
}

/** One regular turn. Returns the last agent message; throws `Aborted` when interrupted. */
export async function runTurn(s: SessionState, ctx: TaskContext, start: TurnStart): Promise<string | null> {
  const { subId, turnId, signal, active } = ctx;
  const input = start.input ?? [];
  let lastAgentMessage: string | null = null;
  let compactedForOverflow = false;
  let stopHookActive = false;
  let stopContinuations = 0;
  s.record((r) => r.recordTurnContext?.(s.turnContext(turnId, active.rootTurnId)));
  await loadSkills(s, subId);
  if (networkRestricted(s.settingsState.sandboxPolicy)) await s.services.startNetworkProxy(subId);
  s.history.push(...contextUpdates(s));
  if (!s.sessionStartFired) {
    // First turn: SessionStart (SubagentStart for thread-spawned subagents) before the first request.
    s.sessionStartFired = true;
    const outcome = await s.hooks.sessionStart(subId, turnId, signal);
    if (signal.aborted) throw new Aborted();
    s.hooks.pushContexts(outcome);
    s.hooks.systemMessages(subId, outcome);
    if (outcome?.stop) {
      if (start.input) recordUserInput(s, subId, turnId, input, start.clientId, false);
      const hook = s.options.subagent ? "SubagentStart" : "SessionStart";
      s.emit(subId, {
        type: "warning",
        message: `${hook} hook stopped the session: ${outcome.stopReason ?? "no reason given"}`,
      });
      return lastAgentMessage;
    }
  }
  // The model never sees a blocked prompt; the turn ends without a request.
  if (start.input && !(await submitPrompt(s, subId, turnId, input, signal, start.clientId)))
    return lastAgentMessage;
  if (start.items?.length) s.history.push(...start.items);
  // Providers still getting ready (MCP servers starting) hold the first request; one can fail the turn.
  for (const provider of s.toolProviders) {
    const failure = (await provider.ready?.()) ?? null;
    if (signal.aborted) throw new Aborted();
    for (const message of provider.takeWarnings?.() ?? []) s.emit(subId, { type: "warning", message });
    if (failure !== null) {
      s.emit(subId, { type: "error", message: failure, codex_error_info: "other" });
      return lastAgentMessage;
    }
  }
  for (;;) {
    if (signal.aborted) throw new Aborted();
    const limit = s.autoCompactLimit();
    // As Codex: the last response's total plus an estimate of what entered the history since
    // (tool outputs such as original-resolution images), once a response was counted.
    const used = s.lastTotalTokens > 0 ? s.lastTotalTokens + estimateTokensAfterLastModelItem(s.history.items) : 0;
    if (limit !== undefined && used >= limit) {
      const compacted = await compactHistory(s, subId, turnId, signal, "auto");
      if (compacted === "failed") break;
      if (compacted === "done") s.history.push(...contextUpdates(s));
      else s.lastTotalTokens = 0; // cancelled by a PreCompact hook: go on without compacting
    }
    s.history.push(...s.takeInjected(), ...providerItems(s));
    const registry = turnRegistry(s);
    const result = await sample(
      s,
      subId,
      turnId,
      buildRequest(s, s.history.items, registry.specs, start.outputSchema),
      signal,
      true,
    );
    if (!result.ok) {
      // Over the context window: compact once and try again before giving up.
      if (result.error.kind === "context_window_exceeded" && !compactedForOverflow) {
        compactedForOverflow = true;
        const compacted = await compactHistory(s, subId, turnId, signal, "auto");
        if (compacted === "done") {
          s.history.push(...contextUpdates(s));
          continue;
        }
        if (compacted === "failed") break;
      }
      emitTurnError(s, subId, result.error, result.retriesSpent);
      break;
    }
    s.history.push(...result.items);
    for (const item of result.items) {
      if (item.type === "message" && item.role === "assistant") {
        lastAgentMessage = item.content.flatMap((c) => (c.type === "output_text" ? [c.text] : [])).join("");
      }
    }
    const calls = result.items.filter((i) => i.type === "function_call" || i.type === "custom_tool_call");
    let stopAfterTools = false;
    for (const call of calls) {
      if (call.type !== "function_call" && call.type !== "custom_tool_call") continue;
      if (signal.aborted || stopAfterTools) {
        s.history.push(toolOutput(call, { output: "aborted by user", success: false }));
        continue;
      }
      const ran = await runToolCall(s, subId, turnId, call, registry, signal);
      s.history.push(ran.output, ...ran.after);
      // The user answered an approval with `abort`: end the turn as interrupted.
      if (ran.abortTurn) active.controller.abort();
      if (ran.stop) stopAfterTools = true;
    }
    if (signal.aborted) throw new Aborted();
    if (stopAfterTools) break;
    const steer = active.pendingInput.splice(0);
    let steered = 0;
    for (const extra of steer) if (await submitPrompt(s, subId, turnId, extra, signal)) steered++;
    if (calls.length === 0 && steered === 0 && !s.hasInjected()) {
      // The model is done: Stop (SubagentStop) hooks may send it back to work.
      const stop = await s.hooks.stop(subId, turnId, stopHookActive, lastAgentMessage, signal);
      if (signal.aborted) throw new Aborted();
      s.hooks.systemMessages(subId, stop);
      if (!stop?.blocked || stop.stop) break;
      const maxContinuations = s.options.maxStopHookContinuations ?? DEFAULT_MAX_STOP_HOOK_CONTINUATIONS;
      if (stopContinuations >= maxContinuations) {
        const hook = s.options.subagent ? "SubagentStop" : "Stop";
        const reason = stop.blockReason ? ` (last reason: ${stop.blockReason})` : "";
        s.emit(subId, {
          type: "warning",
          message: `${hook} hook blocked the turn again after ${maxContinuations} continuation${maxContinuations === 1 ? "" : "s"}; ending the turn${reason}`,
        });
        break;
      }
      stopContinuations++;
      stopHookActive = true;
      s.hooks.recordHookPrompt(subId, turnId, stop);
    }
  }
  return lastAgentMessage;
}
