import type { v2 } from "@codex-ts/protocol";
import { Text } from "ink";

type Item = Extract<v2.ThreadItem, { type: "webSearch" }>;

/** "Searching the web" while running, then what was searched. */
export function WebSearch({ item, running }: { item: Item; running: boolean }) {
  return (
    <Text>
      <Text>{"• "}</Text>
      <Text bold>{running ? "Searching the web" : "Searched"}</Text>
      {item.query ? <Text>{` ${item.query}`}</Text> : null}
    </Text>
  );
}
