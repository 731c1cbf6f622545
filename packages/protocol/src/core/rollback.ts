// Dropping turns from a conversation (codex-rs `Op::ThreadRollback` / `EventMsg::ThreadRolledBack`):
// which history items start a user turn, and the history without its last N user turns. Core
// applies it to a live session; @codex-ts/rollout applies the recorded event when it rebuilds one.
import type { ResponseItem } from "../responses.js";

/** User messages the harness writes (context, not a person's turn): they never start a turn. */
const CONTEXT_PREFIXES = [
  "<environment_context>",
  "<user_instructions>",
  "# AGENTS.md instructions",
  "<skill>",
  "<user_shell_command>",
  "<turn_aborted>",
  "<subagent_notification>",
  "Another language model started to solve this problem",
];

function firstText(item: ResponseItem): string {
  if (item.type !== "message") return "";
  const first = item.content[0];
  return first && "text" in first && typeof first.text === "string" ? first.text : "";
}

/** Whether `item` opens a user turn: a user message that is not harness context (a review's `<user_action>` is one). */
export function startsUserTurn(item: ResponseItem): boolean {
  if (item.type !== "message" || item.role !== "user") return false;
  const text = firstText(item).trimStart();
  return !CONTEXT_PREFIXES.some((prefix) => text.startsWith(prefix));
}

/**
 * `items` without their last `numTurns` user turns: everything from the `numTurns`-th last turn
 * start on is dropped (all turns when there are fewer). Context before the first turn stays.
 */
export function dropLastUserTurns(items: readonly ResponseItem[], numTurns: number): ResponseItem[] {
  if (numTurns <= 0) return [...items];
  const starts: number[] = [];
  items.forEach((item, index) => {
    if (startsUserTurn(item)) starts.push(index);
  });
  if (starts.length === 0) return [...items];
  const cut = starts[Math.max(0, starts.length - numTurns)]!;
  return items.slice(0, cut);
}
