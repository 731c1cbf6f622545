import type { v2 } from "@codex-ts/protocol";
import { AgentMessage } from "./AgentMessage.js";
import { CommandExecution } from "./CommandExecution.js";
import { FileChange } from "./FileChange.js";
import { OtherItem } from "./OtherItem.js";
import { Reasoning } from "./Reasoning.js";
import { ToolCall } from "./ToolCall.js";
import { UserMessage } from "./UserMessage.js";
import { WebSearch } from "./WebSearch.js";

/** One v2 ThreadItem, by type. `running` is true while it streams. */
export function ItemView({ item, running = false }: { item: v2.ThreadItem; running?: boolean }) {
  switch (item.type) {
    case "agentMessage":
      return <AgentMessage item={item} />;
    case "userMessage":
      return <UserMessage item={item} />;
    case "commandExecution":
      return <CommandExecution item={item} />;
    case "fileChange":
      return <FileChange item={item} />;
    case "reasoning":
      return <Reasoning item={item} />;
    case "mcpToolCall":
    case "dynamicToolCall":
      return <ToolCall item={item} />;
    case "webSearch":
      return <WebSearch item={item} running={running} />;
    case "functionCallOutput":
      return null;
    default:
      return <OtherItem item={item} />;
  }
}
