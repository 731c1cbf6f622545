/**
 * Rollout records as complete v2 thread items: a core `TurnItem` (`item_started` /
 * `item_completed` events) via {@link turnItemToV2}, and the shared pieces the legacy per-kind
 * events (./legacy-items.ts) use too.
 *
 * The converters build complete v2 items (every field, in the v2 schema's key order) from lines
 * the reader already validated, so they are not validated again: the types guarantee the shape,
 * and a second zod pass over every item was most of reconstructThread's time. Arrays are copied,
 * as a parse would, so nothing here aliases the lines (items are mutated while building, and the
 * lines are reconstructed again on every read of a live thread).
 */
import { fileURLToPath } from "node:url";
import type {
  CallToolResult,
  FileChange,
  ParsedCommand,
  ResponsesApiWebSearchAction,
  SerdeDuration,
  TextElement,
  TurnItem,
  UserInput,
  v2,
} from "@codex-ts/protocol";
import { collabItemToV2 } from "./collab.js";

export function durationMs(duration: SerdeDuration | undefined): number | null {
  return duration === undefined ? null : duration.secs * 1000 + Math.floor(duration.nanos / 1_000_000);
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Joins argv the way a shell would need it quoted (Codex shows commands this way). */
export function shellJoin(argv: readonly string[]): string {
  return argv
    .map((arg) => (arg !== "" && SHELL_SAFE.test(arg) ? arg : `'${arg.replaceAll("'", `'"'"'`)}'`))
    .join(" ");
}

export function pathFromUriOrPath(value: string): string {
  if (!value.startsWith("file://")) return value;
  try {
    return fileURLToPath(value);
  } catch {
    return value;
  }
}

export const SOURCE_NAMES: Readonly<Record<string, v2.CommandExecutionSource>> = {
  agent: "agent",
  user_shell: "userShell",
  unified_exec_startup: "unifiedExecStartup",
  unified_exec_interaction: "unifiedExecInteraction",
};

export function commandAction(parsed: ParsedCommand): v2.CommandAction {
  if (parsed.type === "read" && parsed.name !== undefined && parsed.path !== undefined) {
    return { type: "read", command: parsed.cmd, name: parsed.name, path: parsed.path };
  }
  if (parsed.type === "list_files")
    return { type: "listFiles", command: parsed.cmd, path: parsed.path ?? null };
  if (parsed.type === "search") {
    return { type: "search", command: parsed.cmd, path: parsed.path ?? null, query: parsed.query ?? null };
  }
  return { type: "unknown", command: parsed.cmd };
}

export function webSearchAction(action: ResponsesApiWebSearchAction): v2.WebSearchAction {
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

export function fileChanges(changes: Record<string, FileChange>): v2.FileUpdateChange[] {
  return Object.entries(changes).map(([filePath, change]) => {
    if (change.type === "update") {
      return {
        path: filePath,
        kind: { type: "update", move_path: change.move_path },
        diff: change.unified_diff,
      };
    }
    return { path: filePath, kind: { type: change.type }, diff: change.content };
  });
}

export function userInputs(inputs: readonly UserInput[]): v2.UserInput[] {
  return inputs.map((input): v2.UserInput => {
    switch (input.type) {
      case "text":
        return {
          type: "text",
          text: input.text,
          text_elements: textElements(input.text_elements),
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

export const camelStatus = <T extends string>(status: T): Exclude<T, "in_progress"> | "inProgress" =>
  status === "in_progress" ? "inProgress" : (status as Exclude<T, "in_progress">);

/** Fields of the v2 MCP tool call that rollouts do not carry. */
export const MCP_EXTRAS = {
  appContext: null,
  mcpAppResourceUri: null,
  mcpAppUi: null,
  pluginId: null,
  readOnlyHint: null,
} as const;

/** Fields of the v2 agent message that rollouts do not carry. */
export const AGENT_MESSAGE_EXTRAS = {
  delivery: null,
  memoryCitation: null,
  moderation: null,
  questions: null,
} as const;

/** Text elements (byte ranges of placeholders) in their v2 shape. */
export function textElements(elements: readonly TextElement[]): v2.TextElement[] {
  return elements.map((element) => ({
    byteRange: { start: element.byte_range.start, end: element.byte_range.end },
    placeholder: element.placeholder ?? null,
  }));
}

/** An MCP tool's successful result in its v2 shape. */
export function mcpResult(result: CallToolResult): v2.McpToolCallResult {
  return {
    content: [...result.content],
    structuredContent: result.structuredContent ?? result.structured_content ?? null,
    _meta: null,
  };
}

/** What a command's start and end both tell: its argv, cwd, process, source, parsed commands, duration. */
interface CommandFacts {
  command: readonly string[];
  cwd: string;
  process_id?: string | null | undefined;
  source: string;
  parsed_cmd: readonly ParsedCommand[];
  duration?: SerdeDuration | undefined;
}

type CommandExecutionItem = Extract<v2.ThreadItem, { type: "commandExecution" }>;

/** A command execution item (from a `CommandExecution` turn item or an `exec_command_end` event). */
export function commandExecutionItem(
  id: string,
  facts: CommandFacts,
  outcome: Pick<CommandExecutionItem, "status" | "aggregatedOutput" | "exitCode">,
  times: { startedAtMs: number | null; completedAtMs: number | null },
): CommandExecutionItem {
  return {
    type: "commandExecution",
    id,
    command: shellJoin(facts.command),
    cwd: pathFromUriOrPath(facts.cwd),
    processId: facts.process_id ?? null,
    source: SOURCE_NAMES[facts.source] ?? "agent",
    status: outcome.status,
    commandActions: facts.parsed_cmd.map(commandAction),
    aggregatedOutput: outcome.aggregatedOutput,
    exitCode: outcome.exitCode,
    durationMs: durationMs(facts.duration),
    pluginId: null,
    scriptPath: null,
    ...times,
  };
}

/** A core TurnItem as its v2 item, or `null` when it has no v2 form. */
export function turnItemToV2(
  item: TurnItem,
  startedAtMs: number | null,
  completedAtMs: number | null,
): v2.ThreadItem | null {
  const times = { startedAtMs, completedAtMs };
  switch (item.type) {
    case "UserMessage":
      return {
        type: "userMessage",
        id: item.id,
        content: userInputs(item.content),
        clientId: item.client_id ?? null,
        ...times,
      };
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
      return {
        type: "reasoning",
        id: item.id,
        summary: [...item.summary_text],
        content: [...item.raw_content],
        ...times,
      };
    case "CommandExecution":
      return commandExecutionItem(
        item.id,
        item,
        {
          status: camelStatus(item.status),
          aggregatedOutput: item.aggregated_output ?? null,
          exitCode: item.exit_code ?? null,
        },
        times,
      );
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
        result: item.result === undefined ? null : mcpResult(item.result),
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
            part.type === "input_text"
              ? { type: "inputText", text: part.text }
              : { type: "inputImage", imageUrl: part.image_url },
          ) ?? null,
        success: item.success ?? null,
        durationMs: durationMs(item.duration),
        ...times,
      };
    case "WebSearch":
      return {
        type: "webSearch",
        id: item.id,
        query: item.query,
        action: webSearchAction(item.action),
        results: null,
        ...times,
      };
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
