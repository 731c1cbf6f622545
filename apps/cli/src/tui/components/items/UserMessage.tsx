import type { v2 } from "@codex-ts/protocol";
import { Box, Text } from "ink";

type Item = Extract<v2.ThreadItem, { type: "userMessage" }>;

/** What the user sent: text, and images as `[Image #N]` chips numbered in order. */
export function UserMessage({ item }: { item: Item }) {
  let images = 0;
  const parts = item.content.map((input) => {
    switch (input.type) {
      case "text":
        return input.text;
      case "image":
      case "localImage":
        images += 1;
        return `[Image #${images}]`;
      case "skill":
      case "mention":
        return `$${input.name}`;
      default:
        return `[${input.type}]`;
    }
  });
  return (
    <Box>
      <Text dimColor bold>
        {"› "}
      </Text>
      <Text dimColor>{parts.join(" ")}</Text>
    </Box>
  );
}
