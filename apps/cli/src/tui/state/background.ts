/**
 * Background terminals: unified-exec commands still running after their tool call returned (as
 * Codex's status row counts them). A command is tracked from its `item/started` when the server
 * marks it `unifiedExecStartup`, or when its turn ends with the command still in progress; it is
 * dropped when its `item/completed` arrives. Pure.
 */
import type { v2 } from "@codex-ts/protocol";
import { displayCommand, oneLine } from "../format.js";

export interface BackgroundCommand {
  /** The commandExecution item's id. */
  id: string;
  command: string;
}

type CommandItem = Extract<v2.ThreadItem, { type: "commandExecution" }>;

function isCommand(item: v2.ThreadItem): item is CommandItem {
  return item.type === "commandExecution";
}

function withCommand(list: readonly BackgroundCommand[], item: CommandItem): BackgroundCommand[] {
  const entry = { id: item.id, command: item.command };
  return list.some((b) => b.id === item.id)
    ? list.map((b) => (b.id === item.id ? entry : b))
    : [...list, entry];
}

/** `item/started`: a unified-exec session's command is a background terminal from its start. */
export function backgroundOnStart(
  list: readonly BackgroundCommand[],
  item: v2.ThreadItem,
): readonly BackgroundCommand[] {
  return isCommand(item) && item.source === "unifiedExecStartup" ? withCommand(list, item) : list;
}

/** The turn ended: its commands still in progress keep running in the background. */
export function backgroundOnTurnEnd(
  list: readonly BackgroundCommand[],
  live: readonly v2.ThreadItem[],
): readonly BackgroundCommand[] {
  let next = list;
  for (const item of live)
    if (isCommand(item) && item.status === "inProgress") next = withCommand(next, item);
  return next;
}

/** `item/completed`: the process exited. */
export function backgroundOnComplete(
  list: readonly BackgroundCommand[],
  id: string,
): readonly BackgroundCommand[] {
  return list.some((b) => b.id === id) ? list.filter((b) => b.id !== id) : list;
}

/** "1 background terminal running · /ps to view" (Codex's words), or null when none runs. */
export function backgroundSummary(list: readonly BackgroundCommand[]): string | null {
  if (list.length === 0) return null;
  return `${list.length} background terminal${list.length === 1 ? "" : "s"} running · /ps to view`;
}

/** What /ps prints: each running background command. */
export function backgroundLines(list: readonly BackgroundCommand[]): string[] {
  if (list.length === 0) return ["No background terminals running."];
  return [
    `Background terminals (${list.length})`,
    ...list.map((b) => `  • ${oneLine(displayCommand(b.command), 80)}`),
  ];
}
