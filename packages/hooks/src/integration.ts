import { MessageItem } from "@codex-ts/protocol";

/**
 * A hook's additionalContext as Codex adds it to the conversation: a developer message holding the
 * text as-is. Core appends one per context (SessionStart/SubagentStart before the first request,
 * UserPromptSubmit right after the user's message, PreToolUse/PostToolUse after the tool output).
 */
export function hookContextMessage(text: string): MessageItem {
  return MessageItem.parse({ type: "message", role: "developer", content: [{ type: "input_text", text }] });
}

/** The tool output Codex gives the model when a PreToolUse hook blocks a call. */
export function preToolUseBlockMessage(toolName: string, toolInput: unknown, reason: string): string {
  const command =
    typeof toolInput === "object" && toolInput !== null
      ? (toolInput as { command?: unknown }).command
      : undefined;
  if ((toolName === "Bash" || toolName === "apply_patch") && typeof command === "string") {
    return `Command blocked by PreToolUse hook: ${reason}. Command: ${command}`;
  }
  return `Tool call blocked by PreToolUse hook: ${reason}. Tool: ${toolName}`;
}
