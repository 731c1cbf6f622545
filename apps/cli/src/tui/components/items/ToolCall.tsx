import type { v2 } from "@codex-ts/protocol";
import { Box, Text } from "ink";

type Item = Extract<v2.ThreadItem, { type: "mcpToolCall" | "dynamicToolCall" }>;

/** An MCP or client tool call: server.tool(arguments) and how it ended. */
export function ToolCall({ item }: { item: Item }) {
  const name =
    item.type === "mcpToolCall"
      ? `${item.server}.${item.tool}`
      : `${item.namespace ? `${item.namespace}.` : ""}${item.tool}`;
  const args = JSON.stringify(item.arguments ?? {});
  const failed = item.status === "failed" || (item.type === "mcpToolCall" && item.error !== null);
  const running = item.status === "inProgress";
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={running ? undefined : failed ? "red" : "green"}>{"• "}</Text>
        <Text bold>{running ? "Calling " : "Called "}</Text>
        <Text>{`${name}(${args.length > 80 ? `${args.slice(0, 77)}…` : args})`}</Text>
      </Text>
      {item.type === "mcpToolCall" && item.error ? (
        <Text color="red">{`  └ ${item.error.message}`}</Text>
      ) : null}
    </Box>
  );
}
