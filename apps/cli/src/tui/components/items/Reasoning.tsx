import type { v2 } from "@codex-ts/protocol";
import { Box, Text } from "ink";

type Item = Extract<v2.ThreadItem, { type: "reasoning" }>;

/** Reasoning summaries, dimmed and italic. */
export function Reasoning({ item }: { item: Item }) {
  const text = item.summary.filter((s) => s.trim() !== "").join("\n\n");
  if (text === "") return null;
  return (
    <Box>
      <Text dimColor>{"• "}</Text>
      <Text dimColor italic>
        {text.replace(/\*\*/g, "")}
      </Text>
    </Box>
  );
}
