import type { v2 } from "@codex-ts/protocol";
import { Box, Text } from "ink";
import { Markdown } from "../Markdown.js";

type Item = Extract<v2.ThreadItem, { type: "agentMessage" }>;

/** The assistant's answer (streamed text grows in place until the item completes). */
export function AgentMessage({ item }: { item: Item }) {
  return (
    <Box>
      <Text>{"• "}</Text>
      <Box flexDirection="column" flexGrow={1}>
        <Markdown text={item.text} />
      </Box>
    </Box>
  );
}
