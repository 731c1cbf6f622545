// The hook runtime: one place that fires @codex-ts/hooks events with the session's context, and
// one function per hook point the turn uses (session start, prompt, tools, stop, compaction).
import {
  type HookContext,
  type HookEventOutcome,
  type HookRequest,
  hookContextMessage,
  preToolUseBlockMessage,
} from "@codex-ts/hooks";
import type { ResponseItem, TurnItem, v2 } from "@codex-ts/protocol";
import { v7 as uuidv7 } from "uuid";
import type { ToolCallHooks } from "../tools/registry.js";
import type { ToolResult } from "../tools/index.js";
import { hookPermissionMode, hookPromptMessage, hookToolView, payloadWithUpdatedInput } from "./hooks.js";
import type { SessionState } from "./state.js";

/** Request fields of one hook event (the session fills the common context). */
export type HookEventFields = HookRequest extends infer R
  ? R extends HookContext
    ? Omit<R, keyof HookContext>
    : never
  : never;

/** The Pre/PostToolUse hooks of one call, plus what they left for the turn. */
export interface ToolHookRun {
  hooks: ToolCallHooks;
  /** Hook context messages that follow the tool output. */
  after: ResponseItem[];
  /** A PostToolUse hook said `continue: false`: the turn ends after this call. */
  stop(): boolean;
}

export class HookRuntime {
  private readonly runsByTurn = new Map<string, v2.HookRunSummary[]>();

  constructor(private readonly s: SessionState) {}

  get enabled(): boolean {
    return Boolean(this.s.options.hooks);
  }

  /** Completed hook runs of a turn, in completion order. */
  runs(turnId: string): v2.HookRunSummary[] {
    return [...(this.runsByTurn.get(turnId) ?? [])];
  }

  /**
   * Fire one hook event with the session's context. Emits `hook_started` / `hook_completed` per
   * handler and keeps completed runs per turn. Undefined when no hook engine is configured.
   */
  async fire(
    subId: string,
    turnId: string,
    fields: HookEventFields,
    signal?: AbortSignal,
  ): Promise<HookEventOutcome | undefined> {
    const engine = this.s.options.hooks;
    if (!engine) return undefined;
    const settings = this.s.settingsState;
    const request = {
      sessionId: this.s.sessionId,
      turnId,
      cwd: settings.cwd,
      transcriptPath: this.s.options.transcriptPath ?? null,
      model: settings.model,
      permissionMode: hookPermissionMode(
        settings.approvalPolicy,
        settings.sandboxPolicy,
        this.s.modeKind() === "plan",
      ),
      ...fields,
    } as HookRequest;
    try {
      return await engine.run(request, {
        ...(signal ? { signal } : {}),
        onStarted: (run) => this.s.emit(subId, { type: "hook_started", turn_id: turnId, run }),
        onCompleted: (run) => {
          const runs = this.runsByTurn.get(turnId) ?? [];
          runs.push(run);
          this.runsByTurn.set(turnId, runs);
          this.s.emit(subId, { type: "hook_completed", turn_id: turnId, run });
        },
      });
    } catch (error) {
      this.s.emit(subId, {
        type: "warning",
        message: `${fields.event} hooks failed: ${error instanceof Error ? error.message : String(error)}`,
      });
      return undefined;
    }
  }

  /** Add hook contexts to the conversation (developer messages, in order). */
  pushContexts(outcome: HookEventOutcome | undefined): void {
    if (outcome?.additionalContexts.length)
      this.s.history.push(...outcome.additionalContexts.map((text) => hookContextMessage(text)));
  }

  /** Tell the user what hooks said to them (`systemMessage`). */
  systemMessages(subId: string, outcome: HookEventOutcome | undefined): void {
    for (const message of outcome?.systemMessages ?? []) this.s.emit(subId, { type: "warning", message });
  }

  /** SessionStart, or SubagentStart for a thread-spawned subagent (first turn, before the first request). */
  sessionStart(subId: string, turnId: string, signal: AbortSignal): Promise<HookEventOutcome | undefined> {
    const sub = this.s.options.subagent;
    // Internal sub-agents (review, guardian) fire neither: no synthetic agent types reach matchers.
    if (sub?.internal) return Promise.resolve(undefined);
    if (sub)
      return this.fire(
        subId,
        turnId,
        { event: "SubagentStart", agentId: sub.agentId, agentType: sub.agentType },
        signal,
      );
    const source =
      this.s.options.sessionStartSource ?? (this.s.options.initialHistory?.length ? "resume" : "startup");
    return this.fire(subId, turnId, { event: "SessionStart", source }, signal);
  }

