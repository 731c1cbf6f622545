import { fileURLToPath } from "node:url";
import {
  dropLastUserTurns,
  type EventMsg,
  formatReviewOutput,
  type FileChange,
  type ParsedCommand,
  type ResponseItem,
  type ResponsesApiWebSearchAction,
  ReviewOutput,
  type RolloutLine,
  type SerdeDuration,
  type TurnItem,
  type UserInput,
  v2,
} from "@codex-ts/protocol";
import { collabItemToV2 } from "./collab.js";

/**
 * Rebuilds what a rollout describes:
 * - {@link reconstructThread}: the Thread → Turns → ThreadItems view (thread/read, resume).
 * - {@link reconstructHistory}: the model-visible history (what a resumed session sends).
 *
 * Turn boundaries come from `task_started` / `task_complete` / `turn_aborted`. Rollouts without
 * them (older Codex) are grouped the way Codex groups them: each user message opens a new
 * implicit turn (`rollout-<index of that event among the event_msg lines>`), and everything until
 * the next user message belongs to it.
 *
 * Items come from `item_started` / `item_completed` events (Codex 0.169 "paginated" rollouts)
 * and from the legacy per-kind events (`user_message`, `agent_message`, `agent_reasoning`,
 * `exec_command_end`, `patch_apply_end`, `mcp_tool_call_end`, `web_search_end`,
 * `view_image_tool_call`, `context_compacted`, review mode). When a turn has both for one kind,
 * the legacy events win and the item events of that kind are ignored, so nothing appears twice —
 * this is what real Codex 0.169 `thread/read` returns for such rollouts. As in Codex, items built
 * from legacy events are numbered `item-1`, `item-2`, … across the thread and carry no times.
 *
 * The output is checked against real Codex 0.169 `thread/read` responses in the tests.
 */

export interface ReconstructOptions {
  /**
   * The turn that is still running (a loaded thread). A turn left open by the file is reported
   * `inProgress` only if it is this one; otherwise it was cut short and reads `interrupted`.
   */
  activeTurnId?: string | null;
}

export interface ReconstructedThread {
  turns: v2.Turn[];
  /**
   * Problems met while rebuilding (named, with the reason); the rest is still returned. Items are
   * built from lines the reader validated, so none is dropped today and this stays empty.
   */
  warnings: string[];
}

type Origin = "item" | "legacy";

interface BuildingTurn {
  id: string;
  explicit: boolean;
  items: { item: v2.ThreadItem; origin: Origin }[];
  hasUserMessage: boolean;
  status: v2.TurnStatus | null;
  error: v2.TurnError | null;
  rootTurnId: string | null;
  startedAt: number | null;
  completedAt: number | null;
  durationMs: number | null;
}

