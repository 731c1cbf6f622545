import type { v2 } from "@codex-ts/protocol";
import { Text } from "ink";

/** One line for the item kinds that need no more (plans, sub-agents, compaction, images…). */
export function OtherItem({ item }: { item: v2.ThreadItem }) {
  return <Text dimColor>{`• ${describe(item)}`}</Text>;
}

export function describe(item: v2.ThreadItem): string {
  switch (item.type) {
    case "plan":
      return `Plan: ${item.text}`;
    case "contextCompaction":
      return "Context compacted";
    case "subAgentActivity":
      return `Sub-agent ${item.agentPath} ${item.kind}`;
    case "collabAgentToolCall":
      return `Agent ${item.tool} (${item.status})`;
    case "imageView":
      return `Viewed image ${item.path}`;
    case "enteredReviewMode":
      return `Review started: ${item.review}`;
    case "exitedReviewMode":
      return "Review finished";
    case "hookPrompt":
      return `Hook: ${item.fragments.map((f) => f.text).join(" ")}`;
    case "sleep":
      return `Waited ${item.durationMs} ms`;
    case "imageGeneration":
      return `Image generation ${item.status}`;
    default:
      return item.type;
  }
}