  /** Stop, or SubagentStop for a subagent: the model answered without tool calls. */
  stop(
    subId: string,
    turnId: string,
    stopHookActive: boolean,
    lastAssistantMessage: string | null,
    signal: AbortSignal,
  ): Promise<HookEventOutcome | undefined> {
    const sub = this.s.options.subagent;
    if (sub?.internal) return Promise.resolve(undefined);
    if (!sub)
      return this.fire(subId, turnId, { event: "Stop", stopHookActive, lastAssistantMessage }, signal);
    const agentTranscriptPath = sub.transcriptPath ?? this.s.options.transcriptPath ?? null;
    return this.fire(
      subId,
      turnId,
      {
        event: "SubagentStop",
        agentId: sub.agentId,
        agentType: sub.agentType,
        agentTranscriptPath,
        stopHookActive,
        lastAssistantMessage,
      },
      signal,
    );
  }

  /** A blocking Stop hook's reason goes back to the model as a hook prompt (a user message). */
  recordHookPrompt(subId: string, turnId: string, outcome: HookEventOutcome): void {
    const fragments = outcome.handlers
      .filter((h) => h.run.status === "blocked")
      .map((h) => ({
        hookRunId: h.run.id,
        text:
          h.run.entries
            .filter((e) => e.kind === "feedback")
            .map((e) => e.text)
            .join("\n") ||
          (outcome.blockReason ?? ""),
      }));
    if (fragments.length === 0)
      fragments.push({ hookRunId: outcome.runs[0]?.id ?? "hook", text: outcome.blockReason ?? "" });
    const started = Date.now();
    const item: TurnItem = { type: "HookPrompt", id: uuidv7(), fragments };
    this.s.emitItem(subId, turnId, "started", item, started);
    this.s.history.push(hookPromptMessage(fragments));
    this.s.emitItem(subId, turnId, "completed", item, started);
  }

  /**
   * PreToolUse / PostToolUse around one call, for `dispatchToolCall`. PreToolUse may block the
   * call or change its input; PostToolUse may replace what the model reads or end the turn.
   */
  toolHooks(subId: string, turnId: string, signal: AbortSignal): ToolHookRun {
    const after: ResponseItem[] = [];
    let stop = false;
    const contexts = (outcome: HookEventOutcome | undefined) => {
      for (const text of outcome?.additionalContexts ?? []) after.push(hookContextMessage(text));
      this.systemMessages(subId, outcome);
    };
    const hooks: ToolCallHooks = {
      before: async (call) => {
        const view = hookToolView(call.name, call.payload);
        const pre = await this.fire(
          subId,
          turnId,
          {
            event: "PreToolUse",
            toolName: view.toolName,
            matcherAliases: view.matcherAliases,
            toolInput: view.toolInput,
            toolUseId: call.callId,
          },
          signal,
        );
        contexts(pre);
        // Blocked: the tool does not run; the model is told why.
        if (pre?.blocked)
          return { block: preToolUseBlockMessage(view.toolName, view.toolInput, pre.blockReason ?? "") };
        if (pre?.updatedInput !== undefined)
          return {
            call: { ...call, payload: payloadWithUpdatedInput(call.name, call.payload, pre.updatedInput) },
          };
        return {};
      },
      after: async (call, result: ToolResult) => {
        const view = hookToolView(call.name, call.payload);
        const toolResponse =
          typeof result.output === "string"
            ? result.output
            : result.output.flatMap((c) => (c.type === "input_text" ? [c.text] : [])).join("\n");
        const post = await this.fire(
          subId,
          turnId,
          {
            event: "PostToolUse",
            toolName: view.toolName,
            matcherAliases: view.matcherAliases,
            toolInput: view.toolInput,
            toolUseId: call.callId,
            toolResponse,
          },
          signal,
        );
        contexts(post);
        if (post?.stop) {
          stop = true;
          this.s.emit(subId, {
            type: "warning",
            message: `PostToolUse hook stopped the turn${post.stopReason ? `: ${post.stopReason}` : ""}`,
          });
        }
        // A blocking PostToolUse hook replaces what the model reads with its reason (the tool already ran).
        return post?.blocked ? { output: post.blockReason ?? "" } : {};
      },
    };
    return { hooks, after, stop: () => stop };
  }
}