function durationMs(duration: SerdeDuration | undefined): number | null {
  return duration === undefined ? null : duration.secs * 1000 + Math.floor(duration.nanos / 1_000_000);
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Joins argv the way a shell would need it quoted (Codex shows commands this way). */
export function shellJoin(argv: readonly string[]): string {
  return argv.map((arg) => (arg !== "" && SHELL_SAFE.test(arg) ? arg : `'${arg.replaceAll("'", `'"'"'`)}'`)).join(" ");
}

function pathFromUriOrPath(value: string): string {
  if (!value.startsWith("file://")) return value;
  try {
    return fileURLToPath(value);
  } catch {
    return value;
  }
}

const SOURCE_NAMES: Readonly<Record<string, v2.CommandExecutionSource>> = {
  agent: "agent",
  user_shell: "userShell",
  unified_exec_startup: "unifiedExecStartup",
  unified_exec_interaction: "unifiedExecInteraction",
};

function commandAction(parsed: ParsedCommand): v2.CommandAction {
  if (parsed.type === "read" && parsed.name !== undefined && parsed.path !== undefined) {
    return { type: "read", command: parsed.cmd, name: parsed.name, path: parsed.path };
  }
  if (parsed.type === "list_files") return { type: "listFiles", command: parsed.cmd, path: parsed.path ?? null };
  if (parsed.type === "search") {
    return { type: "search", command: parsed.cmd, path: parsed.path ?? null, query: parsed.query ?? null };
  }
  return { type: "unknown", command: parsed.cmd };
}

function webSearchAction(action: ResponsesApiWebSearchAction): v2.WebSearchAction {
  switch (action.type) {
    case "search":
      return { type: "search", query: action.query ?? null, queries: action.queries ?? null };
    case "open_page":
      return { type: "openPage", url: action.url ?? null };
    case "find_in_page":
      return { type: "findInPage", url: action.url ?? null, pattern: action.pattern ?? null };
    default:
      return { type: "other" };
  }
}

function fileChanges(changes: Record<string, FileChange>): v2.FileUpdateChange[] {
  return Object.entries(changes).map(([filePath, change]) => {
    if (change.type === "update") {
      return { path: filePath, kind: { type: "update", move_path: change.move_path }, diff: change.unified_diff };
    }
    return { path: filePath, kind: { type: change.type }, diff: change.content };
  });
}

function userInputs(inputs: readonly UserInput[]): v2.UserInput[] {
  return inputs.map((input): v2.UserInput => {
    switch (input.type) {
      case "text":
        return {
          type: "text",
          text: input.text,
          text_elements: input.text_elements.map((element) => ({
            byteRange: { start: element.byte_range.start, end: element.byte_range.end },
            placeholder: element.placeholder ?? null,
          })),
        };
      case "image":
        return { type: "image", detail: input.detail ?? null, url: input.image_url };
      case "local_image":
        return { type: "localImage", path: input.path, detail: input.detail ?? null };
      default:
        return { type: input.type, name: input.name, path: input.path };
    }
  });
}

const camelStatus = <T extends string>(status: T): Exclude<T, "in_progress"> | "inProgress" =>
  status === "in_progress" ? "inProgress" : (status as Exclude<T, "in_progress">);

/** Fields of the v2 MCP tool call that rollouts do not carry. */
const MCP_EXTRAS = { appContext: null, mcpAppResourceUri: null, mcpAppUi: null, pluginId: null, readOnlyHint: null } as const;

/** Fields of the v2 agent message that rollouts do not carry. */
const AGENT_MESSAGE_EXTRAS = { delivery: null, memoryCitation: null, moderation: null, questions: null } as const;

/*
 * The two converters below build complete v2 items (every field, in the v2 schema's key order)
 * from lines the reader already validated, so they are not validated again: the types guarantee
 * the shape, and a second zod pass over every item was most of reconstructThread's time. Arrays
 * are copied, as a parse would, so nothing here aliases the lines (items are mutated while
 * building, and the lines are reconstructed again on every read of a live thread).
 */

/** A core TurnItem as its v2 item, or `null` when it has no v2 form. */
function turnItemToV2(item: TurnItem, startedAtMs: number | null, completedAtMs: number | null): v2.ThreadItem | null {
  const times = { startedAtMs, completedAtMs };
  switch (item.type) {
    case "UserMessage":
      return { type: "userMessage", id: item.id, content: userInputs(item.content), clientId: item.client_id ?? null, ...times };
    case "AgentMessage":
      return {
        type: "agentMessage",
        id: item.id,
        text: item.content.map((part) => part.text).join(""),
        phase: item.phase ?? null,
        ...AGENT_MESSAGE_EXTRAS,
        ...times,
      };
    case "Plan":
      return { type: "plan", id: item.id, text: item.text, ...times };
    case "Reasoning":
      return { type: "reasoning", id: item.id, summary: [...item.summary_text], content: [...item.raw_content], ...times };
    case "CommandExecution":
      return {
        type: "commandExecution",
        id: item.id,
        command: shellJoin(item.command),
        cwd: pathFromUriOrPath(item.cwd),
        processId: item.process_id ?? null,
        source: SOURCE_NAMES[item.source] ?? "agent",
        status: camelStatus(item.status),
        commandActions: item.parsed_cmd.map(commandAction),
        aggregatedOutput: item.aggregated_output ?? null,
        exitCode: item.exit_code ?? null,
        durationMs: durationMs(item.duration),
        pluginId: null,
        scriptPath: null,
        ...times,
      };
    case "FileChange":
      return {
        type: "fileChange",
        id: item.id,
        changes: fileChanges(item.changes),
        status: camelStatus(item.status ?? "completed"),
        ...times,
      };
    case "McpToolCall":
      return {
        type: "mcpToolCall",
        id: item.id,
        server: item.server,
        tool: item.tool,
        status: camelStatus(item.status),
        arguments: item.arguments ?? null,
        ...MCP_EXTRAS,
        readOnlyHint: item.readOnlyHint ?? null,
        result:
          item.result === undefined
            ? null
            : { content: [...item.result.content], structuredContent: item.result.structuredContent ?? item.result.structured_content ?? null, _meta: null },
        error: item.error === undefined ? null : { message: item.error.message },
        durationMs: durationMs(item.duration),
        ...times,
      };
    case "DynamicToolCall":
      return {
        type: "dynamicToolCall",
        id: item.id,
        namespace: item.namespace ?? null,
        tool: item.tool,
        arguments: item.arguments ?? null,
        status: camelStatus(item.status),
        contentItems:
          item.content_items?.map((part) =>
            part.type === "input_text" ? { type: "inputText", text: part.text } : { type: "inputImage", imageUrl: part.image_url },
          ) ?? null,
        success: item.success ?? null,
        durationMs: durationMs(item.duration),
        ...times,
      };
    case "WebSearch":
      return { type: "webSearch", id: item.id, query: item.query, action: webSearchAction(item.action), results: null, ...times };
    case "ImageView":
      return { type: "imageView", id: item.id, path: pathFromUriOrPath(item.path), ...times };
    case "ImageGeneration":
      return {
        type: "imageGeneration",
        id: item.id,
        status: item.status,
        revisedPrompt: item.revised_prompt ?? null,
        savedPath: item.saved_path ?? null,
        generationId: null,
        failure: null,
        inputImages: [],
        transparentBackground: null,
        ...times,
        result: item.result,
      };
    case "HookPrompt":
      return {
        type: "hookPrompt",
        id: item.id,
        fragments: item.fragments.map((fragment) => ({ text: fragment.text, hookRunId: fragment.hookRunId })),
        ...times,
      };
    case "ContextCompaction":
      return { type: "contextCompaction", id: item.id, ...times };
    case "CollabAgentToolCall":
      return collabItemToV2(item, startedAtMs, completedAtMs);
    case "Other":
      return null;
  }
}

/** A legacy event as its v2 item; `null` when the event carries no item. */
function legacyEventToV2(event: EventMsg, id: string): v2.ThreadItem | null {
  const times = { startedAtMs: null, completedAtMs: null };
  switch (event.type) {
    case "user_message":
      return {
        type: "userMessage",
        id,
        content: [
          ...(event.message === ""
            ? []
            : [
                {
                  type: "text" as const,
                  text: event.message,
                  text_elements: event.text_elements.map((element) => ({
                    byteRange: { start: element.byte_range.start, end: element.byte_range.end },
                    placeholder: element.placeholder ?? null,
                  })),
                },
              ]),
          ...(event.images ?? []).map((url): v2.UserInput => ({ type: "image", detail: null, url })),
          ...event.local_images.map((localPath): v2.UserInput => ({ type: "localImage", path: localPath, detail: null })),
        ],
        clientId: event.client_id ?? null,
        ...times,
      };
    case "agent_message":
      return { type: "agentMessage", id, text: event.message, phase: event.phase ?? null, ...AGENT_MESSAGE_EXTRAS, ...times };
    case "exec_command_end":
      return {
        type: "commandExecution",
        id: event.call_id,
        command: shellJoin(event.command),
        cwd: pathFromUriOrPath(event.cwd),
        processId: event.process_id ?? null,
        source: SOURCE_NAMES[event.source] ?? "agent",
        status: event.status ?? (event.exit_code === 0 ? "completed" : "failed"),
        commandActions: event.parsed_cmd.map(commandAction),
        aggregatedOutput: event.aggregated_output,
        exitCode: event.exit_code,
        durationMs: durationMs(event.duration),
        pluginId: null,
        scriptPath: null,
        ...times,
      };
    case "patch_apply_end":
      return {
        type: "fileChange",
        id: event.call_id,
        changes: fileChanges(event.changes),
        status: event.status ?? (event.success ? "completed" : "failed"),
        ...times,
      };
    case "mcp_tool_call_end": {
      const okResult = "Ok" in event.result ? event.result.Ok : null;
      return {
        type: "mcpToolCall",
        id: event.call_id,
        server: event.invocation.server,
        tool: event.invocation.tool,
        status: okResult !== null && okResult.is_error !== true ? "completed" : "failed",
        arguments: event.invocation.arguments ?? null,
        ...MCP_EXTRAS,
        result:
          okResult === null
            ? null
            : { content: [...okResult.content], structuredContent: okResult.structuredContent ?? okResult.structured_content ?? null, _meta: null },
        error: "Err" in event.result ? { message: event.result.Err } : null,
        durationMs: durationMs(event.duration),
        ...times,
      };
    }
    case "web_search_end":
      return {
        type: "webSearch",
        id: event.call_id,
        query: event.query,
        action: webSearchAction(event.action),
        results: null,
        ...times,
      };
    case "view_image_tool_call":
      return { type: "imageView", id: event.call_id, path: event.path, ...times };
    case "context_compacted":
      return { type: "contextCompaction", id, ...times };
    case "entered_review_mode":
      return { type: "enteredReviewMode", id, review: event.user_facing_hint ?? "", ...times };
    case "exited_review_mode":
      return { type: "exitedReviewMode", id, review: reviewText(event.review_output), ...times };
    default:
      return null;
  }
}

/** The review as Codex shows it (explanation, then the findings); "" when there is none. */
function reviewText(output: unknown): string {
  const parsed = ReviewOutput.safeParse(output);
  return output !== null && output !== undefined && parsed.success ? formatReviewOutput(parsed.data) : "";
}

const LEGACY_ITEM_EVENTS: ReadonlySet<string> = new Set([
  "user_message",
  "agent_message",
  "exec_command_end",
  "patch_apply_end",
  "mcp_tool_call_end",
  "web_search_end",
  "view_image_tool_call",
  "context_compacted",
  "entered_review_mode",
  "exited_review_mode",
]);

/** Legacy events whose items have no id of their own (Codex numbers them `item-N`). */
const GENERATED_ID_EVENTS: ReadonlySet<string> = new Set([
  "user_message",
  "agent_message",
  "context_compacted",
  "entered_review_mode",
  "exited_review_mode",
]);

/**
 * Kinds where an `item_completed` beats the legacy event. Codex 0.169's `thread/read` ignores
 * both `exec_command_end` / `view_image_tool_call` and non-Plan `item_completed` in legacy-mode
 * rollouts; codex-ts shows them (extended persistence exists to rebuild them), preferring the
 * richer item event.
 */
const ITEM_PREFERRED_KINDS: ReadonlySet<string> = new Set(["commandExecution", "imageView"]);

/** Rebuilds the turns (and their v2 items) a rollout records. Never throws. */
export function reconstructThread(lines: readonly RolloutLine[], options: ReconstructOptions = {}): ReconstructedThread {
  const turns: v2.Turn[] = [];
  const warnings: string[] = [];
  let current: BuildingTurn | null = null;
  /** Index of the current line among the `event_msg` lines. */
  let eventIndex = -1;
  let legacyCount = 0;
  const nextLegacyId = () => {
    legacyCount += 1;
    return `item-${legacyCount}`;
  };

  const open = (id: string, explicit: boolean, startedAt: number | null, rootTurnId: string | null = null): BuildingTurn => ({
    id,
    explicit,
    items: [],
    hasUserMessage: false,
    status: null,
    error: null,
    rootTurnId,
    startedAt,
    completedAt: null,
    durationMs: null,
  });

  const finish = (turn: BuildingTurn | null, atEnd = false) => {
    if (turn === null) return;
    const kinds = (origin: Origin) =>
      new Set(turn.items.filter((entry) => entry.origin === origin).map((entry) => entry.item.type));
    const legacyKinds = kinds("legacy");
    const itemKinds = kinds("item");
    const items = turn.items
      .filter((entry) => {
        const itemWins = ITEM_PREFERRED_KINDS.has(entry.item.type);
        return entry.origin === "legacy" ? !(itemWins && itemKinds.has(entry.item.type)) : itemWins || !legacyKinds.has(entry.item.type);
      })
      .map((entry) => entry.item);
    let status = turn.status;
    if (status === null) {
      if (!turn.explicit) status = "completed";
      else if (atEnd && options.activeTurnId === turn.id) status = "inProgress";
      else status = "interrupted";
    }
    if (status === "completed" && turn.error !== null) status = "failed";
    turns.push({
      id: turn.id,
      items,
      itemsView: "full",
      status,
      error: turn.error,
      startedAt: turn.startedAt,
      completedAt: turn.completedAt,
      durationMs: turn.durationMs,
      rootTurnId: turn.rootTurnId,
    });
  };

  /** Codex names an implicit turn after the index of the event that opened it. */
  const openImplicit = (): BuildingTurn => open(`rollout-${eventIndex}`, false, null);

  /** The turn an item goes into; a user message outside an explicit turn starts a new one. */
  const turnFor = (isUserMessage: boolean): BuildingTurn => {
    if (current === null) current = openImplicit();
    else if (isUserMessage && !current.explicit && current.hasUserMessage) {
      finish(current);
      current = openImplicit();
    }
    if (isUserMessage) current.hasUserMessage = true;
    return current;
  };

  const addItem = (turn: BuildingTurn, item: v2.ThreadItem, origin: Origin) => {
    const existing = turn.items.findIndex((entry) => entry.item.id === item.id && entry.item.type === item.type);
    if (existing >= 0) {
      const previous = turn.items[existing];
      // Keep the start time an item_started event recorded when the completion lacks one.
      if (previous !== undefined && item.startedAtMs === null) item.startedAtMs = previous.item.startedAtMs;
      turn.items[existing] = { item, origin };
    } else turn.items.push({ item, origin });
  };

  /** Appends to the last legacy reasoning item of the turn, or starts one. */
  const addLegacyReasoning = (turn: BuildingTurn, text: string, raw: boolean) => {
    const last = turn.items.at(-1);
    if (last !== undefined && last.origin === "legacy" && last.item.type === "reasoning") {
      if (raw) last.item.content.push(text);
      else last.item.summary.push(text);
      return;
    }
    const id = nextLegacyId();
    addItem(
      turn,
      { type: "reasoning", id, summary: raw ? [] : [text], content: raw ? [text] : [], startedAtMs: null, completedAtMs: null },
      "legacy",
    );
  };

  lines.forEach((line) => {
    if (line.type !== "event_msg") return;
    eventIndex += 1;
    const event = line.payload;
    switch (event.type) {
      case "task_started":
        finish(current);
        current = open(event.turn_id, true, event.started_at ?? null, event.root_turn_id ?? null);
        return;
      case "task_complete":
      case "turn_aborted": {
        if (current === null || (event.turn_id !== undefined && event.turn_id !== "" && current.id !== event.turn_id)) return;
        current.status = event.type === "task_complete" ? "completed" : "interrupted";
        current.completedAt = event.completed_at ?? null;
        current.durationMs = event.duration_ms ?? null;
        finish(current);
        current = null;
        return;
      }
      case "thread_rolled_back":
        // The last N turns were dropped (thread/revert): they leave the thread's turns.
        finish(current);
        current = null;
        turns.splice(Math.max(0, turns.length - event.num_turns));
        return;
      case "error":
        if (current !== null) {
          current.error = { message: event.message, codexErrorInfo: null, additionalDetails: null, misalignment: null };
        }
        return;
      case "item_started":
      case "item_completed": {
        const turn = turnFor(event.item.type === "UserMessage");
        const started = event.started_at_ms ?? null;
        const completed = event.type === "item_completed" ? (event.completed_at_ms ?? null) : null;
        const item = turnItemToV2(event.item, started, completed);
        if (item !== null) addItem(turn, item, "item");
        return;
      }
      case "agent_reasoning":
      case "agent_reasoning_raw_content":
        addLegacyReasoning(turnFor(false), event.text, event.type === "agent_reasoning_raw_content");
        return;
      default: {
        if (!LEGACY_ITEM_EVENTS.has(event.type)) return;
        const turn = turnFor(event.type === "user_message");
        const item = legacyEventToV2(event, GENERATED_ID_EVENTS.has(event.type) ? nextLegacyId() : "");
        if (item !== null) addItem(turn, item, "legacy");
      }
    }
  });
  finish(current, true);
  return { turns, warnings };
}

/**
 * The model-visible history a rollout ends with: its response items in order, with each
 * compaction's `replacement_history` replacing everything before it. A legacy compaction
 * without one keeps the user messages so far and adds the summary as a user message. A
 * `thread_rolled_back` event drops the last N user turns.
 */
export function reconstructHistory(lines: readonly RolloutLine[]): ResponseItem[] {
  let history: ResponseItem[] = [];
  for (const line of lines) {
    if (line.type === "response_item") history.push(line.payload);
    else if (line.type === "event_msg" && line.payload.type === "thread_rolled_back")
      history = dropLastUserTurns(history, line.payload.num_turns);
    else if (line.type === "compacted") {
      if (line.payload.replacement_history !== undefined) history = [...line.payload.replacement_history];
      else {
        const users = history.filter((item) => item.type === "message" && item.role === "user");
        history = [...users, { type: "message", role: "user", content: [{ type: "input_text", text: line.payload.message }] }];
      }
    }
  }
  return history;
}
