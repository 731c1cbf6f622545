import type { v2 } from "@codex-ts/protocol";
import { Box, Text } from "ink";
import { Diff } from "../Diff.js";

type Item = Extract<v2.ThreadItem, { type: "fileChange" }>;

/** A patch: each file with its change kind and a coloured diff. */
export function FileChange({ item }: { item: Item }) {
  const verb =
    item.status === "declined"
      ? "Declined edit"
      : item.status === "failed"
        ? "Failed edit"
        : item.status === "inProgress"
          ? "Editing"
          : "Edited";
  return (
    <Box flexDirection="column">
      <Text>
        <Text
          color={item.status === "completed" ? "green" : item.status === "inProgress" ? undefined : "red"}
        >
          {"• "}
        </Text>
        <Text bold>{verb}</Text>
      </Text>
      {item.changes.map((change) => (
        <FileChangeEntry key={change.path} change={change} />
      ))}
    </Box>
  );
}

export function FileChangeEntry({ change }: { change: v2.FileUpdateChange }) {
  const kind = change.kind.type;
  const moved = change.kind.type === "update" && change.kind.move_path ? ` → ${change.kind.move_path}` : "";
  return (
    <Box flexDirection="column" paddingLeft={2}>
      <Text>{`└ ${change.path}${moved} (${kind})`}</Text>
      <Box paddingLeft={2}>
        <Diff diff={changeDiff(change)} />
      </Box>
    </Box>
  );
}

/** The change as diff lines: added or deleted files carry their content, updates a unified diff. */
export function changeDiff(change: v2.FileUpdateChange): string {
  if (change.kind.type === "update") return change.diff;
  const sign = change.kind.type === "add" ? "+" : "-";
  if (/^[-+@]/m.test(change.diff) && change.diff.includes("@@")) return change.diff;
  return change.diff
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => `${sign}${line}`)
    .join("\n");
}
